"""The user and preferences behind an update.

Only /start stores a new user: a stray message or an old button after /delete
must not quietly store someone who asked to be erased.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Message, Update
from telegram.constants import MessageEntityType

from bot.db.models import Preferences, User
from bot.db.users import UserProfile
from bot.handlers.menus import retire_live_menu, send
from bot.runtime.context import BotContext


@dataclass
class Account:
    user: User
    preferences: Preferences


def profile_of(update: Update) -> UserProfile:
    user = update.effective_user
    assert user is not None  # handlers are registered for private chats only
    return UserProfile(
        id=user.id,
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.username,
        language_code=user.language_code,
    )


async def register(update: Update, context: BotContext) -> tuple[Account, bool]:
    """Store the user (or refresh their profile); True if they are new."""
    user, created = await context.repo.users.get_or_create(profile_of(update), context.now())
    preferences = await context.repo.users.preferences(user.id)
    assert preferences is not None  # get_or_create stores both
    return Account(user, preferences), created


async def find_account(update: Update, context: BotContext) -> Account | None:
    """The stored account of the update's user, or None if they never sent /start."""
    assert update.effective_user is not None
    user = await context.repo.users.get(update.effective_user.id)
    preferences = await context.repo.users.preferences(update.effective_user.id)
    if user is None or preferences is None:
        return None
    return Account(user, preferences)


def is_command(message: Message) -> bool:
    entities = message.entities
    return (
        bool(entities)
        and entities[0].type == MessageEntityType.BOT_COMMAND
        and (entities[0].offset == 0)
    )


async def on_new_message(update: Update, context: BotContext) -> None:
    """A new message moves the conversation on; registered before every other handler.

    The live menu's buttons come off, because a typed reply has answered or
    replaced its question. A command also cancels a question still waiting for
    a typed answer, so "7:30" typed long after an abandoned /time is not taken
    as a time.
    """
    assert update.effective_user is not None
    assert update.message is not None
    preferences = await context.repo.users.preferences(update.effective_user.id)
    if preferences is None:
        return
    if is_command(update.message) and preferences.awaiting is not None:
        preferences.awaiting = None  # (setting it when it is None already costs a flush)
    await retire_live_menu(context, preferences)


async def require_account(update: Update, context: BotContext) -> Account | None:
    """Like find_account, but tells an unknown user to send /start first."""
    account = await find_account(update, context)
    if account is None:
        if update.callback_query is not None:  # a pop-up: plain text
            await update.callback_query.answer(context.content.messages.fallback.start_first)
        else:
            await send(update, context.content.messages.fallback.start_first)
    return account
