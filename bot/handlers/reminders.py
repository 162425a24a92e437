"""The reminder's buttons (Start, Snooze 30 min, Skip today), their typed
equivalents, and Telegram telling us a user blocked the bot."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from telegram import Update
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import BadRequest

from bot.content.phrases import clock_time
from bot.content.templates import render
from bot.db.models import Preferences, ReminderDelivery
from bot.domain.callbacks import ReminderButton, rate, rating_action
from bot.domain.delivery import LIVE, DeliveryStatus
from bot.domain.onboarding import AWAITING_CLEARANCE
from bot.domain.pain import check_in_first
from bot.domain.timezones import local_day, zone_info
from bot.domain.words import normalise, parse_rating
from bot.handlers import session
from bot.handlers.menus import send
from bot.runtime.context import BotContext

SNOOZE = timedelta(minutes=30)
ACTIONS = ("start", "snooze", "skip")
TYPED = {
    "start": "start", "▶️ start": "start", "start now": "start", "let's go": "start",
    "snooze": "snooze", "later": "snooze", "remind me later": "snooze", "snooze 30 min": "snooze",
    "skip today": "skip", "not today": "skip",
}  # fmt: skip


async def on_button(update: Update, context: BotContext) -> None:
    """A reminder button: acted on only on today's live reminder of its own user."""
    query = update.callback_query
    assert query is not None
    assert update.effective_user is not None
    button = ReminderButton.decode(query.data or "")
    delivery = await context.repo.reminders.get(button.delivery_id) if button else None
    action = button.action if button else ""
    rating = rating_action(action)
    live = (
        delivery is not None
        and delivery.user_id == update.effective_user.id
        and delivery.status in LIVE
        and button is not None
        and delivery.snoozes == button.snoozes
    )
    if not live or delivery is None or (action not in ACTIONS and rating is None):
        await query.answer(context.content.messages.menus.expired)
        return
    if action == "snooze" and delivery.snoozes > 0:
        await query.answer(context.content.messages.reminders.snoozed_already)
        return
    await query.answer()
    if query.message is not None:
        delivery.message_id = query.message.message_id
    await act(update, context, delivery, action, rating)


async def on_typed(
    update: Update, context: BotContext, preferences: Preferences, text: str
) -> bool:
    """ "start", "snooze" or "skip today" typed while today's reminder is waiting, or a
    rating on a check-in reminder; False otherwise."""
    action = TYPED.get(normalise(text))
    rating = parse_rating(text) if action is None else None
    if action is None and rating is None:
        return False
    if rating is not None:  # only a check-in reminder asks for one
        latest = await context.repo.pain.latest(preferences.user_id)
        if latest is None or not check_in_first(latest.rating):
            return False
        action = rate(rating)
    assert action is not None
    delivery = await context.repo.reminders.latest(preferences.user_id)
    today = local_day(context.now(), preferences.timezone)
    if delivery is None or delivery.status not in LIVE or (delivery.local_date != today):
        return False
    if action == "snooze" and delivery.snoozes > 0:
        await send(update, context.content.messages.reminders.snoozed_already)
        return True
    await act(update, context, delivery, action, rating)
    return True


async def act(
    update: Update,
    context: BotContext,
    delivery: ReminderDelivery,
    action: str,
    rating: int | None = None,
) -> None:
    texts = context.content.messages.reminders
    preferences = await context.repo.users.preferences(delivery.user_id)
    assert preferences is not None
    if preferences.onboarding_step in AWAITING_CLEARANCE:  # held: no routine, no snooze
        await _close(context, delivery, context.content.messages.session.not_cleared)
        await send(update, context.content.messages.session.not_cleared)
        return
    if action != "start" and await session.todays_open_session(context, preferences):
        action = "start"  # a session is open: the reminder's buttons act on it
    if rating is not None:  # the check-in answered: the session takes it from here
        delivery.status = DeliveryStatus.STARTED
        await _close(context, delivery, render(texts.rated, rating=rating))
        await session.start_today(update, context, preferences, rating)
    elif action == "start":
        delivery.status = DeliveryStatus.STARTED
        await _close(context, delivery, texts.started)
        await session.start_today(update, context, preferences)
    elif action == "snooze":
        delivery.status, delivery.snoozes = DeliveryStatus.SNOOZED, delivery.snoozes + 1
        again = context.now() + SNOOZE
        preferences.next_reminder_at = again
        local = again.astimezone(zone_info(preferences.timezone)).time()
        await _close(context, delivery, render(texts.snoozed, time=clock_time(local)))
    else:
        delivery.status = DeliveryStatus.SKIPPED
        await _close(context, delivery, texts.skipped)


async def _close(context: BotContext, delivery: ReminderDelivery, text: str) -> None:
    """Replace the reminder's buttons with what was chosen."""
    if delivery.message_id is None:  # typed before the send was recorded: nothing to edit
        return
    with contextlib.suppress(BadRequest):  # deleted by the user: nothing to tidy
        await context.bot.edit_message_text(
            text, delivery.user_id, delivery.message_id, parse_mode=ParseMode.HTML
        )


async def on_membership(update: Update, context: BotContext) -> None:
    """The user blocked (or unblocked) the bot: stop sending at once."""
    change = update.my_chat_member
    assert change is not None
    if change.new_chat_member.status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
        await context.repo.users.mark_blocked(change.from_user.id, context.now())
