"""The bot's own overall send budget: under Telegram's ~30 a second, replies first."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from pathlib import Path

from bot.config import load_settings
from bot.emulator import BotApiEmulator, SentMessage
from bot.runtime.transport import Lane, SendBudget
from tests.conftest import QUICK, TOKEN, FakeClock, running_bot


async def test_a_burst_then_the_rate_and_never_more_in_any_window() -> None:
    budget = SendBudget(per_second=40, burst=5, reserve=2)
    started = time.monotonic()
    stamps = []
    for _ in range(25):
        await budget.take(Lane.INTERACTIVE)
        stamps.append(time.monotonic() - started)
    assert 0.45 <= stamps[-1] <= 0.9  # 5 at once, then 20 at 40 a second
    for i, start in enumerate(stamps):  # any window of T seconds: at most 5 + 40 T
        for end in stamps[i:]:
            taken = len([s for s in stamps if start <= s <= end])
            assert taken <= 5 + 40 * (end - start) + 1


async def test_people_never_wait_behind_a_bulk_fan_out() -> None:
    budget = SendBudget(per_second=40, burst=5, reserve=2)

    async def fan_out() -> int:
        sent = 0
        while True:
            await budget.take(Lane.BULK)
            sent += 1
            if sent == 1000:
                return sent

    bulk = asyncio.create_task(fan_out())
    await asyncio.sleep(0.3)  # the fan-out is running flat out
    waits = []
    for _ in range(5):
        asked = time.monotonic()
        await budget.take(Lane.INTERACTIVE)
        waits.append(time.monotonic() - asked)
        await asyncio.sleep(0.1)
    bulk.cancel()
    assert max(waits) < 0.01  # a reply takes from the reserve at once


async def test_the_whole_bot_keeps_to_sends_per_second(
    fake: BotApiEmulator, clock: FakeClock, tmp_path: Path
) -> None:
    """SENDS_PER_SECOND=10 (a replica's share, say): 25 people at once get their replies
    5 at once, then 10 a second."""
    settings = load_settings(
        _env_file=None, bot_token=TOKEN, telegram_base_url=fake.base_url,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", sends_per_second=10,
    )  # fmt: skip
    arrived: list[float] = []

    def on_message(kind: str, message: SentMessage) -> None:
        if kind == "new":
            arrived.append(time.monotonic())

    fake.listen(on_message)
    async with running_bot(settings, clock, replace(QUICK, send_budget=True)):
        people = [fake.user(user_id=5000 + n, first_name=f"P{n}") for n in range(25)]
        await asyncio.gather(*(person.send("/help") for person in people))
        await fake.wait_until(lambda: len(arrived) >= 25 or None, 10, "replies missing")
    span = arrived[-1] - arrived[0]
    assert 1.8 <= span <= 3.5  # (25 - 5) / 10 s, not at once
