"""Engine and session factory for the configured database."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine
from sqlalchemy.orm import Session


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers and the writer work at once; foreign keys make cascades real."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str) -> AsyncEngine:
    """An async engine; for a SQLite file, its folder is created when missing."""
    sa_url = make_url(url)
    if sa_url.get_backend_name() == "sqlite":
        database = sa_url.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = _create_async_engine(sa_url)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return _create_async_engine(sa_url, pool_pre_ping=True)


# Called before every flush of a session (SQLAlchemy's "before_flush" event).
FlushListener = Callable[[Session, Any, Any], None]


def create_session_factory(
    engine: AsyncEngine, before_flush: Sequence[FlushListener] = ()
) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit (no lazy reloads in async).

    `before_flush` listeners are registered on this factory's own Session class,
    so they run for its sessions only, never for every Session in the process.
    """
    session_class = type("BotSession", (Session,), {})
    for listener in before_flush:
        event.listen(session_class, "before_flush", listener)
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=session_class)
