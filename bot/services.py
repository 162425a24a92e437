"""What every handler and job may use, built once in the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.content import Content


@dataclass(frozen=True)
class Services:
    settings: Settings
    content: Content
    clock: Clock
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
