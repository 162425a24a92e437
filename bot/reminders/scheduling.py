"""Keeping each user's next reminder (and weekly summary) in step with their preferences.

Whenever a flush writes a change to a field the schedule depends on (time,
zone, days, pause, on/off, onboarding), `next_reminder_at` is recomputed in
the same flush. One listener instead of a call in every handler, so no
settings path can forget it. It only runs in sessions whose `info` carries
the clock (the bot's sessions; see bot/db/engine.py).
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.db.models import Preferences
from bot.domain.schedule import next_reminder
from bot.domain.timezones import zone_info

CLOCK_KEY = "clock"
SUMMARY_TIME = time(18, 0)  # the weekly summary comes in the evening, local time
SUMMARY_FIELDS = ("weekly_summary", "summary_weekday", "timezone", "onboarding_step")
SCHEDULE_FIELDS = (
    "reminder_time", "timezone", "weekdays", "paused_at", "paused_until", "reminders_enabled",
    "onboarding_step",
)  # fmt: skip


def due_next(preferences: Preferences, now: datetime) -> datetime | None:
    """The next reminder after `now`, or None when the user gets none."""
    if (
        not preferences.reminders_enabled
        or preferences.onboarding_step is not None
        or preferences.reminder_time is None
    ):
        return None
    return next_reminder(
        now, preferences.reminder_time, zone_info(preferences.timezone or "UTC"),
        preferences.weekdays, preferences.paused_at, preferences.paused_until,
    )  # fmt: skip


def summary_due_next(preferences: Preferences, now: datetime) -> datetime | None:
    """The next weekly summary after `now`, or None when it is off."""
    if not preferences.weekly_summary or preferences.onboarding_step is not None:
        return None
    zone = zone_info(preferences.timezone or "UTC")
    return next_reminder(now, SUMMARY_TIME, zone, 1 << preferences.summary_weekday)


def reschedule(preferences: Preferences, now: datetime) -> None:
    preferences.next_reminder_at = due_next(preferences, now)
    preferences.next_summary_at = summary_due_next(preferences, now)


def _changed(preferences: Preferences, fields: tuple[str, ...]) -> bool:
    state = inspect(preferences)
    return any(state.attrs[name].history.has_changes() for name in fields)


@event.listens_for(Session, "before_flush")
def _reschedule_on_flush(session: Session, context: Any, instances: Any) -> None:
    clock = session.info.get(CLOCK_KEY)
    if not isinstance(clock, Clock):
        return
    for item in (*session.new, *session.dirty):
        if not isinstance(item, Preferences):
            continue
        if _changed(item, SCHEDULE_FIELDS):
            item.next_reminder_at = due_next(item, clock.now())
        if _changed(item, SUMMARY_FIELDS):
            item.next_summary_at = summary_due_next(item, clock.now())
