"""Wiring that must be explicit: the schedule listener, and the repository of an update."""

from __future__ import annotations

from datetime import UTC, datetime, time
from types import SimpleNamespace
from typing import cast

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session

from bot.db.engine import create_session_factory
from bot.db.repo import Repo
from bot.db.users import UserProfile
from bot.reminders.scheduling import keep_schedules
from bot.runtime.context import BotContext
from tests.conftest import FakeClock

NOW = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)


async def _set_a_time(engine: AsyncEngine, listening: bool) -> datetime | None:
    """A person sets 07:30 through a session of a factory with or without the listener."""
    listeners = [keep_schedules(FakeClock(NOW))] if listening else []
    factory = create_session_factory(engine, before_flush=listeners)
    async with factory() as db:
        repo = Repo(db)
        await repo.users.get_or_create(UserProfile(7, "Ada"), NOW)
        preferences = await repo.users.preferences(7)
        assert preferences is not None
        preferences.onboarding_step = None
        preferences.reminders_enabled = True
        preferences.timezone = "UTC"
        preferences.reminder_time = time(7, 30)
        await db.commit()
        return preferences.next_reminder_at


async def test_the_schedule_follows_a_change_in_the_factory_it_is_registered_on(
    engine: AsyncEngine,
) -> None:
    assert await _set_a_time(engine, listening=True) == datetime(2026, 12, 3, 7, 30, tzinfo=UTC)


async def test_no_listener_is_attached_to_every_session_by_an_import(
    engine: AsyncEngine,
) -> None:
    import bot.app  # noqa: F401  (everything a running bot imports)

    assert list(Session().dispatch.before_flush) == []  # no listener on every Session
    assert await _set_a_time(engine, listening=False) is None


def test_context_repo_outside_an_update_says_what_to_do() -> None:
    context = cast(BotContext, SimpleNamespace())
    with pytest.raises(RuntimeError, match="only while an update is handled"):
        BotContext.repo.fget(context)  # type: ignore[attr-defined]
