"""Messages that are not commands: typed answers, locations, and everything else.

Every typed text goes through triage first: a red flag gets safety advice and
nothing else. Then a typed reply goes to whatever is waiting for it: a one-off
question (/time, /timezone, /delete), onboarding, today's session or reminder;
then everyday chat ("thanks", "what should I do today?"), then a request for
an exercise. Anything else gets the likeliest actions as buttons, never silence.
"""

from __future__ import annotations

from telegram import Update

from bot.domain.chat import Intent
from bot.domain.onboarding import Awaiting
from bot.handlers import (
    chat,
    help,
    onboarding,
    preferences,
    privacy,
    reminders,
    session,
    settings,
    stretch,
)
from bot.handlers.accounts import find_account
from bot.handlers.menus import send
from bot.runtime.context import BotContext


async def on_text(update: Update, context: BotContext) -> None:
    """Route a typed reply to the question waiting for it (triage has read it first)."""
    assert update.message is not None
    assert update.message.text is not None
    text = update.message.text
    intent = chat.intent_of(context, text)
    account = await find_account(update, context)
    if account is None:
        if intent is Intent.HELP:
            await help.show_help(update, context)
        else:
            await send(update, context.content.messages.fallback.start_first)
        return
    waiting = account.preferences
    if waiting.awaiting == Awaiting.DELETE:
        await privacy.on_typed(update, context, waiting, text)
    elif waiting.awaiting in (Awaiting.TIME, Awaiting.TIMEZONE):
        await preferences.on_typed(update, context, waiting, text)
    elif intent is Intent.HELP:  # then, while setting up, the open question again
        await help.show_help(update, context)
    elif waiting.onboarding_step is not None:
        await onboarding.on_typed(update, context, waiting, text)
    elif not (
        await settings.on_typed_summary(update, context, waiting, text)
        or await settings.on_typed_pictures(update, context, waiting, text)
        or await session.on_typed(update, context, waiting, text)
        or await reminders.on_typed(update, context, waiting, text)
    ):
        if intent is not None:
            await chat.answer(update, context, waiting, intent)
        elif not await stretch.on_typed(update, context, text):
            await chat.not_understood(update, context)


async def on_unknown_command(update: Update, context: BotContext) -> None:
    """A command the bot does not have."""
    await send(update, context.content.messages.fallback.unknown_command)


async def on_anything_else(update: Update, context: BotContext) -> None:
    """Stickers, photos, voice notes...: say what the bot understands (a caption's red
    flag was answered before this, by bot/handlers/safety.py)."""
    await send(update, context.content.messages.fallback.not_understood)
