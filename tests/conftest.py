"""Shared fixtures: a Bot API emulator, a controllable clock, and the real bot running on both."""

from __future__ import annotations

import asyncio
import math
import os
import tempfile
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

import pytest
from apscheduler.events import (  # type: ignore[import-untyped]
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_REMOVED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
)
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
# Bots in processes of their own keep the pictures they draw here, shared: each is drawn
# once (named by its fingerprint), not once for every bot a test starts.
PICTURES_DRAWN = Path(tempfile.gettempdir()) / "back-care-bot-tests"
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


class FakeTime:
    """The real time that spaces Bot API calls (`Timing.monotonic` and `Timing.sleep`),
    faked: a wait moves it on at once, so spacing is counted in fake seconds, not spent."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        # Always on, however little: a wait too short to change `now` would be asked again.
        self.now = max(self.now + seconds, math.nextafter(self.now, math.inf))

    def spacing(self, timing: Timing) -> Timing:
        """`timing`, with the bot's Bot API calls spaced in this time."""
        return replace(timing, monotonic=self.monotonic, sleep=self.sleep)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 24, 7, 0, tzinfo=UTC))


@pytest.fixture
async def fake(
    clock: FakeClock, running_bots: list[BotApplication]
) -> AsyncIterator[BotApiEmulator]:
    async with new_emulator(clock=clock.now) as api:
        settle_on(api, running_bots)
        yield api


async def until(check: Callable[[], Awaitable[bool]], failure: str) -> None:
    """Wait (up to 30 s) until `check()` holds: for a bot in another process, whose work
    shows only in the database (an in-process bot has `Database.idle`)."""
    for _ in range(1500):
        if await check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{failure} (waited 30 s)")


def settle_on(fake: BotApiEmulator, applications: list[BotApplication]) -> None:
    """Make `no_message` wait until these running bots are idle, not for a span of time."""

    async def settle() -> bool:
        if not applications:
            return False
        await wait_until_idle(fake, applications)
        return True

    fake.settle = settle


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
def settings(fake: BotApiEmulator, database_url: str, tmp_path: Path) -> Settings:
    # _env_file=None: a developer's own .env must not leak into the tests.
    return load_settings(
        _env_file=None,
        bot_token=TOKEN,
        telegram_base_url=fake.base_url,
        database_url=database_url,
        data_dir=tmp_path / "data",
    )


class BotRunner(Protocol):
    """Starts the real bot (QUICK unless a test needs other timing)."""

    def __call__(self, timing: Timing = ...) -> AbstractAsyncContextManager[BotApplication]: ...


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
    async def running(timing: Timing = QUICK) -> AsyncIterator[BotApplication]:
        async with running_bot(settings, clock, timing) as application:
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


async def updates_handled(fake: BotApiEmulator, applications: Sequence[BotApplication]) -> None:
    """Wait until the bots have fetched every update sent so far and handled all they
    fetched (a reply reaches the user before its update's transaction commits)."""
    if applications:
        await fake.wait_until_fetched()
    for application in applications:
        await asyncio.wait_for(application.update_queue.join(), timeout=5)


async def wait_until_idle(fake: BotApiEmulator, applications: Sequence[BotApplication]) -> None:
    """Wait until the bots have done all that was due by now: every update sent so far is
    handled, then each background job (the due-work loop, the reminders, any hold's
    countdown) has run through once since, and none is running.

    Each job's runs follow one another (APScheduler runs one instance of a job at a
    time), so a run submitted after this call began, once finished, has seen every
    update's commit and every timer, reminder and edit due at the clock's time now,
    and has sent, recorded or deliberately left each of them. A test asserts that
    nothing was sent, or reads what the jobs recorded, after this, not after a sleep.
    """
    await updates_handled(fake, applications)
    await asyncio.wait_for(
        asyncio.gather(*(_jobs_ran_through(application) for application in applications)),
        timeout=5,
    )


async def _jobs_ran_through(application: BotApplication) -> None:
    """Until each job scheduled now has finished a run submitted from now on (or has
    been removed), and no such run is still going."""
    assert application.job_queue is not None
    scheduler = application.job_queue.scheduler

    def scheduled() -> set[str]:
        return {job.id for job in scheduler.get_jobs()}

    jobs = scheduled()
    submitted: Counter[str] = Counter()
    finished: Counter[str] = Counter()  # of the runs submitted from now on
    changed = asyncio.Event()

    def on_event(event: JobEvent) -> None:
        if event.code == EVENT_JOB_SUBMITTED:
            submitted[event.job_id] += 1
        elif event.code != EVENT_JOB_REMOVED and finished[event.job_id] < submitted[event.job_id]:
            finished[event.job_id] += 1  # else the end of a run that began before this call
        changed.set()

    def ran_through() -> bool:
        return submitted == finished and all(finished[job] for job in jobs & scheduled())

    events = EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_REMOVED
    scheduler.add_listener(on_event, events)
    try:
        while not ran_through():
            changed.clear()
            await changed.wait()
    finally:
        scheduler.remove_listener(on_event)


class Database:
    """The bot's database as a test sees it: read once the bot has handled its updates
    (`connect`), or once it has also done all that was due by now (`idle` first)."""

    def __init__(self, url: str, fake: BotApiEmulator, running: list[BotApplication]) -> None:
        self.engine = create_engine(url)
        self._fake = fake
        self._running = running

    async def idle(self) -> None:
        """Wait until the running bots have done all that was due by now (`wait_until_idle`)."""
        await wait_until_idle(self._fake, self._running)

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        await updates_handled(self._fake, self._running)
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
