"""Runs the alembic migrations, from the CLI or inside the running bot."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.resources import resource_path


def alembic_config(database_url: str | None = None) -> Config:
    """An alembic Config that needs no alembic.ini and no current directory."""
    config = Config()
    config.set_main_option("script_location", str(resource_path("alembic")))
    if database_url is not None:
        # ConfigParser treats % as interpolation; URLs may contain %-escapes.
        config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def _upgrade_on(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the database to `revision` over the engine the bot already has."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade_on, revision)
