"""Keeping each user's next reminder (and weekly summary) in step with their preferences.

Whenever a flush writes a change to a field the schedule depends on (time,
zone, days, pause, on/off, onboarding), `next_reminder_at` is recomputed in
the same flush. One listener instead of a call in every handler, so no
settings path can forget it. The composition root (bot/app.py) registers it
on the bot's session factory; nothing is registered at import.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from bot.db.engine import FlushListener
from bot.db.models import Preferences
from bot.domain.schedule import due_next, summary_due_next
from bot.runtime.clock import Clock

SUMMARY_FIELDS = ("weekly_summary", "summary_weekday", "timezone", "onboarding_step")
SCHEDULE_FIELDS = (
    "reminder_time", "timezone", "weekdays", "paused_at", "paused_until", "reminders_enabled",
    "onboarding_step",
)  # fmt: skip


def reschedule(preferences: Preferences, now: datetime) -> None:
    """For a change the listener cannot see: a lifted block (the block is on the user row)."""
    preferences.next_reminder_at = due_next(preferences, now)
    preferences.next_summary_at = summary_due_next(preferences, now)


def _changed(preferences: Preferences, fields: tuple[str, ...]) -> bool:
    state = inspect(preferences)
    return any(state.attrs[name].history.has_changes() for name in fields)


def keep_schedules(clock: Clock) -> FlushListener:
    """The before-flush listener that recomputes a changed person's next reminder."""

    def before_flush(session: Session, context: Any, instances: Any) -> None:
        for item in (*session.new, *session.dirty):
            if not isinstance(item, Preferences):
                continue
            if _changed(item, SCHEDULE_FIELDS):
                item.next_reminder_at = due_next(item, clock.now())
            if _changed(item, SUMMARY_FIELDS):
                item.next_summary_at = summary_due_next(item, clock.now())

    return before_flush
