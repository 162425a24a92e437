"""Updates per second: the whole bot against a bare python-telegram-bot echo bot.

Both run in this process, one after the other, against the same Bot API emulator
in a child process (its per-chat rate limit off: this measures the bots, not
Telegram's limits, and not the fake's own work).
50 people each send 20 messages at once; the clock stops when every reply is in.
The whole bot gets a realistic mix from onboarded users (/help, a stretch asked
for by name, /settings) on SQLite, with its INFO logs written (to /dev/null);
the echo bot replies with the same text.

    .venv/bin/python -m bench.throughput [--db postgresql]

PostgreSQL is BENCH_DATABASE_URL, else the local test database (emptied!).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

from sqlalchemy import event
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.app import build_application, polling
from bot.config import load_settings
from bot.content import load_content
from bot.domain.flood import FloodLimit
from bot.emulator import BotApiEmulator, EmulatedUser
from bot.runtime.clock import SystemClock
from bot.runtime.context import services_of
from bot.runtime.logging_setup import configure_logging
from bot.runtime.monitoring import Metrics
from bot.runtime.services import Timing
from tests.conftest import empty_postgres
from tests.journeys import onboard_by_buttons

TOKEN = "123456:BENCH-token-abcdefghijklmnopqrs"
MIX = ["/help", "bridge", "/settings"]
POSTGRES = os.environ.get("BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


async def flood_of_messages(fake: BotApiEmulator, people: list[EmulatedUser], each: int) -> float:
    """Updates per second: everyone sends `each` messages at once; until every reply."""
    expected = len(fake.messages) + len(people) * each
    started = time.perf_counter()
    for n in range(each):
        for person in people:
            await person.send(MIX[n % len(MIX)])
    await fake.wait_until(
        lambda: len(fake.messages) >= expected or None, 600, "not every message was answered"
    )
    return len(people) * each / (time.perf_counter() - started)


def fake_side(connection: Connection, people: int, each: int) -> None:
    """The child process: the Bot API emulator and the people using it."""

    async def serve() -> None:
        async with BotApiEmulator(token=TOKEN, per_chat_limit=False) as fake:
            connection.send(fake.base_url)
            for first_id, onboard in ((10_000, True), (20_000, False)):
                await asyncio.to_thread(connection.recv)  # the bot is polling
                users = [fake.user(user_id=first_id + n, first_name=f"User {n}")
                         for n in range(people)]  # fmt: skip
                for user in users if onboard else []:
                    await onboard_by_buttons(user)
                connection.send("flood")
                connection.send(await flood_of_messages(fake, users, each))

    asyncio.run(serve())


async def whole_bot(
    base_url: str, database_url: str, connection: Connection
) -> tuple[float, float]:
    """Updates per second, and database round trips per update during the flood."""
    settings = load_settings(
        _env_file=None, bot_token=TOKEN, telegram_base_url=base_url, database_url=database_url
    )
    # Like the echo bot: no flood limit and no overall send budget (the fake has no limits).
    timing = Timing(flood=FloodLimit(burst=1_000_000, per_second=1), send_budget=False)
    application = build_application(settings, load_content(), SystemClock(), timing)
    services = services_of(application)
    round_trips: list[str] = []
    for name in ("before_cursor_execute", "commit", "rollback"):
        event.listen(services.engine.sync_engine, name, lambda *_, n=name: round_trips.append(n))
    async with polling(application):
        connection.send("polling")
        await asyncio.to_thread(connection.recv)  # the flood begins (onboarding is done)
        round_trips.clear()
        updates_before = handled(services.metrics)
        rate: float = await asyncio.to_thread(connection.recv)
        per_update = len(round_trips) / (handled(services.metrics) - updates_before)
    return rate, per_update


def handled(metrics: Metrics) -> float:
    """Updates the bot has handled so far, of every kind."""
    return sum(
        sample.value
        for metric in metrics.updates.collect()
        for sample in metric.samples
        if sample.name == "backcare_updates_total"
    )


async def echo(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    assert update.message.text is not None
    await update.message.reply_text(update.message.text)


async def echo_bot(base_url: str, connection: Connection) -> float:
    application = Application.builder().token(TOKEN).base_url(base_url).build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    async with polling(application):
        connection.send("polling")
        await asyncio.to_thread(connection.recv)  # the flood begins
        rate: float = await asyncio.to_thread(connection.recv)
    return rate


async def compare(people: int, each: int, database: str) -> None:
    """The bots here, the Bot API emulator and its users in a child process: the fake's own
    work (parsing the bots' HTML, say) is not counted against either bot."""
    context = multiprocessing.get_context("spawn")
    connection, child_end = context.Pipe()
    child = context.Process(target=fake_side, args=(child_end, people, each))
    child.start()
    try:
        base_url: str = await asyncio.to_thread(connection.recv)
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
            if database == "postgresql":
                url = await empty_postgres(POSTGRES)
            bot_rate, round_trips = await whole_bot(base_url, url, connection)
        echo_rate = await echo_bot(base_url, connection)
    finally:
        child.join(timeout=30)
    print("| bot | updates | updates/s |")
    print("|---|---:|---:|")
    print(f"| whole Back Care Bot ({database}) | {people * each} | {bot_rate:.0f} |")
    print(f"| bare PTB echo bot | {people * each} | {echo_rate:.0f} |")
    print(f"\nratio whole bot / echo bot: {bot_rate / echo_rate:.2f}")
    print(f"database statements and commits per update (jobs included): {round_trips:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--each", type=int, default=20)
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    with open(os.devnull, "w") as null:
        configure_logging("INFO", [TOKEN], stream=null)
        asyncio.run(compare(args.people, args.each, args.db))


if __name__ == "__main__":
    main()
