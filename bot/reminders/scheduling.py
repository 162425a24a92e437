"""Keeping each user's next reminder instant in step with their preferences.

Whenever a flush writes a change to a field the schedule depends on (time,
zone, days, pause, on/off, onboarding), `next_reminder_at` is recomputed in
the same flush. One listener instead of a call in every handler, so no
settings path can forget it. It only runs in sessions whose `info` carries
the clock (the bot's sessions; see bot/db/engine.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.db.models import Preferences
from bot.domain.schedule import next_reminder
from bot.domain.timezones import zone_info

CLOCK_KEY = "clock"
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


def reschedule(preferences: Preferences, now: datetime) -> None:
    preferences.next_reminder_at = due_next(preferences, now)


def _schedule_changed(preferences: Preferences) -> bool:
    state = inspect(preferences)
    return any(state.attrs[name].history.has_changes() for name in SCHEDULE_FIELDS)


@event.listens_for(Session, "before_flush")
def _reschedule_on_flush(session: Session, context: Any, instances: Any) -> None:
    clock = session.info.get(CLOCK_KEY)
    if not isinstance(clock, Clock):
        return
    for item in (*session.new, *session.dirty):
        if isinstance(item, Preferences) and _schedule_changed(item):
            reschedule(item, clock.now())
