"""The morning peak: N people in a guided session at once, within Telegram's limits.

    .venv/bin/python -m bench.peak_sessions --people 50 100 200 400 [--db sqlite|postgresql]

For each N, N people who have set up start /today, spread over 20 s (about the
rate a reminder fan-out delivers them), and act about a second after each
message: rate their pain, tap Start, type "done" after a set of reps, and wait
out holds, switches and rests, until each has seen at least one hold end by
itself and done one set of reps. The bot runs as it does in production
(`python -m bot run`, its own process, real time) against the Bot API emulator,
which applies Telegram's 30 messages a second overall and its per-chat limit.

Prints one row per N:
- hold end: when the "hold done" edit reached the person, minus the hold's due
  time (read from session_timers when the hold began): p50, p95, max;
- reply: from a person's action to the first message or edit in their chat;
- 429s from the emulator; messages sent; edits (the cosmetic ones among them:
  countdown ticks and buttons taken off a past step's message);
- countdown edits skipped, and the timers' lag (fired minus due), from the
  bot's /metrics;
- exercise pictures shown, and not (skipped for want of send budget, failed,
  or slower than the bot waits),
  from /metrics (set DATA_DIR to keep the drawn files between runs);
- the essential sends (all but the cosmetic edits) per second: the average, and
  the busiest 5 s;
- holds ended and replies seen, against what the people did.

PostgreSQL: BENCH_DATABASE_URL (default postgresql+asyncpg://postgres@127.0.0.1:5432/bench,
created if missing, emptied before each N).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import sys
import tempfile
import time
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.db.engine import create_engine, create_session_factory
from bot.db.migrations import upgrade
from bot.db.models import Preferences, SessionTimer
from bot.db.repo import Repo
from bot.db.users import UserProfile
from bot.domain.session import Timer
from bot.emulator import BotApiEmulator, EmulatedUser, SentMessage

TOKEN = "123456:BENCH-token-abcdefghijklmnopqrs"
TELEGRAM_LIMIT = 30.0
SPREAD = 20.0  # seconds over which people start /today
THINK = 1.0  # seconds a person takes to act on a message
PATIENCE = 120.0  # seconds a person waits for the bot before giving up
PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/bench"
COUNTDOWN = re.compile(r"\d+ s left")


@dataclass
class Tally:
    """What the people saw, for one N."""

    hold_late: list[float] = field(default_factory=list)
    reply_wait: list[float] = field(default_factory=list)
    actions: int = 0
    holds: int = 0  # holds that began
    stuck: int = 0  # people who waited PATIENCE seconds for the bot in vain
    sends: deque[tuple[float, bool]] = field(default_factory=deque)  # (when, essential)


class Person:
    """One person: a chat whose messages and edits arrive in an inbox, in order."""

    def __init__(self, api: BotApiEmulator, user: EmulatedUser, tally: Tally) -> None:
        self.api = api
        self.user = user
        self.tally = tally
        self.inbox: asyncio.Queue[tuple[float, str, SentMessage]] = asyncio.Queue()
        self.acted_at: float | None = None

    def seen(self, kind: str, message: SentMessage) -> None:
        now = time.monotonic()
        if self.acted_at is not None:  # the first thing the bot shows after an action
            self.tally.reply_wait.append(now - self.acted_at)
            self.acted_at = None
        self.inbox.put_nowait((now, kind, message))

    async def next(self) -> tuple[float, str, SentMessage]:
        return await asyncio.wait_for(self.inbox.get(), PATIENCE)

    async def act(self, do: Any) -> None:
        await asyncio.sleep(THINK)
        self.tally.actions += 1
        self.acted_at = time.monotonic()
        await do

    async def tap(self, message: SentMessage, button: str) -> None:
        current = self.api.message(message.chat_id, message.message_id) or message
        await self.api.push_update(
            "callback_query",
            {
                "id": self.api.new_query_id(), "from": self.user.profile,
                "message": self.api.message_object(current),
                "chat_instance": f"instance-{message.chat_id}",
                "data": message.callback_data(button),
            },
        )  # fmt: skip


async def hold_due(db: AsyncEngine, user_id: int) -> datetime | None:
    async with db.connect() as connection:
        due = await connection.scalar(
            select(SessionTimer.due_at).where(
                SessionTimer.user_id == user_id, SessionTimer.kind == Timer.HOLD_END.value
            )
        )
    if isinstance(due, str):  # SQLite hands back text through a bare select
        due = datetime.fromisoformat(due)
    return due if due is None or due.tzinfo else due.replace(tzinfo=UTC)


async def session(person: Person, db: AsyncEngine, start_after: float) -> None:
    """/today, then every step until one hold has ended by itself and one set of reps
    is done."""
    await asyncio.sleep(start_after)
    await person.act(person.user.send("/today"))
    held = reps = False
    hold_message: int | None = None
    due: datetime | None = None
    try:
        while not (held and reps):
            _, kind, message = await person.next()
            words = message.plain_text
            if kind == "edit":
                if message.message_id == hold_message and not COUNTDOWN.search(words):
                    if due is not None:
                        late = datetime.now(UTC) - due
                        person.tally.hold_late.append(late.total_seconds())
                    held, hold_message = True, None
                continue
            if "how is your" in words.lower() and "2" in message.buttons:
                await person.act(person.tap(message, "2"))
            elif "▶️ Start" in message.buttons:
                await person.act(person.tap(message, "▶️ Start"))
            elif COUNTDOWN.search(words):
                person.tally.holds += 1
                hold_message, due = message.message_id, await hold_due(db, person.user.id)
            elif "✅ Done" in message.buttons and "Tap Done" in words:
                await person.act(person.user.send("done"))
                reps = True
    except TimeoutError:
        person.tally.stuck += 1


def _percentiles(values: list[float]) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return f"{statistics.median(ordered):.2f} / {p95:.2f} / {ordered[-1]:.2f}"


def _busiest(sends: deque[tuple[float, bool]], window: float = 5.0) -> float:
    essential = [when for when, counted in sends if counted]
    best, start = 0, 0
    for end, when in enumerate(essential):
        while essential[start] < when - window:
            start += 1
        best = max(best, end - start + 1)
    return best / window


def _metric(page: str, name: str) -> float | None:
    total = None
    for line in page.splitlines():
        if line.startswith(name) and not line.startswith("#"):
            total = (total or 0.0) + float(line.rsplit(" ", 1)[1])
    return total


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def prepare(url: str, people: int) -> None:
    """An empty, migrated database with `people` set up (no reminders due)."""
    if url.startswith("postgresql"):
        target = make_url(url)
        admin = create_async_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
        async with admin.connect() as connection:
            exists = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            )
            if not exists:
                await connection.execute(text(f'CREATE DATABASE "{target.database}"'))
        await admin.dispose()
        wipe = create_async_engine(url)
        async with wipe.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await wipe.dispose()
    engine = create_engine(url)
    await upgrade(engine)
    now = datetime.now(UTC)
    async with create_session_factory(engine)() as db:
        repo = Repo(db)
        for user_id in range(1, people + 1):
            await repo.users.get_or_create(UserProfile(user_id, f"Person {user_id}"), now)
        await db.execute(
            update(Preferences).values(onboarding_step=None, timezone="UTC", weekly_summary=False)
        )
        await db.commit()
    await engine.dispose()


async def run_once(people: int, url: str) -> dict[str, str]:
    await prepare(url, people)
    tally = Tally()
    rng = random.Random(people)
    async with BotApiEmulator(TOKEN, global_per_second=TELEGRAM_LIMIT) as fake:
        persons = {
            n: Person(fake, fake.user(user_id=n, first_name=f"Person {n}"), tally)
            for n in range(1, people + 1)
        }

        def on_send(kind: str, message: SentMessage) -> None:
            if kind not in ("new", "edit"):
                return
            # Countdown edits, and the buttons taken off a step's message: both may be skipped.
            cosmetic = kind == "edit" and (
                message.method == "editMessageReplyMarkup"
                or bool(COUNTDOWN.search(message.plain_text))
            )
            tally.sends.append((time.monotonic(), not cosmetic))
            person = persons.get(message.chat_id)
            if person is not None:
                person.seen(kind, message)

        fake.listen(on_send)
        port = _free_port()
        env = {
            **os.environ, "BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": fake.base_url,
            "DATABASE_URL": url, "LOG_LEVEL": "WARNING", "METRICS_PORT": str(port),
        }  # fmt: skip
        folder = tempfile.mkdtemp()
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=folder,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        reader = create_async_engine(url)
        try:
            await fake.wait_for_call("getUpdates", timeout=60)
            began = time.monotonic()
            await asyncio.gather(
                *(session(p, reader, rng.uniform(0, SPREAD)) for p in persons.values())
            )
            spent = time.monotonic() - began
            page = await asyncio.to_thread(
                lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics").read().decode()
            )
        finally:
            bot.terminate()
            await bot.wait()
            await reader.dispose()
        edits = len(fake.edits)
        cosmetic_edits = sum(1 for _, essential in tally.sends if not essential)
        essential = sum(1 for _, counted in tally.sends if counted)
        skipped = _metric(page, "backcare_countdown_edits_skipped_total")
        lag_sum = _metric(page, "backcare_timer_lag_seconds_sum")
        lag_count = _metric(page, "backcare_timer_lag_seconds_count")
        pictures = {
            outcome: _metric(page, f'backcare_pictures_total{{outcome="{outcome}"}}') or 0
            for outcome in ("uploaded", "by_id", "skipped", "failed", "slow")
        }
        shown = pictures["uploaded"] + pictures["by_id"]
        missed = pictures["skipped"] + pictures["failed"] + pictures["slow"]
        return {
            "people": str(people),
            "hold end late, s (p50 / p95 / max)": _percentiles(tally.hold_late),
            "reply wait, s (p50 / p95 / max)": _percentiles(tally.reply_wait),
            "429s": str(len(fake.flood_refusals)),
            "messages": str(len(fake.messages)),
            "edits (cosmetic)": f"{edits} ({cosmetic_edits})",
            "countdown edits skipped": "-" if skipped is None else f"{skipped:.0f}",
            "timer lag, mean s": "-" if not lag_count else f"{(lag_sum or 0) / lag_count:.2f}",
            "essential sends/s (mean / busiest 5 s)": (
                f"{essential / spent:.1f} / {_busiest(tally.sends):.1f}"
            ),
            "pictures shown / not": f"{shown:.0f} / {missed:.0f}",
            "holds ended / begun": f"{len(tally.hold_late)} / {tally.holds}",
            "replies / actions": f"{len(tally.reply_wait)} / {tally.actions}",
            "people stuck": str(tally.stuck),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[50, 100, 200, 400])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    rows = []
    for people in args.people:
        if args.db == "postgresql":
            url = os.environ.get("BENCH_DATABASE_URL", PG_URL)
        else:
            url = f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
        rows.append(asyncio.run(run_once(people, url)))
    columns = list(rows[0])
    print(f"database: {args.db}; {os.cpu_count()} cores")
    for name in columns:
        print(f"| {name} | " + " | ".join(row[name] for row in rows) + " |")
        if name == "people":
            print("|---|" + "---:|" * len(rows))


if __name__ == "__main__":
    main()
