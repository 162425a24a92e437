"""Inline menus: one live menu per user; buttons anywhere else have expired.

The id of the last menu sent to a user is stored with their preferences, so a
button on an older message (or after a restart, or forged callback data) is
answered with a short "this menu has expired" and never acts on stale state.
"""

from __future__ import annotations

import logging

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.db.models import Preferences
from bot.runtime.context import BotContext

logger = logging.getLogger(__name__)

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


def keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """Rows of (label, callback data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


async def send(update: Update, text: str, markup: Markup = None) -> Message:
    """Send HTML text to the update's chat."""
    assert update.effective_chat is not None
    return await update.effective_chat.send_message(
        text, parse_mode=ParseMode.HTML, reply_markup=markup
    )


async def send_menu(
    update: Update, preferences: Preferences, text: str, markup: InlineKeyboardMarkup
) -> Message:
    """Send a menu and make it the user's one live menu."""
    message = await send(update, text, markup)
    preferences.menu_message_id = message.message_id
    return message


def live_query(update: Update, preferences: Preferences) -> CallbackQuery | None:
    """The callback query if it came from the live menu, else None."""
    query = update.callback_query
    assert query is not None
    message = query.message
    if message is None or message.message_id != preferences.menu_message_id:
        return None
    return query


async def expire(update: Update, context: BotContext) -> None:
    """Answer a button that no longer applies, without acting on it."""
    assert update.callback_query is not None
    await update.callback_query.answer(context.content.messages.menus.expired)


async def retire_live_menu(context: BotContext, preferences: Preferences) -> None:
    """Take the buttons off the live menu, if any: its question is no longer open."""
    message_id = preferences.menu_message_id
    if message_id is None:
        return
    preferences.menu_message_id = None
    try:
        await context.bot.edit_message_reply_markup(
            preferences.user_id, message_id, reply_markup=None
        )
    except BadRequest as error:  # deleted by the user, or already without buttons
        logger.debug("could not retire menu %s: %s", message_id, error)


async def close_menu(
    query: CallbackQuery, preferences: Preferences, text: str | None = None
) -> None:
    """Take the buttons off a menu once it has been answered (optionally new text)."""
    preferences.menu_message_id = None
    message = query.message
    if not isinstance(message, Message):
        return
    if text is not None:
        await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=None)
    elif message.reply_markup is not None:
        await message.edit_reply_markup(reply_markup=None)
