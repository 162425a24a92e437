"""The first handler of every update: a user over the flood limit is slowed down."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import ApplicationHandlerStop

from bot.domain.flood import Verdict
from bot.runtime.context import BotContext


async def check(update: Update, context: BotContext) -> None:
    """Let the update through, or answer it with a note (once) and stop it here."""
    user = update.effective_user
    if user is None:
        return
    services = context.services
    verdict = services.flood_gate.admit(user.id, services.clock.now())
    if verdict is Verdict.ALLOW:
        return
    chat = update.effective_chat
    note = context.content.messages.flood.slow_down
    if update.callback_query is not None:  # every tap is answered, even a dropped one
        await update.callback_query.answer(note)
    elif verdict is Verdict.WARN and chat is not None and chat.type == ChatType.PRIVATE:
        await context.bot.send_message(chat.id, note, parse_mode=ParseMode.HTML)
    raise ApplicationHandlerStop
