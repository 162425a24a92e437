"""Repositories: the queries the handlers need, grouped by what they are about.

Handlers get one `Repo` per update (see bot/runtime/update_processor.py) and never
write SQL themselves.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Base,
    GuidedSession,
    PainRating,
    Preferences,
    ReminderDelivery,
    SessionTimer,
    User,
)
from bot.db.safety import SafetyRepo
from bot.domain import session_codec
from bot.domain.progress import SessionRecord
from bot.domain.routine import History
from bot.domain.schedule import due_next, summary_due_next
from bot.domain.session import MODERATE_PAIN, Outcome, SessionState, stopping_rating
from bot.domain.timezones import zone_info


@dataclass(frozen=True)
class UserProfile:
    """What Telegram tells us about a user, kept free of Telegram's types."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None


def _insert(session: AsyncSession, table: type[Any]) -> Any:
    """INSERT with ON CONFLICT support for the session's dialect."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


class UserRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        # The session's identity map holds objects weakly: `load` keeps its own here.
        self._loaded: list[Any] = []

    async def get(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def get_or_create(self, profile: UserProfile, now: datetime) -> tuple[User, bool]:
        """Store the user (and default preferences) or refresh their profile.

        Returns the user and whether they are new. An upsert, so a replayed
        update or a second replica racing on the same /start cannot duplicate.
        """
        existing = await self.get(profile.id)
        fields = {
            "first_name": profile.first_name,
            "last_name": profile.last_name,
            "username": profile.username,
            "language_code": profile.language_code,
            "last_seen_at": now,
        }
        upsert = _insert(self.session, User).values(id=profile.id, created_at=now, **fields)
        upsert = upsert.on_conflict_do_update(index_elements=[User.id], set_=fields)
        await self.session.execute(upsert)
        await self.session.execute(
            _insert(self.session, Preferences)
            .values(user_id=profile.id)
            .on_conflict_do_nothing(index_elements=[Preferences.user_id])
        )
        user = await self.session.scalar(
            select(User).where(User.id == profile.id).execution_options(populate_existing=True)
        )
        assert user is not None
        return user, existing is None

    async def preferences(self, user_id: int) -> Preferences | None:
        return await self.session.get(Preferences, user_id)

    async def load(self, user_id: int) -> None:
        """Load the user and their preferences up front, so that `get` and `preferences`
        later in this update need no query. On SQLite that is one query. On PostgreSQL
        the user's row is locked first, and held until the transaction ends, so that
        replicas take turns with one user's updates; the preferences are read after the
        wait, as another replica left them (a read in the locking query itself would
        see them as they were before that replica committed)."""
        if self.session.get_bind().dialect.name == "sqlite":  # no row locks there
            row = (
                await self.session.execute(
                    select(User, Preferences)
                    .outerjoin(Preferences, Preferences.user_id == User.id)
                    .where(User.id == user_id)
                )
            ).first()
            self._loaded = list(row) if row is not None else []
            return
        user = await self.session.scalar(select(User).where(User.id == user_id).with_for_update())
        self._loaded = [user, await self.preferences(user_id)] if user is not None else []

    async def try_lock(self, user_id: int) -> bool:
        """Hold the user's row until this transaction ends, unless another transaction
        holds it (False): a timer does not wait behind the user's update on another
        replica. On SQLite (one process, one writer) there is nothing to lock."""
        if self.session.get_bind().dialect.name == "sqlite":
            return True  # no row locks, and no second process to wait for
        locked = await self.session.execute(
            select(User.id).where(User.id == user_id).with_for_update(skip_locked=True)
        )
        return locked.first() is not None

    async def mark_blocked(self, user_id: int, now: datetime) -> None:
        """Telegram says the user blocked the bot (or is gone): send nothing more."""
        user = await self.get(user_id)
        preferences = await self.preferences(user_id)
        if user is not None and user.blocked_at is None:
            user.blocked_at = now
        if preferences is not None:
            preferences.next_reminder_at = None
            preferences.next_summary_at = None

    # Every table about a user has a `user_id` column (users itself: `id`), so
    # export and erase below cover tables added later without being told.

    async def export(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every row stored about the user, table by table."""
        data: dict[str, list[dict[str, Any]]] = {}
        for table in Base.metadata.sorted_tables:
            key = table.c.id if table is User.__table__ else table.c.get("user_id")
            if key is None:
                continue
            rows = await self.session.execute(select(table).where(key == user_id))
            data[table.name] = [dict(row) for row in rows.mappings()]
        return data

    async def erase(self, user_id: int) -> None:
        """Delete every row about the user, in every table."""
        for table in reversed(Base.metadata.sorted_tables):
            if table is not User.__table__ and "user_id" in table.c:
                await self.session.execute(delete(table).where(table.c.user_id == user_id))
        await self.session.execute(delete(User).where(User.id == user_id))
        # Objects loaded earlier in this update now describe deleted rows:
        # drop them so nothing tries to write them back at commit.
        self.session.expunge_all()


class PainRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(
        self,
        user_id: int,
        rating: int,
        kind: str,
        now: datetime,
        exercise_id: str | None = None,
        session_id: int | None = None,
    ) -> PainRating:
        """Store a rating: kind "baseline", "before", "during" (with the exercise) or "after"."""
        rating_row = PainRating(
            user_id=user_id,
            rating=rating,
            kind=kind,
            exercise_id=exercise_id,
            recorded_at=now,
            session_id=session_id,
        )
        self.session.add(rating_row)
        return rating_row

    async def latest(self, user_id: int) -> PainRating | None:
        """The user's most recent rating, of any kind."""
        return await self.session.scalar(
            select(PainRating)
            .where(PainRating.user_id == user_id)
            .order_by(PainRating.recorded_at.desc(), PainRating.id.desc())
            .limit(1)
        )


@dataclass(frozen=True)
class DueTimer:
    session_id: int
    user_id: int
    kind: str
    version: int


class SessionRepo:
    """Guided sessions, their stored state machine, and their one pending timer."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, session_id: int) -> GuidedSession | None:
        return await self.session.get(GuidedSession, session_id)

    async def latest_open(self, user_id: int) -> GuidedSession | None:
        """The user's newest session that has no outcome yet (running or paused)."""
        return await self.session.scalar(
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
        self.session.add(row)
        await self.session.flush()  # for its id, which its buttons carry
        return row

    def state_of(self, row: GuidedSession) -> SessionState:
        return session_codec.load(row.state)

    async def save(
        self, row: GuidedSession, state: SessionState, now: datetime, outcome: str | None = None
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
        await self.session.execute(delete(SessionTimer).where(SessionTimer.session_id == row.id))
        if state.timer is not None and state.due_at is not None and outcome is None:
            await self.session.execute(
                _insert(self.session, SessionTimer).values(
                    session_id=row.id,
                    user_id=row.user_id,
                    kind=state.timer.value,
                    version=state.version,
                    due_at=state.due_at,
                )
            )

    async def claim_due(
        self, now: datetime, limit: int, passing_over: Collection[int] = ()
    ) -> list[DueTimer]:
        """Timers due by `now`, locked for this transaction (skipped by other replicas),
        except those of the users `passing_over` (busy elsewhere just now)."""
        query = (
            select(
                SessionTimer.session_id,
                SessionTimer.user_id,
                SessionTimer.kind,
                SessionTimer.version,
            )
            .where(SessionTimer.due_at <= now)
            .order_by(SessionTimer.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        if passing_over:
            query = query.where(SessionTimer.user_id.not_in(passing_over))
        return [DueTimer(*row) for row in await self.session.execute(query)]

    async def records(self, user_id: int, limit: int = 400) -> list[SessionRecord]:
        """The user's sessions, newest first, as the progress statistics need them."""
        rows = await self.session.scalars(
            select(GuidedSession)
            .where(GuidedSession.user_id == user_id)
            .order_by(GuidedSession.started_at.desc())
            .limit(limit)
        )
        records = []
        for row in rows:
            state = session_codec.load(row.state)
            if state.pain_before is None:  # never got past the check-in
                continue
            records.append(
                SessionRecord(
                    day=row.local_date, finished=row.outcome == Outcome.FINISHED,
                    stopped_by_pain=(
                        stopping_rating(state)
                        if row.outcome == Outcome.SEVERE_PAIN else None
                    ),
                    stopped_for_safety=row.outcome == Outcome.SAFETY,
                    pain_before=state.pain_before, pain_after=state.pain_after,
                    done=state.done, skipped=state.skipped,
                    painful=tuple(exercise for exercise, _ in state.painful),
                )
            )  # fmt: skip
        return records

    async def streak_days(self, user_id: int) -> list[date]:
        """Every day with a finished session in which at least one exercise was done (a
        session skipped from start to end is no day of exercise), newest first: dates
        only, no states to decode, so years of history are a small read."""
        days = await self.session.scalars(
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
        latest_pain = await self.session.scalar(
            select(PainRating.rating)
            .where(PainRating.user_id == user_id, PainRating.kind != "during")
            .order_by(PainRating.recorded_at.desc(), PainRating.id.desc())
            .limit(1)
        )
        hurt_rows = await self.session.execute(
            select(PainRating.exercise_id, func.max(PainRating.recorded_at))
            .where(
                PainRating.user_id == user_id,
                PainRating.kind == "during",
                PainRating.rating >= MODERATE_PAIN,
                PainRating.exercise_id.is_not(None),
            )
            .group_by(PainRating.exercise_id)
        )
        hurt_on = {
            str(exercise): _instant(when).astimezone(zone).date() for exercise, when in hurt_rows
        }
        finished = await self.session.scalars(
            select(GuidedSession.id)
            .where(GuidedSession.user_id == user_id, GuidedSession.outcome == Outcome.FINISHED)
            .order_by(GuidedSession.started_at.desc())
            .limit(100)
        )
        painful = set(
            await self.session.scalars(
                select(PainRating.session_id).where(
                    PainRating.user_id == user_id,
                    PainRating.kind == "during",
                    PainRating.session_id.is_not(None),
                )
            )
        )
        pain_free = 0
        for session_id in finished:
            if session_id in painful:
                break
            pain_free += 1
        return History(pain_free_sessions=pain_free, latest_pain=latest_pain, hurt_on=hurt_on)


@dataclass(frozen=True)
class ClaimedReminder:
    """A reminder claimed for sending, with what its message needs."""

    delivery_id: int
    user_id: int
    first_name: str
    due_at: datetime
    timezone: str
    snoozes: int


@dataclass(frozen=True)
class ClaimedBatch:
    """What one claim took: the reminders to send, and how many due rows it took in all
    (a missed, done or blocked one is taken and settled without a send)."""

    reminders: list[ClaimedReminder]
    taken: int


class ReminderRepo:
    """Claiming due reminders: each user's day is claimed once, across processes."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim_due(self, now: datetime, grace: timedelta, limit: int) -> ClaimedBatch:
        """Claim reminders due by `now` and move each user on to their next one.

        One missed by more than `grace` is recorded as missed, not sent.

        Few statements, whatever the batch: on SQLite the one write lock is held from
        the first write to the commit, and the senders of the last batch need it
        meanwhile to record what they sent. The users move on to their next reminder
        first: that write waits for any other claimer's commit (on SQLite; PostgreSQL
        skips rows locked by one), so the reads after it see that claimer's deliveries.
        """
        due = list(
            await self.session.scalars(
                select(Preferences)
                .where(Preferences.next_reminder_at <= now)
                .order_by(Preferences.next_reminder_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if not due:
            return ClaimedBatch([], 0)
        due_at = {preferences.user_id: _due(preferences) for preferences in due}
        day_of: dict[int, date] = {}
        for preferences in due:
            when = due_at[preferences.user_id]
            day_of[preferences.user_id] = when.astimezone(zone_info(preferences.timezone)).date()
            preferences.next_reminder_at = due_next(preferences, max(when, now))
        await self.session.flush()
        ids = list(due_at)
        days = set(day_of.values())
        users = {u.id: u for u in await self.session.scalars(select(User).where(User.id.in_(ids)))}
        deliveries = {
            (delivery.user_id, delivery.local_date): delivery
            for delivery in await self.session.scalars(
                select(ReminderDelivery).where(
                    ReminderDelivery.user_id.in_(ids), ReminderDelivery.local_date.in_(days)
                )
            )
        }
        done = await self._routines_done(ids, days)
        claims: list[tuple[ReminderDelivery, User, Preferences]] = []
        for preferences in due:
            user = users[preferences.user_id]
            if user.blocked_at is not None:
                preferences.next_reminder_at = None
                continue
            local_date, due_time = day_of[user.id], due_at[user.id]
            delivery = deliveries.get((user.id, local_date))
            if delivery is not None and delivery.status != "snoozed":
                continue  # this day's reminder was handled already
            skip_as = "missed" if now - due_time > grace else None
            if skip_as is None and (user.id, local_date) in done:
                skip_as = "done"  # e.g. done in the morning, then the time moved to 19:00
            if skip_as is not None:
                if delivery is None:
                    self.session.add(_delivery(user.id, local_date, due_time, now, skip_as))
                else:
                    delivery.status = skip_as
                continue
            if delivery is None:
                delivery = _delivery(user.id, local_date, due_time, now, "claimed")
                self.session.add(delivery)
            else:
                delivery.status, delivery.claimed_at, delivery.due_at = "claimed", now, due_time
            claims.append((delivery, user, preferences))
        await self.session.flush()  # the new deliveries get their ids
        reminders = [
            _claimed(delivery, user, preferences) for delivery, user, preferences in claims
        ]
        return ClaimedBatch(reminders, len(due))

    async def routine_done(self, user_id: int, local_date: date) -> bool:
        """Whether the day's routine was finished with an exercise done (all skipped, or a
        single "Do it now" exercise, is not the routine): then its reminder is not sent."""
        return (user_id, local_date) in await self._routines_done([user_id], {local_date})

    async def _routines_done(
        self, user_ids: Collection[int], days: Collection[date]
    ) -> set[tuple[int, date]]:
        """Which of these users' days had their routine done (as `routine_done` says)."""
        rows = await self.session.execute(
            select(GuidedSession.user_id, GuidedSession.local_date)
            .distinct()
            .where(
                GuidedSession.user_id.in_(user_ids),
                GuidedSession.local_date.in_(days),
                GuidedSession.outcome == Outcome.FINISHED,
                GuidedSession.exercises_done > 0,
                GuidedSession.single.is_(False),
            )
        )
        return {(user_id, day) for user_id, day in rows}

    async def reclaim_stale(
        self, now: datetime, lease: timedelta, grace: timedelta, limit: int
    ) -> list[ClaimedReminder]:
        """Claims whose sender died before sending: send them again, if still timely."""
        stale = await self.session.scalars(
            select(ReminderDelivery)
            .where(ReminderDelivery.status == "claimed", ReminderDelivery.claimed_at < now - lease)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claimed: list[ClaimedReminder] = []
        for delivery in list(stale):
            if now - delivery.due_at > grace:
                delivery.status = "missed"
                continue
            delivery.claimed_at = now
            user = await self.session.get(User, delivery.user_id)
            preferences = await self.session.get(Preferences, delivery.user_id)
            assert user is not None
            assert preferences is not None
            claimed.append(_claimed(delivery, user, preferences))
        return claimed

    async def claim_summaries(self, now: datetime, grace: timedelta, limit: int) -> list[int]:
        """Users whose weekly summary is due, each moved on to next week; a summary
        missed by more than `grace` is skipped. At most once: claimed, then sent."""
        due = await self.session.scalars(
            select(Preferences)
            .where(Preferences.next_summary_at <= now)
            .order_by(Preferences.next_summary_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claimed = []
        for preferences in list(due):
            due_at = preferences.next_summary_at
            assert due_at is not None
            preferences.next_summary_at = summary_due_next(preferences, max(due_at, now))
            user = await self.session.get(User, preferences.user_id)
            if user is not None and user.blocked_at is None and now - due_at <= grace:
                claimed.append(preferences.user_id)
        return claimed

    async def get(self, delivery_id: int) -> ReminderDelivery | None:
        return await self.session.get(ReminderDelivery, delivery_id)

    async def record_outcome(
        self, delivery_id: int, status: str, message_id: int | None, now: datetime
    ) -> None:
        """What became of a claimed reminder's send. The status changes only while it is
        still "claimed": the person may have tapped Snooze or Skip on the message before
        this runs, and that answer must not be overwritten (a conditional UPDATE, so no
        read-then-write race, on SQLite or PostgreSQL)."""
        row = ReminderDelivery.id == delivery_id
        await self.session.execute(
            update(ReminderDelivery)
            .where(row, ReminderDelivery.status == "claimed")
            .values(status=status)
        )
        if message_id is not None:
            await self.session.execute(
                update(ReminderDelivery).where(row).values(message_id=message_id, sent_at=now)
            )

    async def latest(self, user_id: int) -> ReminderDelivery | None:
        return await self.session.scalar(
            select(ReminderDelivery)
            .where(ReminderDelivery.user_id == user_id)
            .order_by(ReminderDelivery.local_date.desc())
            .limit(1)
        )


def _delivery(
    user_id: int, local_date: date, due_at: datetime, now: datetime, status: str
) -> ReminderDelivery:
    return ReminderDelivery(
        user_id=user_id, local_date=local_date, due_at=due_at, status=status, claimed_at=now,
        snoozes=0,
    )  # fmt: skip


def _due(preferences: Preferences) -> datetime:
    """When a claimed reminder was due (never None: it was claimed for being due)."""
    assert preferences.next_reminder_at is not None
    return preferences.next_reminder_at


def _claimed(delivery: ReminderDelivery, user: User, preferences: Preferences) -> ClaimedReminder:
    return ClaimedReminder(
        delivery.id, user.id, user.first_name, delivery.due_at, preferences.timezone,
        delivery.snoozes,
    )  # fmt: skip


def _instant(value: Any) -> datetime:
    """An aggregate (MAX) skips the column type: SQLite hands back text."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


@dataclass(frozen=True)
class BotStats:
    users: int
    active: int
    blocked: int
    sessions_today: int
    reminders_today: int


async def bot_stats(session: AsyncSession, day_start: datetime) -> BotStats:
    """Counts for the admins' /stats (indexed columns only)."""

    async def count(model: Any, *where: Any) -> int:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)

    return BotStats(
        users=await count(User),
        active=await count(Preferences, Preferences.next_reminder_at.is_not(None)),
        blocked=await count(User, User.blocked_at.is_not(None)),
        sessions_today=await count(GuidedSession, GuidedSession.started_at >= day_start),
        reminders_today=await count(ReminderDelivery, ReminderDelivery.sent_at >= day_start),
    )


class Repo:
    """All repositories over one session: `repo.users.get_or_create(...)`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.users = UserRepo(session)
        self.pain = PainRepo(session)
        self.sessions = SessionRepo(session)
        self.reminders = ReminderRepo(session)
        self.safety = SafetyRepo(session)
