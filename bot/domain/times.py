"""Reading a reminder time the way people type it: "7:30", "07:30", "7.30", "7:30 am"."""

from __future__ import annotations

import re
from datetime import time

_TIME = re.compile(
    r"^(?P<hour>\d{1,2})(?:\s*[:.h\s]\s*(?P<minute>\d{2}))?\s*h?\s*(?P<half>[ap])?\.?\s*(?:m\.?)?$"
)
_NAMED = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}


def parse_time(text: str) -> time | None:
    """A wall-clock time from free text, or None if it is not one.

    24-hour by default; "am"/"pm" switch to the 12-hour reading (12 am is
    midnight, 12 pm is noon). A bare hour ("7") means 07:00.
    """
    cleaned = text.strip().casefold()
    if cleaned in _NAMED:
        return _NAMED[cleaned]
    match = _TIME.match(cleaned)
    if match is None:
        return None
    hour = int(match["hour"])
    minute = int(match["minute"] or 0)
    if match["half"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["half"] == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)
