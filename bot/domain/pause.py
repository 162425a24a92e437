"""Pausing reminders for a holiday: until a local day, or until /resume."""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo

MAX_PAUSE_DAYS = 365


def pause_end(now: datetime, zone: tzinfo, days: int) -> datetime:
    """Reminders come back at the start of the local day `days` days from today."""
    if not 1 <= days <= MAX_PAUSE_DAYS:
        raise ValueError(f"days must be 1-{MAX_PAUSE_DAYS}")
    today = now.astimezone(zone).date()
    return datetime.combine(today + timedelta(days=days), time(0), tzinfo=zone)


def is_paused(now: datetime, paused_at: datetime | None, paused_until: datetime | None) -> bool:
    return paused_at is not None and (paused_until is None or now < paused_until)
