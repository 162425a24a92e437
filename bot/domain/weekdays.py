"""Weekday sets as a 7-bit mask (bit 0 = Monday), read from text and described."""

from __future__ import annotations

import re

EVERY_DAY = 0b1111111
WEEKDAYS = 0b0011111
WEEKENDS = 0b1100000

_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_GROUPS = {
    "all": EVERY_DAY, "every day": EVERY_DAY, "everyday": EVERY_DAY, "daily": EVERY_DAY,
    "weekdays": WEEKDAYS, "workdays": WEEKDAYS, "weekends": WEEKENDS, "weekend": WEEKENDS,
}  # fmt: skip


def has_day(mask: int, weekday: int) -> bool:
    return bool(mask >> weekday & 1)


def toggle(mask: int, weekday: int) -> int:
    return mask ^ (1 << weekday)


def parse_days(text: str) -> int | None:
    """ "mon wed fri", "Mon, Tue", "monday-friday", "weekdays", "every day"; None if unclear.

    An empty set is not a choice: /stop is how to get no reminders.
    """
    cleaned = " ".join(text.casefold().replace(",", " ").split())
    if cleaned in _GROUPS:
        return _GROUPS[cleaned]
    mask = 0
    for word in cleaned.split():
        if span := re.fullmatch(r"([a-z]+)-([a-z]+)", word):
            first, last = _day_index(span[1]), _day_index(span[2])
            if first is None or last is None or first > last:
                return None
            for day in range(first, last + 1):
                mask |= 1 << day
            continue
        index = _day_index(word)
        if index is None:
            return None
        mask |= 1 << index
    return mask or None


def _day_index(word: str) -> int | None:
    """'mo', 'mon', 'monday', 'tues', 'thurs' -> 0..6 (two letters are already unique)."""
    if len(word) >= 2:
        for index, name in enumerate(_FULL_NAMES):
            if name.startswith(word):
                return index
    return None


def day_group(mask: int) -> str | None:
    """The name of a well-known set ("every_day", "weekdays", "weekends"), if it is one."""
    return {EVERY_DAY: "every_day", WEEKDAYS: "weekdays", WEEKENDS: "weekends"}.get(mask)


def days_in(mask: int) -> list[int]:
    return [day for day in range(7) if has_day(mask, day)]
