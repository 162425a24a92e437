"""/stats for ADMIN_IDS; to anyone else it is a command that does not exist."""

from __future__ import annotations

from datetime import UTC, datetime, time

from telegram import Update

from bot.content.templates import render
from bot.db.repo import bot_stats
from bot.handlers.menus import send
from bot.handlers.replies import on_unknown_command
from bot.runtime.context import BotContext


def is_admin(update: Update, context: BotContext) -> bool:
    user = update.effective_user
    return user is not None and user.id in context.services.settings.admin_ids


async def stats_command(update: Update, context: BotContext) -> None:
    """/stats: users, active, sessions and reminders today, errors since start."""
    if not is_admin(update, context):
        await on_unknown_command(update, context)
        return
    day_start = datetime.combine(context.now().astimezone(UTC).date(), time(0), tzinfo=UTC)
    numbers = await bot_stats(context.repo.db, day_start)
    await send(
        update,
        render(
            context.content.messages.admin.stats,
            users=numbers.users, active=numbers.active, blocked=numbers.blocked,
            sessions=numbers.sessions_today, reminders=numbers.reminders_today,
            errors=context.services.metrics.errors_since_start(),
        ),
    )  # fmt: skip
