"""A person's settings and reminder status in the words of content/messages.yaml."""

from __future__ import annotations

from datetime import datetime

from bot.content import Content
from bot.content.phrases import clock_time, date_text, days_text
from bot.content.templates import Html, render
from bot.db.models import Preferences
from bot.domain.onboarding import AWAITING_CLEARANCE
from bot.domain.pause import is_paused
from bot.domain.schedule import next_reminder
from bot.domain.timezones import zone_info


def summary(content: Content, preferences: Preferences) -> Html:
    texts = content.messages.preferences
    at = preferences.reminder_time
    return Html(
        render(
            texts.summary,
            time=clock_time(at) if at else Html(texts.no_time),
            zone=preferences.timezone,
            days=Html(days_text(content, preferences.weekdays)),
        )
    )


def reminder_status(content: Content, preferences: Preferences, now: datetime) -> Html:
    texts = content.messages.preferences
    if preferences.onboarding_step in AWAITING_CLEARANCE:
        return Html(texts.status_waiting_clearance)
    if preferences.onboarding_step is not None:
        return Html(texts.status_setup)
    if not preferences.reminders_enabled:
        return Html(texts.status_stopped)
    if is_paused(now, preferences.paused_at, preferences.paused_until):
        if preferences.paused_until is None:
            return Html(texts.status_paused)
        date = date_text(content, after_pause(preferences, now), preferences.timezone)
        return Html(render(texts.status_paused_until, date=Html(date)))
    return Html(texts.status_on)


def after_pause(preferences: Preferences, now: datetime) -> datetime:
    """When reminders come again after a pause with an end: the first one due (on one of
    the user's days), not merely the pause's end."""
    assert preferences.paused_until is not None
    at = preferences.reminder_time
    zone = zone_info(preferences.timezone)
    pause = (preferences.paused_at, preferences.paused_until)
    upcoming = next_reminder(now, at, zone, preferences.weekdays, *pause) if at else None
    return upcoming or preferences.paused_until
