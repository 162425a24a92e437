"""/settings: every choice in one menu, each button doing what its command does."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.content.phrases import clock_time, days_text
from bot.content.templates import Html, render
from bot.db.models import Preferences
from bot.domain.callbacks import SettingsButton
from bot.domain.pause import is_paused
from bot.domain.weekdays import parse_days
from bot.domain.words import normalise
from bot.handlers import privacy
from bot.handlers.accounts import Account, require_account
from bot.handlers.describe import reminder_status
from bot.handlers.menus import close_menu, expire, keyboard, live_query, send, send_menu
from bot.handlers.preferences import (
    ask_time,
    ask_zone,
    pause,
    resume,
    send_days_menu,
    stop,
    turn_on,
)
from bot.runtime.context import BotContext

Action = Callable[[Update, BotContext, Account], Awaitable[None]]


# --- /settings --------------------------------------------------------------------


async def settings_command(update: Update, context: BotContext) -> None:
    """/settings: everything in one menu."""
    account = await require_account(update, context)
    if account is None:
        return
    preferences = account.preferences
    texts = context.content.messages.preferences
    at = preferences.reminder_time
    text = render(
        texts.settings,
        time=clock_time(at) if at else Html(texts.no_time),
        zone=preferences.timezone,
        days=Html(days_text(context.content, preferences.weekdays)),
        status=reminder_status(context.content, preferences, context.now()),
        summary=Html(
            render(texts.summary_on, day=_summary_day(context, preferences))
            if preferences.weekly_summary
            else texts.summary_off
        ),
        pictures=Html(texts.pictures_on if preferences.pictures else texts.pictures_off),
    )
    paused = is_paused(context.now(), preferences.paused_at, preferences.paused_until)
    markup = keyboard(
        [(texts.time_button, _data("time")), (texts.timezone_button, _data("tz"))],
        [
            (texts.days_button, _data("days")),
            (texts.resume_button, _data("resume"))
            if paused
            else (texts.pause_button, _data("pause")),
        ],
        [
            (texts.stop_button, _data("stop"))
            if preferences.reminders_enabled
            else (texts.start_button, _data("on"))
        ],
        [
            (texts.summary_off_button, _data("summary_off"))
            if preferences.weekly_summary
            else (texts.summary_on_button, _data("summary_on"))
        ],
        [
            (texts.pictures_off_button, _data("pictures_off"))
            if preferences.pictures
            else (texts.pictures_on_button, _data("pictures_on"))
        ],
        [(texts.export_button, _data("export")), (texts.delete_button, _data("delete"))],
    )
    await send_menu(update, preferences, text, markup)


SUMMARY_WORDS = {
    "weekly summary off": False, "no weekly summary": False, "stop weekly summary": False,
    "weekly summary on": True, "start weekly summary": True,
}  # fmt: skip


def _summary_day(context: BotContext, preferences: Preferences) -> str:
    return context.content.messages.calendar.day_names[preferences.summary_weekday]


async def on_typed_summary(
    update: Update, context: BotContext, preferences: Preferences, text: str
) -> bool:
    """ "weekly summary off" / "on" / "friday", typed: the settings button's equivalent,
    and the way to choose the summary's day."""
    words = normalise(text)
    on = SUMMARY_WORDS.get(words)
    if on is None and words.startswith("weekly summary "):
        day = parse_days(words.removeprefix("weekly summary "))
        if day is None or day.bit_count() != 1:
            return False
        preferences.summary_weekday = day.bit_length() - 1
        on = True
    if on is None:
        return False
    await set_weekly_summary(update, context, preferences, on)
    return True


async def set_weekly_summary(
    update: Update, context: BotContext, preferences: Preferences, on: bool
) -> None:
    """Weekly summaries on or off (the settings button, or typed)."""
    preferences.weekly_summary = on
    texts = context.content.messages.preferences
    day = _summary_day(context, preferences)
    await send(update, render(texts.summary_turned_on, day=day) if on else texts.summary_turned_off)


PICTURE_WORDS = {
    "pictures off": False, "no pictures": False, "text only": False, "turn pictures off": False,
    "pictures on": True, "show pictures": True, "turn pictures on": True,
}  # fmt: skip


async def on_typed_pictures(
    update: Update, context: BotContext, preferences: Preferences, text: str
) -> bool:
    """ "pictures off" / "text only" / "pictures on", typed: the settings button's
    equivalent."""
    on = PICTURE_WORDS.get(normalise(text))
    if on is None:
        return False
    await set_pictures(update, context, preferences, on)
    return True


async def set_pictures(
    update: Update, context: BotContext, preferences: Preferences, on: bool
) -> None:
    """Exercise pictures on, or text only (the settings button, or typed)."""
    preferences.pictures = on
    texts = context.content.messages.preferences
    await send(update, texts.pictures_turned_on if on else texts.pictures_turned_off)


async def on_settings_button(update: Update, context: BotContext) -> None:
    """A /settings button does what its command does without an argument."""
    account = await require_account(update, context)
    if account is None:
        return
    preferences = account.preferences
    query = live_query(update, preferences)
    button = SettingsButton.decode(query.data or "") if query else None
    action = button.action if button else ""
    if query is None or action not in SETTINGS:
        await expire(update, context)
        return
    await query.answer()
    await close_menu(query, preferences)
    await SETTINGS[action](update, context, account)


# Every settings button: its action (in its callback data) and what it does.
SETTINGS: dict[str, Action] = {
    "time": lambda u, c, a: ask_time(
        u, c, a.preferences, c.content.messages.onboarding.reminder_time
    ),
    "tz": lambda u, c, a: ask_zone(u, c, a.preferences, c.content.messages.onboarding.timezone),
    "days": lambda u, c, a: send_days_menu(u, c, a.preferences),
    "pause": lambda u, c, a: pause(u, c, a.preferences, None),
    "resume": lambda u, c, a: resume(u, c, a.preferences),
    "stop": lambda u, c, a: stop(u, c, a.preferences),
    "on": lambda u, c, a: turn_on(u, c, a.preferences),
    "export": lambda u, c, a: privacy.export(u, c, a.user.id),
    "delete": lambda u, c, a: privacy.ask_delete(u, c, a.preferences),
    "summary_on": lambda u, c, a: set_weekly_summary(u, c, a.preferences, True),
    "summary_off": lambda u, c, a: set_weekly_summary(u, c, a.preferences, False),
    "pictures_on": lambda u, c, a: set_pictures(u, c, a.preferences, True),
    "pictures_off": lambda u, c, a: set_pictures(u, c, a.preferences, False),
}


def _data(action: str) -> str:
    assert action in SETTINGS, action
    return SettingsButton(action).encode()
