"""The one error handler: log, undo the update's writes, tell the user once."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.runtime.context import BotContext
from bot.runtime.update_processor import current_repo, describe

logger = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Keep the bot running whatever a handler raised."""
    update_id = update.update_id if isinstance(update, Update) else None
    logger.error("handler failed", extra=describe(update), exc_info=context.error)
    context.services.metrics.errors.inc()
    repo = current_repo.get(None)
    # (not for a job: its context may still hold the repo of the update that scheduled it)
    if repo is not None and isinstance(update, Update):
        await repo.db.rollback()
    if isinstance(update, Update) and update.callback_query is not None:
        try:  # or the user's button keeps spinning
            await update.callback_query.answer()
        except TelegramError:
            logger.debug("callback query of update %s was answered already", update_id)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(
                update.effective_chat.id,
                context.content.messages.errors.generic,
                parse_mode=ParseMode.HTML,
            )
        except TelegramError:
            logger.warning("could not tell chat about the failure of update %s", update_id)
