"""/help: what the bot does and every command, from the same list as the menu."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode

from bot.content.templates import render
from bot.handlers import onboarding
from bot.runtime.context import BotContext


async def show_help(update: Update, context: BotContext) -> None:
    """List every command with its menu description (then, while setting up, the open
    question again)."""
    assert update.effective_message is not None
    texts = context.content.messages.help
    lines = [
        render(texts.command_line, command=command, description=description)
        for command, description in context.content.messages.commands.items()
    ]
    await update.effective_message.reply_text(
        "\n".join([texts.header, *lines, "", texts.footer]), parse_mode=ParseMode.HTML
    )
    user = update.effective_user
    preferences = await context.repo.users.preferences(user.id) if user else None
    if preferences is not None and preferences.onboarding_step is not None:
        await onboarding.resume(update, context, preferences)  # and back to setting up
