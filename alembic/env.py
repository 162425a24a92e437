"""Alembic environment, after alembic's async template.

Two ways in: the bot hands over an open connection (config.attributes
["connection"]) so migrations run on its own engine and event loop; the
alembic CLI gets none and opens its own engine from DATABASE_URL.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Literal

from alembic import context
from sqlalchemy import Connection

from bot.config import load_database_settings
from bot.db.engine import create_engine
from bot.db.models import Base
from bot.db.types import UTCDateTime

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext

config = context.config
target_metadata = Base.metadata


def _database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or load_database_settings().database_url


def _render_item(type_: str, obj: object, _autogen_context: AutogenContext) -> str | Literal[False]:
    """Write UTCDateTime into migrations as the plain column type it stores as,
    so old migrations never depend on the application's code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(**kwargs: object) -> None:
    # Batch mode lets later ALTERs work on SQLite, which rebuilds tables instead.
    context.configure(
        target_metadata=target_metadata,
        render_as_batch=True,
        render_item=_render_item,
        **kwargs,  # type: ignore[arg-type]
    )


def run_migrations_offline() -> None:
    """Print the SQL instead of running it (`alembic upgrade head --sql`)."""
    _configure(url=_database_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    engine = create_engine(_database_url())
    async with engine.connect() as connection:
        await connection.run_sync(do_run_migrations)
        await connection.commit()
    await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        asyncio.run(run_async_migrations())
    else:
        do_run_migrations(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
