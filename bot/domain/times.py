"""Reading a reminder time the way people type it: "7:30", "07:30", "7.30", "7:30 am",
"0730", "about 6", "half past seven", "quarter to eight", "seven thirty"."""

from __future__ import annotations

import re
from datetime import time

_TIME = re.compile(
    r"^(?P<hour>\d{1,2})(?:\s*[:.h\s]\s*(?P<minute>\d{2}))?\s*h?\s*(?P<half>[ap])?\.?\s*(?:m\.?)?$"
)
_COMPACT = re.compile(r"^(?P<hour>\d{1,2})(?P<minute>\d{2})$")  # "0730", "730", "1830"
_NAMED = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}
# Words around a time that change nothing ("about 6", "at 7ish", "7 o'clock").
_LEAD = re.compile(r"^(?:(?:about|around|at|approx|approximately|roughly|maybe|say|by)\s+)+")
_TAIL = re.compile(r"\s*(?:ish|o'?clock|oclock|sharp|or so)$")
_MORNING = re.compile(r"\s*(?:in the morning|morning|a\.?m\.?)$")
_EVENING = re.compile(
    r"\s*(?:in the (?:evening|afternoon)|at night|tonight|evening|afternoon|p\.?m\.?)$"
)
_NUMBERS = {
    word: value
    for value, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
_MINUTE_WORDS = {
    "o five": 5, "oh five": 5, "ten": 10, "fifteen": 15, "twenty": 20, "twenty five": 25,
    "thirty": 30, "thirty five": 35, "forty": 40, "forty five": 45, "fifty": 50,
    "fifty five": 55,
}  # fmt: skip
_PAST = re.compile(
    r"^(?P<part>half|quarter|ten|five|twenty|twenty five) (?:past|after) (?P<hour>\w+)$"
)
_TO = re.compile(
    r"^(?P<part>quarter|ten|five|twenty|twenty five) (?:to|till|before) (?P<hour>\w+)$"
)
_PARTS = {"half": 30, "quarter": 15, "ten": 10, "five": 5, "twenty": 20, "twenty five": 25}


def parse_time(text: str) -> time | None:
    """A wall-clock time from free text, or None if it is not one.

    24-hour by default; "am"/"pm" (or "in the morning", "in the evening") switch to
    the 12-hour reading (12 am is midnight, 12 pm is noon). A bare hour ("7") means 07:00.
    """
    cleaned = " ".join(text.strip().casefold().split())
    cleaned = _TAIL.sub("", _LEAD.sub("", cleaned)).strip()
    if cleaned in _NAMED:
        return _NAMED[cleaned]
    half = None
    if (morning := _MORNING.search(cleaned)) is not None:
        half, cleaned = "a", cleaned[: morning.start()].strip()
    elif (evening := _EVENING.search(cleaned)) is not None:
        half, cleaned = "p", cleaned[: evening.start()].strip()
    cleaned = _TAIL.sub("", cleaned).strip()
    found = _in_words(cleaned) or _in_digits(cleaned)
    if found is None:
        return None
    hour, minute, typed_half = found
    return _clock(hour, minute, half or typed_half)


def _in_digits(text: str) -> tuple[int, int, str | None] | None:
    if match := _COMPACT.match(text):
        return int(match["hour"]), int(match["minute"]), None
    match = _TIME.match(text)
    if match is None:
        return None
    return int(match["hour"]), int(match["minute"] or 0), match["half"]


def _hour(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _NUMBERS.get(word)


def _in_words(text: str) -> tuple[int, int, str | None] | None:
    """ "half past seven", "quarter to 8", "seven thirty", "seven"."""
    if match := _PAST.match(text):
        hour = _hour(match["hour"])
        return None if hour is None else (hour, _PARTS[match["part"]], None)
    if match := _TO.match(text):
        hour = _hour(match["hour"])
        if hour is None:
            return None
        return (hour - 1) % 24 if hour else 23, 60 - _PARTS[match["part"]], None
    first, _, rest = text.partition(" ")
    hour = _NUMBERS.get(first)
    if hour is None:
        return None
    if not rest:
        return hour, 0, None
    minute = _MINUTE_WORDS.get(rest)
    return None if minute is None else (hour, minute, None)


def _clock(hour: int, minute: int, half: str | None) -> time | None:
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)
