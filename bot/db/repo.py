"""Repositories: the queries the handlers need, grouped by what they are about.

Handlers get one `Repo` per update (see bot/update_processor.py) and never
write SQL themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Base, PainRating, Preferences, User


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
        self, user_id: int, rating: int, kind: str, now: datetime, exercise_id: str | None = None
    ) -> PainRating:
        rating_row = PainRating(
            user_id=user_id, rating=rating, kind=kind, exercise_id=exercise_id, recorded_at=now
        )
        self.session.add(rating_row)
        return rating_row


class Repo:
    """All repositories over one session: `repo.users.get_or_create(...)`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.users = UserRepo(session)
        self.pain = PainRepo(session)
