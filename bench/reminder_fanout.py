"""Reminder fan-out against the Bot API emulator with Telegram's 30 messages/s limit.

Seeds N subscribers whose reminder is due in the same minute, runs the real
bot (dispatcher included) against the Bot API emulator, and meanwhile has one
person use the bot, to see whether interactive replies wait behind the fan-out.

    .venv/bin/python -m bench.reminder_fanout --users 3000

Prints: delivered, duplicates, 429s, time to deliver (from the bot being up,
polling with its scheduler started, to the arrival of the last reminder) against
the N/30 s floor and against the floor that also counts the interactive replies
(they share Telegram's limit), and the p50/p95 latency of those replies.
`--quiet`: nobody uses the bot meanwhile (the plain N/30 s floor applies).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from datetime import time as time_of_day
from pathlib import Path

from sqlalchemy import update

from bot.app import build_application, polling
from bot.config import load_settings
from bot.content import load_content
from bot.db.engine import create_engine, create_session_factory
from bot.db.migrations import upgrade
from bot.db.models import Preferences
from bot.db.repo import Repo
from bot.db.users import UserProfile
from bot.domain.flood import FloodLimit
from bot.emulator import BotApiEmulator, SentMessage
from bot.runtime.logging_setup import configure_logging
from bot.runtime.services import Timing

TOKEN = "123456:BENCH-token-abcdefghijklmnopqrs"
NOW = datetime(2026, 11, 25, 6, 30, tzinfo=UTC)
TELEGRAM_LIMIT = 30.0  # messages a second, all chats together


class FixedClock:
    def now(self) -> datetime:
        return NOW


async def seed(url: str, users: int) -> None:
    engine = create_engine(url)
    await upgrade(engine)
    async with create_session_factory(engine)() as db:
        repo = Repo(db)
        for user_id in range(1, users + 1):
            await repo.users.get_or_create(UserProfile(user_id, f"User {user_id}"), NOW)
        await db.execute(
            update(Preferences).values(
                reminder_time=time_of_day(7, 30), timezone="Europe/Berlin",
                reminders_enabled=True, onboarding_step=None, next_reminder_at=NOW,
            )
        )  # fmt: skip
        await db.commit()
    await engine.dispose()


async def run(users: int, quiet: bool) -> None:
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    await seed(url, users)
    async with BotApiEmulator(TOKEN, global_per_second=TELEGRAM_LIMIT) as fake:
        for user_id in range(1, users + 1):
            fake.user(user_id=user_id, first_name=f"User {user_id}")
        person = fake.user(user_id=10**9, first_name="Interactive")
        settings = load_settings(
            _env_file=None, bot_token=TOKEN, telegram_base_url=fake.base_url, database_url=url
        )
        # The clock stands still here, so the per-user flood limit would never refill.
        timing = Timing(0.5, 5.0, flood=FloodLimit(burst=1_000_000, per_second=1))
        app = build_application(settings, load_content(), FixedClock(), timing)
        last_reminder = [0.0]  # when the newest reminder arrived

        def on_message(kind: str, message: SentMessage) -> None:
            if kind == "new" and message.chat_id != person.id:
                last_reminder[0] = time.monotonic()

        fake.listen(on_message)
        latencies: list[float] = []

        def delivered() -> int:
            return sum(1 for m in fake.messages if m.chat_id != person.id)

        async with polling(app):  # its start starts the scheduler: the fan-out begins
            started = time.monotonic()
            while delivered() < users and time.monotonic() - started < users / 10 + 60:
                if not quiet:
                    sent_at = time.monotonic()
                    await person.send("/help")
                    await person.receive(timeout=30)
                    latencies.append(time.monotonic() - sent_at)
                await asyncio.sleep(0.5)
            elapsed = last_reminder[0] - started
        per_chat = Counter(m.chat_id for m in fake.messages if m.chat_id != person.id)
        latencies.sort()
        p50 = statistics.median(latencies) * 1000 if latencies else float("nan")
        p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)] * 1000 if latencies else p50
        floor = users / TELEGRAM_LIMIT
        everything = (users + len(latencies)) / TELEGRAM_LIMIT  # they share the limit
        rows = [
            ("subscribers due at once", f"{users}"),
            ("delivered", f"{len(per_chat)}"),
            ("duplicates", f"{sum(n - 1 for n in per_chat.values())}"),
            ("429s received", f"{len(fake.flood_refusals)}"),
            ("time to deliver", f"{elapsed:.1f} s"),
            ("floor at 30/s", f"{floor:.1f} s"),
            ("over the floor", f"{(elapsed / floor - 1) * 100:.1f} %"),
            ("floor counting the interactive replies too", f"{everything:.1f} s"),
            ("over that floor", f"{(elapsed / everything - 1) * 100:.1f} %"),
            ("interactive replies during it", f"{len(latencies)}"),
            ("interactive latency p50", f"{p50:.0f} ms"),
            ("interactive latency p95", f"{p95:.0f} ms"),
        ]
        print("| reminder fan-out | |")
        print("|---|---:|")
        for name, value in rows:
            print(f"| {name} | {value} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=3000)
    parser.add_argument("--quiet", action="store_true", help="nobody uses the bot meanwhile")
    args = parser.parse_args()
    configure_logging("WARNING")
    asyncio.run(run(args.users, args.quiet))


if __name__ == "__main__":
    main()
