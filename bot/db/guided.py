"""Guided sessions: the stored state machine, its one pending timer, and its history."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import GuidedSession, PainRating, SessionTimer
from bot.db.users import insert
from bot.domain import session_codec
from bot.domain.pain import MODERATE_PAIN, PainKind
from bot.domain.progress import SessionRecord, record_of
from bot.domain.routine import History, pain_free_run
from bot.domain.session import Outcome, SessionState, Timer


@dataclass(frozen=True)
class DueTimer:
    session_id: int
    user_id: int
    kind: Timer
    version: int
    due_at: datetime


class SessionRepo:
    """Guided sessions, their stored state machine, and their one pending timer."""

    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def get(self, session_id: int) -> GuidedSession | None:
        return await self.db.get(GuidedSession, session_id)

    async def latest_open(self, user_id: int) -> GuidedSession | None:
        """The user's newest session that has no outcome yet (running or paused)."""
        return await self.db.scalar(
            select(GuidedSession)
            .where(GuidedSession.user_id == user_id, GuidedSession.outcome.is_(None))
            .order_by(GuidedSession.started_at.desc(), GuidedSession.id.desc())
            .limit(1)
        )

    async def start(
        self, user_id: int, local_date: date, state: SessionState, now: datetime
    ) -> GuidedSession:
        row = GuidedSession(
            user_id=user_id,
            local_date=local_date,
            started_at=now,
            updated_at=now,
            phase=state.phase.value,
            state=session_codec.dump(state),
            exercises_done=len(state.done),
            single=state.single,
        )
        self.db.add(row)
        await self.db.flush()  # for its id, which its buttons carry
        return row

    def state_of(self, row: GuidedSession) -> SessionState:
        return session_codec.load(row.state)

    async def save(
        self, row: GuidedSession, state: SessionState, now: datetime, outcome: Outcome | None = None
    ) -> None:
        """Store the state after an event, and arm (or clear) its timer, in this transaction."""
        row.state = session_codec.dump(state)
        row.phase = state.phase.value
        row.exercises_done = len(state.done)
        row.single = state.single
        row.updated_at = now
        if outcome is not None:
            row.outcome = outcome
            row.finished_at = now
        await self.db.execute(delete(SessionTimer).where(SessionTimer.session_id == row.id))
        if state.timer is not None and state.due_at is not None and outcome is None:
            await self.db.execute(
                insert(self.db, SessionTimer).values(
                    session_id=row.id,
                    user_id=row.user_id,
                    kind=state.timer.value,
                    version=state.version,
                    due_at=state.due_at,
                )
            )

    async def due_timers(
        self, now: datetime, limit: int, passing_over: Collection[int] = ()
    ) -> list[DueTimer]:
        """Timers due by `now`, oldest first, except those of the users `passing_over`
        (busy just now). Not locked: `take_timer` claims each one before it fires."""
        query = (
            select(
                SessionTimer.session_id,
                SessionTimer.user_id,
                SessionTimer.kind,
                SessionTimer.version,
                SessionTimer.due_at,
            )
            .where(SessionTimer.due_at <= now)
            .order_by(SessionTimer.due_at, SessionTimer.session_id)
            .limit(limit)
        )
        if passing_over:
            query = query.where(SessionTimer.user_id.not_in(passing_over))
        return [DueTimer(*row) for row in await self.db.execute(query)]

    async def take_timer(self, timer: DueTimer) -> bool:
        """Lock the timer's row for this transaction, if it is still armed as `timer` says
        and no other replica holds it (SKIP LOCKED on PostgreSQL): then it is ours to fire."""
        taken = await self.db.execute(
            select(SessionTimer.session_id)
            .where(
                SessionTimer.session_id == timer.session_id,
                SessionTimer.version == timer.version,
            )
            .with_for_update(skip_locked=True)
        )
        return taken.first() is not None

    async def records(self, user_id: int, limit: int = 400) -> list[SessionRecord]:
        """The user's sessions, newest first, as the progress statistics need them."""
        rows = await self.db.scalars(
            select(GuidedSession)
            .where(GuidedSession.user_id == user_id)
            .order_by(GuidedSession.started_at.desc())
            .limit(limit)
        )
        records = (
            record_of(row.local_date, row.outcome, session_codec.load(row.state)) for row in rows
        )
        return [record for record in records if record is not None]

    async def streak_days(self, user_id: int) -> list[date]:
        """Every day with a finished session in which at least one exercise was done (a
        session skipped from start to end is no day of exercise), newest first: dates
        only, no states to decode, so years of history are a small read."""
        days = await self.db.scalars(
            select(GuidedSession.local_date)
            .distinct()
            .where(
                GuidedSession.user_id == user_id,
                GuidedSession.outcome == Outcome.FINISHED,
                GuidedSession.exercises_done > 0,
            )
            .order_by(GuidedSession.local_date.desc())
        )
        return list(days)

    async def history(self, user_id: int, zone: tzinfo) -> History:
        """What the routine planner needs: progress, the latest pain, what hurt when."""
        latest_pain = await self.db.scalar(
            select(PainRating.rating)
            .where(PainRating.user_id == user_id, PainRating.kind != PainKind.DURING)
            .order_by(PainRating.recorded_at.desc(), PainRating.id.desc())
            .limit(1)
        )
        hurt_rows = await self.db.execute(
            select(PainRating.exercise_id, func.max(PainRating.recorded_at))
            .where(
                PainRating.user_id == user_id,
                PainRating.kind == PainKind.DURING,
                PainRating.rating >= MODERATE_PAIN,
                PainRating.exercise_id.is_not(None),
            )
            .group_by(PainRating.exercise_id)
        )
        hurt_on = {
            str(exercise): _instant(when).astimezone(zone).date() for exercise, when in hurt_rows
        }
        finished = await self.db.scalars(
            select(GuidedSession.id)
            .where(GuidedSession.user_id == user_id, GuidedSession.outcome == Outcome.FINISHED)
            .order_by(GuidedSession.started_at.desc())
            .limit(100)
        )
        painful: set[int] = set(
            await self.db.scalars(
                select(PainRating.session_id).where(
                    PainRating.user_id == user_id,
                    PainRating.kind == PainKind.DURING,
                    PainRating.session_id.is_not(None),
                )
            )
        )
        return History(
            pain_free_sessions=pain_free_run(list(finished), painful),
            latest_pain=latest_pain,
            hurt_on=hurt_on,
        )


def _instant(value: Any) -> datetime:
    """An aggregate (MAX) skips the column type: SQLite hands back text."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)
