"""Local reminder times to UTC instants, DST included.

A reminder time is a wall-clock time in the user's zone. On a spring-forward
day a time inside the gap (02:30 when clocks jump from 02:00 to 03:00) fires
when the gap ends (03:00); on a fall-back day a time that happens twice fires
once, at its first occurrence.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Protocol

from bot.domain.pause import is_paused
from bot.domain.timezones import zone_info
from bot.domain.weekdays import has_day

_SEARCH_DAYS = 8  # a week of days plus today: every weekday mask matches within it
SUMMARY_TIME = time(18, 0)  # the weekly summary comes in the evening, local time


class Settings(Protocol):
    """What a person's reminders and summary depend on (bot/db/models.py Preferences)."""

    @property
    def reminder_time(self) -> time | None: ...
    @property
    def timezone(self) -> str: ...
    @property
    def weekdays(self) -> int: ...
    @property
    def paused_at(self) -> datetime | None: ...
    @property
    def paused_until(self) -> datetime | None: ...
    @property
    def reminders_enabled(self) -> bool: ...
    @property
    def onboarding_step(self) -> str | None: ...
    @property
    def weekly_summary(self) -> bool: ...
    @property
    def summary_weekday(self) -> int: ...


def local_instant(day: date, at: time, zone: tzinfo) -> datetime:
    """The UTC instant of wall-clock `at` on `day` in `zone`."""
    first = datetime.combine(day, at, tzinfo=zone).replace(fold=0)
    instant = first.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == first.replace(tzinfo=None):
        return instant  # it exists (the first of two, on a fall-back day)
    # In a gap: walk from the earliest reading to the moment the clock passes `at`.
    moment = first.replace(fold=1).astimezone(UTC)
    moment = min(moment, instant)
    while moment.astimezone(zone).replace(tzinfo=None) < first.replace(tzinfo=None):
        moment += timedelta(minutes=1)
    return moment.replace(second=0, microsecond=0)


def day_end(day: date, zone: tzinfo) -> datetime:
    """The last instant of local `day`: after it, that day's own reminder is past."""
    return local_instant(day + timedelta(days=1), time(0), zone) - timedelta(microseconds=1)


def next_reminder(
    after: datetime,
    at: time,
    zone: tzinfo,
    weekdays: int,
    paused_at: datetime | None = None,
    paused_until: datetime | None = None,
) -> datetime | None:
    """The first reminder instant strictly after `after`; None if paused with no end."""
    if paused_at is not None and paused_until is None:
        return None
    today = after.astimezone(zone).date()
    for offset in range(_SEARCH_DAYS):
        day = today + timedelta(days=offset)
        if not has_day(weekdays, day.weekday()):
            continue
        instant = local_instant(day, at, zone)
        if instant > after and not is_paused(instant, paused_at, paused_until):
            return instant
    if paused_until is not None:  # every day of the coming week is inside the pause
        return next_reminder(
            max(after, paused_until - timedelta(microseconds=1)), at, zone, weekdays
        )
    return None


def due_next(settings: Settings, now: datetime) -> datetime | None:
    """The person's next reminder after `now`, or None when they get none."""
    if (
        not settings.reminders_enabled
        or settings.onboarding_step is not None
        or settings.reminder_time is None
    ):
        return None
    return next_reminder(
        now, settings.reminder_time, zone_info(settings.timezone or "UTC"),
        settings.weekdays, settings.paused_at, settings.paused_until,
    )  # fmt: skip


def summary_due_next(settings: Settings, now: datetime) -> datetime | None:
    """The person's next weekly summary after `now`, or None when it is off."""
    if not settings.weekly_summary or settings.onboarding_step is not None:
        return None
    zone = zone_info(settings.timezone or "UTC")
    return next_reminder(now, SUMMARY_TIME, zone, 1 << settings.summary_weekday)
