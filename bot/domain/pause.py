"""Pausing reminders for a holiday: until a local day, or until /resume."""

from __future__ import annotations

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
