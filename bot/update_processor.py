"""One database session per update, opened and committed in one place.

python-telegram-bot hands every update to an update processor; wrapping it
here is PTB's own middleware hook. Handlers reach the session through
`context.repo` (bot/context.py). The error handler rolls back whatever a
failed handler wrote, so the commit below only keeps finished work.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from contextvars import ContextVar
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import BaseUpdateProcessor

logger = logging.getLogger(__name__)

# The session of the update being processed in this task.
current_session: ContextVar[AsyncSession] = ContextVar("current_session")


class DatabaseUpdateProcessor(BaseUpdateProcessor):
    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], max_concurrent_updates: int = 1
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._session_factory = session_factory

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        async with self._session_factory() as session:
            token = current_session.set(session)
            try:
                await coroutine
                await session.commit()
            except Exception:
                # Never let a failure escape: it would stop PTB's update loop.
                logger.exception("could not finish update %s", getattr(update, "update_id", "?"))
                await session.rollback()
            finally:
                current_session.reset(token)

    async def initialize(self) -> None:
        """Nothing to set up: sessions are opened per update."""

    async def shutdown(self) -> None:
        """Nothing to tear down: the engine is disposed by the application."""
