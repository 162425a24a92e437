"""Stored red flags: which rule fired, its tier and when (never the words), and clearance."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import SafetyFlag

SCREEN = "screen"  # the rule id of a "yes" on the set-up safety screen


class SafetyRepo:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def record(self, user_id: int, flags: Iterable[tuple[str, str]], now: datetime) -> None:
        """Store (rule id, tier) pairs flagged now."""
        for rule_id, tier in flags:
            self.db.add(SafetyFlag(user_id=user_id, rule_id=rule_id, tier=tier, flagged_at=now))

    async def clear(self, user_id: int, now: datetime) -> None:
        """A professional has checked them: every open flag is cleared."""
        await self.db.execute(
            update(SafetyFlag)
            .where(SafetyFlag.user_id == user_id, SafetyFlag.cleared_at.is_(None))
            .values(cleared_at=now)
        )
