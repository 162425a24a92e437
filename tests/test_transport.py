"""The bot's own overall send budget: under Telegram's ~30 a second, replies first."""

from __future__ import annotations

import asyncio
import time

from bot.transport import Lane, SendBudget


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
