"""One database session per update, opened and committed in one place.

python-telegram-bot hands every update to an update processor; wrapping it
here is PTB's own middleware hook. Handlers reach the session through
`context.repo` (bot/runtime/context.py). The error handler rolls back whatever a
failed handler wrote, so the commit below only keeps finished work. The user's
rows are loaded first, in one query, and on PostgreSQL locked: replicas take
turns with one user's updates.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Coroutine
from contextvars import ContextVar
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.db.repo import Repo
from bot.runtime.monitoring import Metrics
from bot.runtime.user_turns import UserTurns

logger = logging.getLogger(__name__)

# The repositories (and session) of the update being processed in this task.
current_repo: ContextVar[Repo] = ContextVar("current_repo")


class DatabaseUpdateProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        metrics: Metrics,
        turns: UserTurns,
        max_concurrent_updates: int = 1,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._session_factory = session_factory
        self._metrics = metrics
        self._turns = turns

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        started = time.perf_counter()
        fields = describe(update)
        user = update.effective_user if isinstance(update, Update) else None
        if user is None:
            await self._handle(None, coroutine, fields)
        else:
            async with self._turns.turn(user.id):  # their timers wait (bot/runtime/user_turns.py)
                await self._handle(user.id, coroutine, fields)
        seconds = time.perf_counter() - started
        fields["ms"] = round(seconds * 1000, 1)
        logger.info("update handled", extra=fields)
        self._metrics.updates.labels(fields["kind"]).inc()
        self._metrics.update_seconds.observe(seconds)

    async def _handle(
        self, user_id: int | None, coroutine: Awaitable[Any], fields: dict[str, Any]
    ) -> None:
        """The update in its own database session, committed once it has finished."""
        async with self._session_factory() as session:
            repo = Repo(session)
            token = current_repo.set(repo)
            try:
                if user_id is not None:
                    await repo.users.load(user_id)
                await coroutine
                await session.commit()
            except Exception:
                # Never let a failure escape: it would stop PTB's update loop.
                logger.exception("update not finished", extra=fields)
                await session.rollback()
            finally:
                current_repo.reset(token)
                if isinstance(coroutine, Coroutine):
                    coroutine.close()  # not started if loading the user failed; else a no-op

    async def initialize(self) -> None:
        """Nothing to set up: sessions are opened per update."""

    async def shutdown(self) -> None:
        """Nothing to tear down: the engine is disposed by the application."""


def describe(update: object) -> dict[str, Any]:
    """What an update is, for the logs: ids and a kind, never what the user wrote."""
    if not isinstance(update, Update):
        return {"kind": type(update).__name__}
    message = update.effective_message
    if update.callback_query is not None:
        kind = "button"
    elif update.edited_message is not None:
        kind = "edit"
    elif update.my_chat_member is not None:
        kind = "membership"
    elif message is not None and message.text is not None:
        kind = "command" if message.text.startswith("/") else "text"
    elif message is not None:
        kind = "message"  # a location, photo, sticker, ...
    else:
        kind = "other"
    chat = update.effective_chat
    return {
        "update_id": update.update_id,
        "user_id": update.effective_user.id if update.effective_user else None,
        "chat_type": chat.type if chat else None,
        "kind": kind,
    }
