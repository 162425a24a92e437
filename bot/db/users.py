"""People: their profile, their settings row, locking, export and erasure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Base, Preferences, User


@dataclass(frozen=True)
class UserProfile:
    """What Telegram tells us about a user, kept free of Telegram's types."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None


def insert(db: AsyncSession, table: type[Any]) -> Any:
    """INSERT with ON CONFLICT support for the database's dialect."""
    if db.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(table)
    return sqlite_insert(table)


class UserRepo:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db
        # The session's identity map holds objects weakly: `load` keeps its own here.
        self._loaded: list[Any] = []

    async def get(self, user_id: int) -> User | None:
        return await self.db.get(User, user_id)

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
        upsert = insert(self.db, User).values(id=profile.id, created_at=now, **fields)
        upsert = upsert.on_conflict_do_update(index_elements=[User.id], set_=fields)
        await self.db.execute(upsert)
        await self.db.execute(
            insert(self.db, Preferences)
            .values(user_id=profile.id)
            .on_conflict_do_nothing(index_elements=[Preferences.user_id])
        )
        user = await self.db.scalar(
            select(User).where(User.id == profile.id).execution_options(populate_existing=True)
        )
        assert user is not None
        return user, existing is None

    async def preferences(self, user_id: int) -> Preferences | None:
        return await self.db.get(Preferences, user_id)

    async def load(self, user_id: int) -> None:
        """Load the user and their preferences up front, so that `get` and `preferences`
        later in this update need no query. On SQLite that is one query. On PostgreSQL
        the user's lock is taken first and held until the transaction ends, so that
        replicas take turns with one user's updates; the rows are read after the wait,
        as another replica left them. The lock is an advisory one keyed by the user's
        id, not the row's: a newcomer's "/start" has no row to lock until it commits,
        and their next message, on another replica, must still wait for it."""
        if self.db.get_bind().dialect.name == "sqlite":  # no row locks there
            row = (
                await self.db.execute(
                    select(User, Preferences)
                    .outerjoin(Preferences, Preferences.user_id == User.id)
                    .where(User.id == user_id)
                )
            ).first()
            self._loaded = list(row) if row is not None else []
            return
        await self.db.execute(select(func.pg_advisory_xact_lock(user_id)))
        user = await self.db.scalar(select(User).where(User.id == user_id))
        self._loaded = [user, await self.preferences(user_id)] if user is not None else []

    async def try_lock(self, user_id: int) -> bool:
        """Hold the user's lock (as `load` takes it) until this transaction ends, unless
        another transaction holds it (False): a timer does not wait behind the user's
        update on another replica. On SQLite (one process, one writer) there is none."""
        if self.db.get_bind().dialect.name == "sqlite":
            return True  # no locks, and no second process to wait for
        return bool(await self.db.scalar(select(func.pg_try_advisory_xact_lock(user_id))))

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
            rows = await self.db.execute(select(table).where(key == user_id))
            data[table.name] = [dict(row) for row in rows.mappings()]
        return data

    async def erase(self, user_id: int) -> None:
        """Delete every row about the user, in every table."""
        for table in reversed(Base.metadata.sorted_tables):
            if table is not User.__table__ and "user_id" in table.c:
                await self.db.execute(delete(table).where(table.c.user_id == user_id))
        await self.db.execute(delete(User).where(User.id == user_id))
        # Objects loaded earlier in this update now describe deleted rows:
        # drop them so nothing tries to write them back at commit.
        self.db.expunge_all()
