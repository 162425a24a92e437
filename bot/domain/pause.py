"""Pausing reminders for a holiday: until a local day, or until /resume."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, tzinfo

MAX_PAUSE_DAYS = 365


def pause_end(now: datetime, zone: tzinfo, days: int, reminder_at: time | None = None) -> datetime:
    """Reminders come back at the start of the local day after `days` days of pause. The
    pause counts from today, or from tomorrow when today's reminder (at `reminder_at`) has
    already come: "/pause 3" on a Wednesday afternoon skips Thursday, Friday and Saturday."""
    if not 1 <= days <= MAX_PAUSE_DAYS:
        raise ValueError(f"days must be 1-{MAX_PAUSE_DAYS}")
    local = now.astimezone(zone)
    first = local.date()
    if reminder_at is not None and local.time() >= reminder_at:
        first += timedelta(days=1)
    return datetime.combine(first + timedelta(days=days), time(0), tzinfo=zone)


def is_paused(now: datetime, paused_at: datetime | None, paused_until: datetime | None) -> bool:
    return paused_at is not None and (paused_until is None or now < paused_until)


_COUNT_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14,
    "twenty": 20, "thirty": 30, "a couple of": 2, "a few": 3,
}  # fmt: skip
_COUNT = r"(?P<count>\d{1,3}|[a-z]+(?: (?:couple of|few))?)"
_UNIT = r"(?P<unit>days?|d|weeks?|w|months?)"
_SPAN = re.compile(rf"^(?:for\s+)?{_COUNT}?\s*{_UNIT}?$")
_UNITS = {"d": 1, "day": 1, "days": 1, "w": 7, "week": 7, "weeks": 7, "month": 30, "months": 30}


def parse_pause_days(text: str) -> int | None:
    """How many days "/pause ..." asks for: "3", "3 days", "three", "a week", "2 weeks";
    None if it is not a number of days from 1 to MAX_PAUSE_DAYS."""
    match = _SPAN.match(" ".join(text.casefold().split()))
    if match is None or not (match["count"] or match["unit"]):
        return None
    count_text = match["count"] or "a"
    count = int(count_text) if count_text.isdigit() else _COUNT_WORDS.get(count_text)
    if count is None:
        return None
    days = count * _UNITS[match["unit"] or "days"]
    return days if 1 <= days <= MAX_PAUSE_DAYS else None
