"""Shared fixtures: a Bot API emulator, a controllable clock, and the real bot running on both."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.app import build_application, polling
from bot.config import Settings, load_settings
from bot.content import load_content
from bot.db.engine import create_engine
from bot.db.migrations import upgrade
from bot.domain.flood import FloodLimit
from bot.emulator import BotApiEmulator, BotApiSpec
from bot.runtime.context import BotApplication
from bot.runtime.services import Timing

TOKEN = "123456:TEST-token-abcdefghijklmnopqrst"
# Background jobs wake often, so a test sees a due timer within a few milliseconds.
# Test users act at machine speed on a frozen clock: no flood limit, except where a test
# sets one (tests/test_flood.py).
# Nor an overall send budget: tests/test_transport.py and bench/reminder_fanout.py check it.
QUICK = Timing(
    due_work_every=0.05, countdown_every=0.05,
    flood=FloodLimit(burst=1_000_000, per_second=1), send_budget=False,
)  # fmt: skip
# Telegram's published method list (tests/data/botapi/README.md), read once per run.
BOT_API = BotApiSpec.load(Path(__file__).parent / "data" / "botapi" / "api-10.1.json")


def new_emulator(clock: Callable[[], datetime] | None = None) -> BotApiEmulator:
    """The Bot API emulator, as every test builds it: it refuses any request the published
    Bot API does not allow, and then fails the test (tests/test_botapi_check.py)."""
    return BotApiEmulator(token=TOKEN, clock=clock, api_spec=BOT_API)


class FakeClock:
    """A clock that only moves when a test says so."""

    def __init__(self, start: datetime) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 24, 7, 0, tzinfo=UTC))


@pytest.fixture
async def fake(clock: FakeClock) -> AsyncIterator[BotApiEmulator]:
    async with new_emulator(clock=clock.now) as api:
        yield api


@pytest.fixture
async def database_url(tmp_path: Path) -> str:
    """The bot's database: SQLite in a temporary folder, or, when TEST_DATABASE_URL is
    set, that PostgreSQL database, emptied (the whole suite then runs on PostgreSQL)."""
    if os.environ.get("TEST_DATABASE_URL"):
        return await fresh_postgres()
    return f"sqlite+aiosqlite:///{tmp_path / 'data' / 'bot.db'}"


async def empty_postgres(url: str) -> str:
    """Drop everything in the PostgreSQL database at `url` (tests and benchmarks only)."""
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()
    return url


async def fresh_postgres() -> str:
    """TEST_DATABASE_URL, emptied: for the tests that must also pass on PostgreSQL."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set (CI sets it)")
    return await empty_postgres(url)


@pytest.fixture
def settings(fake: BotApiEmulator, database_url: str) -> Settings:
    # _env_file=None: a developer's own .env must not leak into the tests.
    return load_settings(
        _env_file=None,
        bot_token=TOKEN,
        telegram_base_url=fake.base_url,
        database_url=database_url,
    )


BotRunner = Callable[[], AbstractAsyncContextManager[BotApplication]]


@pytest.fixture
def running_bots() -> list[BotApplication]:
    """The bots a test has running right now."""
    return []


@asynccontextmanager
async def running_bot(
    settings: Settings, clock: FakeClock, timing: Timing = QUICK
) -> AsyncIterator[BotApplication]:
    """The real bot, polling the Bot API emulator."""
    application = build_application(settings, load_content(), clock, timing)
    async with polling(application):
        yield application


@pytest.fixture
def run_bot(settings: Settings, clock: FakeClock, running_bots: list[BotApplication]) -> BotRunner:
    """Start the real bot; a factory, so a test can stop it and start a new one on the
    same database (a restart)."""

    @asynccontextmanager
    async def running() -> AsyncIterator[BotApplication]:
        async with running_bot(settings, clock) as application:
            running_bots.append(application)
            try:
                yield application
            finally:
                running_bots.remove(application)

    return running


@pytest.fixture
async def bot(run_bot: BotRunner) -> AsyncIterator[BotApplication]:
    async with run_bot() as application:
        yield application


class Database:
    """The bot's database as a test sees it: read once the bot has finished its updates.

    A reply reaches the user before the update's transaction commits, so a
    test that looks inside straight after a reply first waits until the bot
    has fetched every update and processed all it fetched.
    """

    def __init__(self, url: str, fake: BotApiEmulator, running: list[BotApplication]) -> None:
        self.engine = create_engine(url)
        self._fake = fake
        self._running = running

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        if self._running:
            await self._fake.wait_until_fetched()
            for application in self._running:
                await asyncio.wait_for(application.update_queue.join(), timeout=5)
        async with self.engine.connect() as connection:
            yield connection


@pytest.fixture
async def db(
    database_url: str, fake: BotApiEmulator, running_bots: list[BotApplication]
) -> AsyncIterator[Database]:
    """A second engine on the bot's database, for tests that look inside it."""
    database = Database(database_url, fake, running_bots)
    yield database
    await database.engine.dispose()


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated SQLite database of its own, for tests of the database layer."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'db' / 'bot.db'}")
    await upgrade(engine)
    yield engine
    await engine.dispose()
