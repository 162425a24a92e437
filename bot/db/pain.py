"""Pain ratings: stored as given, read back newest first."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import PainRating
from bot.domain.pain import PainKind


class PainRepo:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def record(
        self,
        user_id: int,
        rating: int,
        kind: PainKind,
        now: datetime,
        exercise_id: str | None = None,
        session_id: int | None = None,
    ) -> PainRating:
        """Store a rating (one given during an exercise names the exercise)."""
        rating_row = PainRating(
            user_id=user_id,
            rating=rating,
            kind=kind,
            exercise_id=exercise_id,
            recorded_at=now,
            session_id=session_id,
        )
        self.db.add(rating_row)
        return rating_row

    async def latest(self, user_id: int) -> PainRating | None:
        """The user's most recent rating, of any kind."""
        return await self.db.scalar(
            select(PainRating)
            .where(PainRating.user_id == user_id)
            .order_by(PainRating.recorded_at.desc(), PainRating.id.desc())
            .limit(1)
        )
