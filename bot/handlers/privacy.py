"""/export and /delete: everything stored about a user, as a file or erased."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from io import BytesIO

from telegram import InputFile, Update
from telegram.constants import ParseMode

from bot.db.models import Preferences
from bot.domain.callbacks import DeleteButton
from bot.domain.onboarding import Awaiting
from bot.domain.words import CANCEL, means_yes, normalise
from bot.handlers import onboarding
from bot.handlers.accounts import require_account
from bot.handlers.menus import close_menu, expire, keyboard, live_query, send, send_menu
from bot.runtime.context import BotContext


def _json_value(value: object) -> str:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    raise TypeError(f"cannot export {type(value).__name__}")


async def export_command(update: Update, context: BotContext) -> None:
    """/export: all of the user's data as a JSON document."""
    account = await require_account(update, context)
    if account is not None:
        await export(update, context, account.user.id)


async def export(update: Update, context: BotContext, user_id: int) -> None:
    data = {
        "exported_at": context.now(),
        "tables": await context.repo.users.export(user_id),
    }
    document = json.dumps(data, default=_json_value, ensure_ascii=False, indent=2)
    assert update.effective_chat is not None
    await update.effective_chat.send_document(
        InputFile(BytesIO(document.encode()), filename="back-care-bot-data.json"),
        caption=context.content.messages.privacy.export_caption,
        parse_mode=ParseMode.HTML,
    )


async def delete_command(update: Update, context: BotContext) -> None:
    """/delete: ask for confirmation, then erase everything."""
    account = await require_account(update, context)
    if account is not None:
        await ask_delete(update, context, account.preferences)


async def ask_delete(update: Update, context: BotContext, preferences: Preferences) -> None:
    texts = context.content.messages.privacy
    preferences.awaiting = Awaiting.DELETE
    markup = keyboard(
        [(texts.delete_yes_button, DeleteButton("yes").encode())],
        [(texts.delete_no_button, DeleteButton("no").encode())],
    )
    await send_menu(update, preferences, texts.delete_confirm, markup)


async def on_delete_button(update: Update, context: BotContext) -> None:
    """Yes erases everything; No keeps it."""
    account = await require_account(update, context)
    if account is None:
        return
    query = live_query(update, account.preferences)
    button = DeleteButton.decode(query.data or "") if query else None
    if query is None or button is None or button.answer not in ("yes", "no"):
        await expire(update, context)
        return
    await query.answer()
    texts = context.content.messages.privacy
    if button.answer == "yes":
        await erase(update, context, account.user.id)
        assert query.message is not None
        await query.edit_message_reply_markup(reply_markup=None)
    else:
        account.preferences.awaiting = None
        await close_menu(query, account.preferences, texts.delete_cancelled)
        await onboarding.resume(update, context, account.preferences)  # its question again


async def on_typed(
    update: Update, context: BotContext, preferences: Preferences, text: str
) -> None:
    """The typed answer to the /delete question."""
    texts = context.content.messages.privacy
    if means_yes(text) or normalise(text) in ("delete", "erase", "yes delete"):
        await erase(update, context, preferences.user_id)
    elif normalise(text) in CANCEL:
        preferences.awaiting = None
        preferences.menu_message_id = None
        await send(update, texts.delete_cancelled)
        await onboarding.resume(update, context, preferences)  # while setting up: its question
    else:
        await send(update, texts.delete_hint)


async def erase(update: Update, context: BotContext, user_id: int) -> None:
    await context.repo.users.erase(user_id)
    await send(update, context.content.messages.privacy.deleted)
