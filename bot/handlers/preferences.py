"""/time, /timezone, /days, /pause, /resume, /stop: change or undo every choice.

A command with a valid argument acts at once; without one (or from a /settings
button) it asks, and the next typed reply answers. While onboarding waits for
the same value, the answer goes to onboarding so it moves on.
"""

from __future__ import annotations

from datetime import time

from telegram import ReplyKeyboardRemove, Update

from bot.content.phrases import clock_time, date_text, days_text, local_moment
from bot.content.templates import Html, render, shorten
from bot.db.models import Preferences
from bot.domain.callbacks import DaysButton, TimeButton, ZoneButton
from bot.domain.onboarding import AWAITING_CLEARANCE, Awaiting, ReminderAt, Step, Zone
from bot.domain.pause import is_paused, parse_pause_days, pause_end
from bot.domain.times import parse_time
from bot.domain.timezones import parse_timezone, zone_at, zone_choices, zone_info
from bot.domain.weekdays import EVERY_DAY, WEEKDAYS, WEEKENDS, parse_days, toggle
from bot.handlers import onboarding
from bot.handlers.accounts import require_account
from bot.handlers.describe import after_pause, reminder_status, summary
from bot.handlers.keyboards import (
    days_keyboard,
    location_keyboard,
    time_keyboard,
    zone_keyboard,
)
from bot.handlers.menus import close_menu, expire, live_query, send, send_menu
from bot.runtime.context import BotContext


def _argument(context: BotContext) -> str:
    return " ".join(context.args or []).strip()


# --- reminder time ---------------------------------------------------------------


async def time_command(update: Update, context: BotContext) -> None:
    """/time HH:MM: set the reminder time; without one, ask for it."""
    account = await require_account(update, context)
    if account is None:
        return
    texts = context.content.messages.preferences
    text = _argument(context)
    if not text:
        await ask_time(update, context, account.preferences, texts.time_usage)
        return
    at = parse_time(text)
    if at is None:
        invalid = render(texts.time_invalid, text=shorten(text))
        await ask_time(update, context, account.preferences, invalid)
        return
    await set_time(update, context, account.preferences, at)


async def ask_time(
    update: Update, context: BotContext, preferences: Preferences, text: str
) -> None:
    preferences.awaiting = Awaiting.TIME
    await send_menu(update, preferences, text, time_keyboard())


async def set_time(update: Update, context: BotContext, preferences: Preferences, at: time) -> None:
    preferences.awaiting = None
    if preferences.onboarding_step == Step.REMINDER_TIME:
        await onboarding.apply(update, context, preferences, ReminderAt(at))
        return
    preferences.reminder_time = at
    texts = context.content.messages.preferences
    if preferences.onboarding_step is not None:  # still setting up: keep it, and go on
        zone_known = Step.TIMEZONE in onboarding.answered_early(preferences)
        noted = texts.time_set if zone_known else texts.time_set_early
        await send(update, render(noted, time=clock_time(at)))
        await onboarding.resume(update, context, preferences)
        return
    reply = render(texts.time_set, time=clock_time(at))
    reply = f"{reply} {summary(context.content, preferences)}"
    now = context.now()
    if is_paused(now, preferences.paused_at, preferences.paused_until):  # say it still is
        status = reminder_status(context.content, preferences, now)
        reply = f"{reply}\n{render(texts.time_while_paused, status=status)}"
    await send(update, reply)


async def on_time_button(update: Update, context: BotContext) -> None:
    """A time button, from onboarding or from /time."""
    account = await require_account(update, context)
    if account is None:
        return
    query = live_query(update, account.preferences)
    button = TimeButton.decode(query.data or "") if query else None
    at = parse_time(button.time) if button else None
    if query is None or at is None:
        await expire(update, context)
        return
    await query.answer()
    await close_menu(query, account.preferences)
    await set_time(update, context, account.preferences, at)


# --- time zone -------------------------------------------------------------------


async def timezone_command(update: Update, context: BotContext) -> None:
    """/timezone NAME: an IANA zone, a city or UTC+H; without one, ask for it."""
    account = await require_account(update, context)
    if account is None:
        return
    texts = context.content.messages.preferences
    text = _argument(context)
    if not text:
        await ask_zone(update, context, account.preferences, texts.timezone_usage)
        return
    zone = parse_timezone(text)
    if zone is None:
        await zone_not_found(update, context, account.preferences, text)
        return
    await set_zone(update, context, account.preferences, zone)


async def zone_not_found(
    update: Update, context: BotContext, preferences: Preferences, text: str
) -> None:
    """A name that fits several zones offers them; anything else says what works."""
    texts = context.content.messages.preferences
    choices = zone_choices(text)
    if choices:
        preferences.awaiting = Awaiting.TIMEZONE  # typing a city still works
        question = render(texts.timezone_choice, text=shorten(text))
        await send_menu(update, preferences, question, zone_keyboard(choices))
        return
    await ask_zone(update, context, preferences, render(texts.timezone_invalid, text=shorten(text)))


async def on_zone_button(update: Update, context: BotContext) -> None:
    """One of the zones offered for an ambiguous name."""
    account = await require_account(update, context)
    if account is None:
        return
    query = live_query(update, account.preferences)
    button = ZoneButton.decode(query.data or "") if query else None
    zone = button.zone if button else ""
    if query is None or parse_timezone(zone) != zone:
        await expire(update, context)
        return
    await query.answer()
    await close_menu(query, account.preferences)
    await set_zone(update, context, account.preferences, zone)


async def ask_zone(
    update: Update, context: BotContext, preferences: Preferences, text: str
) -> None:
    preferences.awaiting = Awaiting.TIMEZONE
    await send(update, text, location_keyboard(context.content))


async def set_zone(
    update: Update, context: BotContext, preferences: Preferences, zone: str
) -> None:
    preferences.awaiting = None
    if preferences.onboarding_step == Step.TIMEZONE:
        await onboarding.apply(update, context, preferences, Zone(zone))
        return
    preferences.timezone = zone
    moment = local_moment(context.content, context.now(), zone)
    texts = context.content.messages.preferences
    reply = render(texts.timezone_set, zone=zone, local_time=moment)
    coming = preferences.reminders_enabled and not is_paused(
        context.now(), preferences.paused_at, preferences.paused_until
    )
    if preferences.onboarding_step is None and coming:  # their time is now in this zone
        reply = f"{reply}\n{summary(context.content, preferences)}"
    await send(update, reply, ReplyKeyboardRemove())
    await onboarding.resume(update, context, preferences)  # if still setting up


async def on_location(update: Update, context: BotContext) -> None:
    """A shared location sets the time zone, offline, at any moment."""
    account = await require_account(update, context)
    if account is None:
        return
    assert update.message is not None
    assert update.message.location is not None
    location = update.message.location
    zone = zone_at(location.latitude, location.longitude)
    if zone is None:
        texts = context.content.messages.preferences
        await ask_zone(update, context, account.preferences, texts.location_unknown)
        return
    await set_zone(update, context, account.preferences, zone)


# --- weekdays ---------------------------------------------------------------------


async def days_command(update: Update, context: BotContext) -> None:
    """/days [DAYS]: set the reminder weekdays, or toggle them with buttons."""
    account = await require_account(update, context)
    if account is None:
        return
    preferences = account.preferences
    texts = context.content.messages.preferences
    text = _argument(context)
    if text:
        mask = parse_days(text)
        if mask is None:
            await send(update, texts.days_usage)
        else:
            preferences.weekdays = mask
            await send(update, render(texts.days_set, days=days_text(context.content, mask)))
            return
    await send_days_menu(update, context, preferences)


async def send_days_menu(update: Update, context: BotContext, preferences: Preferences) -> None:
    texts = context.content.messages.preferences
    text = render(texts.days_menu, days=days_text(context.content, preferences.weekdays))
    await send_menu(update, preferences, text, days_keyboard(context.content, preferences.weekdays))


_DAY_SETS = {"all": EVERY_DAY, "weekdays": WEEKDAYS, "weekends": WEEKENDS}


async def on_days_button(update: Update, context: BotContext) -> None:
    """Toggle a weekday, pick a set of days, or close the menu."""
    account = await require_account(update, context)
    if account is None:
        return
    preferences = account.preferences
    query = live_query(update, preferences)
    button = DaysButton.decode(query.data or "") if query else None
    texts = context.content.messages.preferences
    day = button.day if button else None
    toggled = button is not None and button.action == "t" and day is not None and day < 7
    if (
        query is None
        or button is None
        or not (button.action in _DAY_SETS or button.action == "done" or toggled)
    ):
        await expire(update, context)
        return
    if button.action == "done":
        await query.answer()
        days = days_text(context.content, preferences.weekdays)
        await close_menu(query, preferences, render(texts.days_set, days=days))
        return
    if toggled:
        assert day is not None
        mask = toggle(preferences.weekdays, day)
    else:
        mask = _DAY_SETS[button.action]
    if mask == 0:
        await query.answer(texts.keep_one_day)
        return
    await query.answer()
    if mask == preferences.weekdays:
        return  # editing to the same text is an error in Telegram's eyes
    preferences.weekdays = mask
    text = render(texts.days_menu, days=days_text(context.content, mask))
    await query.edit_message_text(
        text, parse_mode="HTML", reply_markup=days_keyboard(context.content, mask)
    )


# --- pause, resume, stop ----------------------------------------------------------


async def pause_command(update: Update, context: BotContext) -> None:
    """/pause [DAYS]: a holiday from reminders, until /resume by default."""
    account = await require_account(update, context)
    if account is None:
        return
    text = _argument(context)
    if not text:
        await pause(update, context, account.preferences, None)
    elif (days := parse_pause_days(text)) is not None:
        await pause(update, context, account.preferences, days)
    else:
        await send(update, context.content.messages.preferences.pause_usage)


async def pause(
    update: Update, context: BotContext, preferences: Preferences, days: int | None
) -> None:
    texts = context.content.messages.preferences
    if preferences.onboarding_step in AWAITING_CLEARANCE:
        await send(update, context.content.messages.session.not_cleared)
        return
    if preferences.onboarding_step is not None:  # no reminder to pause, or to promise
        await send(update, context.content.messages.session.not_set_up)
        return
    if not preferences.reminders_enabled:
        await send(update, texts.pause_while_off)  # a pause date would promise a reminder
        return
    now = context.now()
    preferences.paused_at = now
    if days is None:
        preferences.paused_until = None
        await send(update, texts.paused)
        return
    zone = zone_info(preferences.timezone)
    preferences.paused_until = pause_end(now, zone, days, preferences.reminder_time)
    date = date_text(context.content, after_pause(preferences, now), preferences.timezone)
    await send(update, render(texts.paused_until, date=Html(date)))


async def resume_command(update: Update, context: BotContext) -> None:
    """/resume: end a pause now."""
    account = await require_account(update, context)
    if account is not None:
        await resume(update, context, account.preferences)


async def resume(update: Update, context: BotContext, preferences: Preferences) -> None:
    texts = context.content.messages.preferences
    if preferences.onboarding_step in AWAITING_CLEARANCE:  # "back on" would be untrue
        await send(update, context.content.messages.session.not_cleared)
        return
    was_paused = is_paused(context.now(), preferences.paused_at, preferences.paused_until)
    preferences.paused_at = preferences.paused_until = None
    if not preferences.reminders_enabled:  # "back on" would be untrue after /stop
        await send(update, texts.pause_while_off)
        return
    template = texts.resumed if was_paused else texts.not_paused
    await send(update, render(template, summary=summary(context.content, preferences)))


async def stop_command(update: Update, context: BotContext) -> None:
    """/stop: no more reminders; everything else is kept."""
    account = await require_account(update, context)
    if account is not None:
        await stop(update, context, account.preferences)


async def stop(update: Update, context: BotContext, preferences: Preferences) -> None:
    preferences.reminders_enabled = False
    await send(update, context.content.messages.preferences.stopped)


async def turn_on(update: Update, context: BotContext, preferences: Preferences) -> None:
    """The settings button twin of /start for someone who stopped reminders."""
    texts = context.content.messages
    if preferences.onboarding_step in AWAITING_CLEARANCE:  # "back on" would be untrue
        await send(update, texts.session.not_cleared)
        return
    preferences.reminders_enabled = True
    preferences.paused_at = preferences.paused_until = None  # "on" means on
    if preferences.reminder_time is None:  # on, but at no time yet: ask for one
        await ask_time(update, context, preferences, texts.preferences.on_needs_time)
        return
    await send(update, f"{texts.start.reminders_back_on} {summary(context.content, preferences)}")


async def on_typed(
    update: Update, context: BotContext, preferences: Preferences, text: str
) -> None:
    """The typed answer to a question /time or /timezone asked."""
    texts = context.content.messages.preferences
    if preferences.awaiting == Awaiting.TIME:
        at = parse_time(text)
        if at is None:
            await ask_time(
                update, context, preferences, render(texts.time_invalid, text=shorten(text))
            )
        else:
            await set_time(update, context, preferences, at)
    elif preferences.awaiting == Awaiting.TIMEZONE:
        zone = parse_timezone(text)
        if zone is None:
            await zone_not_found(update, context, preferences, text)
        else:
            await set_zone(update, context, preferences, zone)
