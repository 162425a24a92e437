"""The database layer: migrations, SQLite settings, UTC instants, the user upsert."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from alembic import command
from sqlalchemy import Connection, event, func, insert, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import create_engine, create_session_factory
from bot.db.migrations import HEAD, alembic_config, current_revision, upgrade
from bot.db.models import (
    EVERY_DAY,
    Base,
    GuidedSession,
    PainRating,
    Preferences,
    SessionTimer,
    User,
)  # fmt: skip
from bot.db.repo import Repo
from bot.db.users import UserProfile

NOW = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


async def test_migrations_create_every_model_table_and_match_the_models(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
        version = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    assert set(Base.metadata.tables) <= tables
    assert version is not None
    # autogenerate finds nothing to do: the migrations and the models agree
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    async with engine.connect() as connection:
        diff = await connection.run_sync(
            lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
        )
    assert diff == []


async def test_upgrade_twice_is_harmless(engine: AsyncEngine) -> None:
    await upgrade(engine)


def test_head_names_the_newest_migration() -> None:
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD


async def test_a_database_at_head_starts_without_loading_alembic(engine: AsyncEngine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    check = (
        "import asyncio, sys\n"
        "from bot.db.engine import create_engine\n"
        "from bot.db.migrations import upgrade\n"
        f"asyncio.run(upgrade(create_engine({url!r})))\n"
        "print('alembic' in sys.modules)\n"
    )
    command = [sys.executable, "-c", check]
    done = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
    assert await current_revision(engine) == HEAD


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        assert (await connection.scalar(text("PRAGMA journal_mode"))) == "wal"
        assert (await connection.scalar(text("PRAGMA foreign_keys"))) == 1


async def test_get_or_create_is_idempotent_and_refreshes_the_profile(engine: AsyncEngine) -> None:
    sessions = create_session_factory(engine)
    async with sessions() as session:
        user, created = await Repo(session).users.get_or_create(UserProfile(7, "Ada"), NOW)
        await session.commit()
    assert created
    later = NOW + timedelta(days=1)
    async with sessions() as session:
        user, created = await Repo(session).users.get_or_create(
            UserProfile(7, "Ada <3", username="ada"), later
        )
        await session.commit()
    assert not created
    assert (user.first_name, user.username) == ("Ada <3", "ada")
    assert (user.created_at, user.last_seen_at) == (NOW, later)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 1
        preferences = await Repo(session).users.preferences(7)
        assert preferences is not None
        assert (preferences.timezone, preferences.weekdays) == ("UTC", EVERY_DAY)
        assert preferences.reminders_enabled is False


async def test_instants_come_back_as_aware_utc(engine: AsyncEngine) -> None:
    sessions = create_session_factory(engine)
    berlin_summer = datetime(2026, 7, 1, 9, 0, tzinfo=timezone(timedelta(hours=2)))
    async with sessions() as session:
        await Repo(session).users.get_or_create(UserProfile(8, "Bo"), berlin_summer)
        await session.commit()
    async with sessions() as session:
        user = await Repo(session).users.get(8)
        assert user is not None
        assert user.created_at == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)
        assert user.created_at.tzinfo is UTC


async def test_deleting_a_user_cascades_to_their_preferences(engine: AsyncEngine) -> None:
    sessions = create_session_factory(engine)
    async with sessions() as session:
        await Repo(session).users.get_or_create(UserProfile(9, "Cy"), NOW)
        await session.commit()
        await session.execute(text("DELETE FROM users WHERE id = 9"))
        await session.commit()
        assert await session.scalar(select(func.count()).select_from(Preferences)) == 0


async def test_a_naive_datetime_is_refused(engine: AsyncEngine) -> None:
    sessions = create_session_factory(engine)
    async with sessions() as session:
        with pytest.raises(Exception, match="naive datetime"):
            await Repo(session).users.get_or_create(UserProfile(10, "Di"), datetime(2026, 1, 1))


async def test_load_fetches_user_and_preferences_in_one_query(engine: AsyncEngine) -> None:
    """The update processor's `load` spares every later lookup of the update its SQL."""
    sessions = create_session_factory(engine)
    async with sessions() as session:
        await Repo(session).users.get_or_create(UserProfile(9, "Cy"), NOW)
        await session.commit()
    statements: list[str] = []
    event.listen(
        engine.sync_engine, "before_cursor_execute", lambda *args: statements.append(args[2])
    )
    async with sessions() as session:
        repo = Repo(session)
        await repo.users.load(9)
        assert len(statements) == 1
        user = await repo.users.get(9)
        preferences = await repo.users.preferences(9)
        assert len(statements) == 1  # both came from the session, not the database
        assert user is not None
        assert user.first_name == "Cy"
        assert preferences is not None
        assert preferences.user_id == 9
        await repo.users.load(10)  # nobody: loads nothing, and no error
        assert await repo.users.get(10) is None


def stored_session(day: date, done: int, outcome: str | None = "finished") -> dict[str, object]:
    """A sessions row as it stands in the database (its state abridged: the list counted)."""
    return {
        "user_id": 7, "local_date": day, "started_at": NOW, "updated_at": NOW,
        "phase": "finished", "outcome": outcome, "state": {"done": ["bridge"] * done},
    }  # fmt: skip


async def test_streak_days_are_every_day_with_an_exercise_done_however_long_ago(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    await upgrade(engine)
    first = date(2023, 1, 1)
    days = [first + timedelta(days=n) for n in range(1200)]  # more than three years, daily
    rows = [stored_session(day, 1) | {"exercises_done": 1} for day in days]
    rows.append(stored_session(days[-1], 2) | {"exercises_done": 2})  # "Do it now" as well
    rows.append(stored_session(days[-1] + timedelta(days=1), 0) | {"exercises_done": 0})
    stopped = stored_session(days[-1] + timedelta(days=2), 1, outcome="stopped")
    rows.append(stopped | {"exercises_done": 1})
    try:
        async with create_session_factory(engine)() as session:
            await Repo(session).users.get_or_create(UserProfile(7, "Ada"), NOW)
            await session.execute(insert(GuidedSession), rows)
            await session.commit()
            streak_days = await Repo(session).sessions.streak_days(7)
    finally:
        await engine.dispose()
    assert streak_days == days[::-1]  # each day once, newest first; not the skipped day


async def test_migration_0007_counts_the_exercises_of_sessions_stored_before(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    await upgrade(engine, "0006")
    try:
        async with engine.begin() as connection:
            await connection.execute(
                insert(User),
                [{"id": 7, "first_name": "Ada", "created_at": NOW, "last_seen_at": NOW}],
            )
            stored = [stored_session(date(2026, 11, day), done) for day, done in ((1, 0), (2, 3))]
            stored.append(stored_session(date(2026, 11, 3), 0) | {"state": {}})  # no list
            await connection.execute(insert(GuidedSession), stored)  # without the new columns
        await upgrade(engine)
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(GuidedSession.exercises_done, GuidedSession.single).order_by(
                    GuidedSession.local_date
                )
            )
            assert [tuple(row) for row in rows] == [(0, False), (3, False), (0, False)]
    finally:
        await engine.dispose()


def _downgrade_on(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


async def test_migration_0007_down_keeps_what_points_at_sessions(database_url: str) -> None:
    """SQLite rebuilding the table would drop it, and foreign keys would take its timers
    and the pain ratings' links with it."""
    engine = create_engine(database_url)
    await upgrade(engine)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                insert(User),
                [{"id": 7, "first_name": "Ada", "created_at": NOW, "last_seen_at": NOW}],
            )
            await connection.execute(insert(GuidedSession), [stored_session(NOW.date(), 1)])
            session_id = await connection.scalar(select(GuidedSession.id))
            await connection.execute(
                insert(SessionTimer),
                [{"session_id": session_id, "user_id": 7, "kind": "hold_end", "version": 3,
                  "due_at": NOW}],
            )  # fmt: skip
            await connection.execute(
                insert(PainRating),
                [{"user_id": 7, "rating": 2, "kind": "before", "recorded_at": NOW,
                  "session_id": session_id}],
            )  # fmt: skip
        async with engine.begin() as connection:
            await connection.run_sync(_downgrade_on, "0006")
        async with engine.connect() as connection:
            assert await connection.scalar(select(func.count()).select_from(SessionTimer)) == 1
            assert await connection.scalar(select(PainRating.session_id)) == session_id
    finally:
        await engine.dispose()
