"""Everyday chat: hello, thanks, "what should I do today?", "pause", "cancel", "stop";
and, when nothing fits, the likeliest actions as buttons."""

from __future__ import annotations

from telegram import Update

from bot.content.templates import render
from bot.db.models import Preferences
from bot.domain.callbacks import ChatButton
from bot.domain.chat import Intent
from bot.handlers import help, session, stretch
from bot.handlers.accounts import require_account
from bot.handlers.menus import keyboard, send
from bot.runtime.context import BotContext

TODAY = ChatButton("today").encode()
HELP = ChatButton("help").encode()


def intent_of(context: BotContext, text: str) -> Intent | None:
    return context.content.chat.compiled.intent_of(text)


async def answer(
    update: Update, context: BotContext, preferences: Preferences, intent: Intent
) -> None:
    """Do or say what the intent asks for."""
    texts = context.content.messages.chat
    match intent:
        case Intent.HELP:
            await help.show_help(update, context)
        case Intent.TODAY:
            await session.start_today(update, context, preferences)
        case Intent.GREETING:
            user = update.effective_user
            await send(update, render(texts.greeting, name=user.first_name if user else ""))
        case Intent.THANKS:
            await send(update, texts.thanks)
        case Intent.PAUSE:
            await send(update, texts.pause)
        case Intent.CANCEL:
            await send(update, texts.cancel)
        case Intent.STOP:
            await send(update, texts.stop if preferences.reminders_enabled else texts.stop_off)


async def not_understood(update: Update, context: BotContext) -> None:
    """ "I didn't catch that", with the likeliest actions as buttons."""
    texts = context.content.messages.fallback
    markup = keyboard(
        [(texts.today_button, TODAY), (texts.exercises_button, stretch.ALL)],
        [(texts.help_button, HELP)],
    )
    await send(update, texts.not_understood, markup)


async def on_button(update: Update, context: BotContext) -> None:
    """A button under "I didn't catch that": today's routine or /help."""
    query = update.callback_query
    assert query is not None
    if query.data == HELP:
        await query.answer()
        await help.show_help(update, context)
        return
    if query.data != TODAY:
        await query.answer(context.content.messages.menus.expired)
        return
    account = await require_account(update, context)  # answers the query if unknown
    if account is not None:
        await query.answer()
        await session.start_today(update, context, account.preferences)
