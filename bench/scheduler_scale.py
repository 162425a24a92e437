"""The scheduler and start-up with many subscribers in the database.

Seeds N subscribers (none due now: their reminders spread over the next day),
then measures:
- one scheduler tick with nothing due: the queries both background jobs run
  every second (due reminders, stale claims, weekly summaries, session timers);
- `python -m bot` against the Bot API emulator: time from launch until it has
  published its command menu (migrations checked, jobs started), and its
  resident memory 5 s later.

    .venv/bin/python -m bench.scheduler_scale --users 100000 1000000 --db sqlite postgresql

PostgreSQL is BENCH_DATABASE_URL, else the local test database (emptied!).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path

from sqlalchemy import insert

from bot.db.engine import create_engine, create_session_factory
from bot.db.migrations import upgrade
from bot.db.models import Preferences, User
from bot.db.repo import Repo
from bot.emulator import BotApiEmulator
from tests.conftest import empty_postgres

TOKEN = "123456:BENCH-token-abcdefghijklmnopqrs"
POSTGRES = os.environ.get("BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
CHUNK = 20_000
TICKS = 200


async def seed(url: str, users: int) -> float:
    """N subscribers in bulk; the seconds it took."""
    started = time.perf_counter()
    if url.startswith("postgresql"):
        await empty_postgres(url)
    engine = create_engine(url)
    await upgrade(engine)
    now = datetime.now(UTC)
    for first in range(1, users + 1, CHUNK):
        ids = range(first, min(first + CHUNK, users + 1))
        async with engine.begin() as connection:
            await connection.execute(
                insert(User),
                [{"id": i, "first_name": f"User {i}", "created_at": now, "last_seen_at": now}
                 for i in ids],
            )  # fmt: skip
            await connection.execute(
                insert(Preferences),
                [
                    {
                        "user_id": i, "reminder_time": time_of_day(7, 30),
                        "timezone": "Europe/Berlin", "reminders_enabled": True,
                        "onboarding_step": None,
                        "next_reminder_at": now + timedelta(seconds=60 + i * 86_000 / users),
                        "next_summary_at": now + timedelta(hours=1, seconds=i * 600_000 / users),
                    }
                    for i in ids
                ],
            )  # fmt: skip
    await engine.dispose()
    return time.perf_counter() - started


async def tick_times(url: str) -> list[float]:
    """Milliseconds per tick with nothing due, as the two jobs run it."""
    engine = create_engine(url)
    factory = create_session_factory(engine)
    grace, lease = timedelta(hours=2), timedelta(minutes=2)
    times = []
    for _ in range(TICKS):
        now = datetime.now(UTC)
        started = time.perf_counter()
        async with factory() as db:
            repo = Repo(db)
            assert not (await repo.reminders.claim_due(now, grace, 100)).taken
            assert not await repo.reminders.reclaim_stale(now, lease, grace, 100)
            assert not await repo.reminders.claim_summaries(now, grace, 100)
            await db.commit()
        async with factory() as db:
            assert not await Repo(db).sessions.due_timers(now, limit=1)
        times.append((time.perf_counter() - started) * 1000)
    await engine.dispose()
    return times


def resident_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def start_up(url: str, folder: Path) -> tuple[float, int]:
    """Seconds from launch to a published command menu, and resident memory (kB) 5 s on."""
    async with BotApiEmulator(token=TOKEN) as fake:
        env = {
            "PATH": os.environ["PATH"], "BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": fake.base_url, "DATABASE_URL": url, "LOG_LEVEL": "WARNING",
        }  # fmt: skip
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=folder, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        await fake.wait_for_call("setMyCommands", timeout=120)
        ready = time.perf_counter() - started
        await asyncio.sleep(5)
        memory = resident_kb(process.pid)
        process.terminate()
        await process.wait()
    return ready, memory


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[100_000])
    parser.add_argument("--db", nargs="+", default=["sqlite"], choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for database in args.db:
            for users in args.users:
                url = (
                    POSTGRES if database == "postgresql"
                    else f"sqlite+aiosqlite:///{Path(folder) / f'{users}.db'}"
                )  # fmt: skip
                seeded = await seed(url, users)
                ticks = await tick_times(url)
                ready, memory = await start_up(url, Path(folder))
                p95 = statistics.quantiles(ticks, n=20)[18]
                rows.append((database, users, seeded, statistics.median(ticks), p95, ready,
                             memory / 1024))  # fmt: skip
                print(f"... {database} {users:,} done", file=sys.stderr, flush=True)
    print(
        "| database | subscribers | seeding s | idle tick median ms | p95 ms "
        "| start-up s | bot RSS MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for database, users, seeded, median, p95, ready, megabytes in rows:
        print(f"| {database} | {users:,} | {seeded:.0f} | {median:.2f} | {p95:.2f} "
              f"| {ready:.2f} | {megabytes:.0f} |")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
