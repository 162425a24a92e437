"""Messages that are not commands: typed answers, locations, and everything else.

A typed reply goes to whatever is waiting for it: a one-off question
(/time, /timezone, /delete) first, then onboarding. Anything else gets a
short pointer to /help, never silence.
"""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.handlers import onboarding, preferences, privacy, reminders, session, stretch
from bot.handlers.accounts import find_account
from bot.handlers.menus import send


async def on_text(update: Update, context: BotContext) -> None:
    """Route a typed reply to the question waiting for it."""
    assert update.message is not None
    assert update.message.text is not None
    text = update.message.text
    account = await find_account(update, context)
    if account is None:
        await send(update, context.content.messages.fallback.start_first)
        return
    waiting = account.preferences
    if waiting.awaiting == "delete":
        await privacy.on_typed(update, context, waiting, text)
    elif waiting.awaiting in ("time", "timezone"):
        await preferences.on_typed(update, context, waiting, text)
    elif waiting.onboarding_step is not None:
        await onboarding.on_typed(update, context, waiting, text)
    elif not (
        await preferences.on_typed_summary(update, context, waiting, text)
        or await session.on_typed(update, context, waiting, text)
        or await reminders.on_typed(update, context, waiting, text)
        or await stretch.on_typed(update, context, text)
    ):
        await send(update, context.content.messages.fallback.not_understood)


async def on_unknown_command(update: Update, context: BotContext) -> None:
    """A command the bot does not have."""
    await send(update, context.content.messages.fallback.unknown_command)


async def on_anything_else(update: Update, context: BotContext) -> None:
    """Stickers, photos, voice notes...: say what the bot understands."""
    await send(update, context.content.messages.fallback.not_understood)
