"""The bot's own overall send budget: under Telegram's ~30 a second, replies first.

Spacing is counted in fake seconds (tests/conftest.py FakeTime): a wait the budget asks
for moves that time on at once, so nothing here depends on how fast the machine is.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.emulator import BotApiEmulator
from bot.runtime.transport import Lane, SendBudget
from tests.conftest import QUICK, TOKEN, FakeClock, FakeTime, running_bot


def budget_in(pace: FakeTime) -> SendBudget:
    return SendBudget(per_second=40, burst=5, reserve=2, monotonic=pace.monotonic, sleep=pace.sleep)


def at_most_the_rate(stamps: list[float], burst: int, per_second: float) -> None:
    """Any window of T seconds holds at most `burst` + `per_second` T of the stamps."""
    for i, start in enumerate(stamps):
        for end in stamps[i:]:
            taken = len([s for s in stamps if start <= s <= end])
            assert taken <= burst + per_second * (end - start) + 1e-6, (start, end)


async def test_a_burst_then_the_rate_and_never_more_in_any_window() -> None:
    pace = FakeTime()
    budget = budget_in(pace)
    stamps = []
    for _ in range(25):
        await budget.take(Lane.INTERACTIVE)
        stamps.append(pace.now)
    assert stamps[:5] == [0.0] * 5  # 5 at once ...
    for earlier, later in itertools.pairwise(stamps[4:]):
        assert abs(later - earlier - 1 / 40) < 1e-9  # ... then 40 a second
    at_most_the_rate(stamps, burst=5, per_second=40)


async def test_people_never_wait_behind_a_bulk_fan_out() -> None:
    pace = FakeTime()
    budget = budget_in(pace)
    sent = []
    waits = []
    for n in range(1, 401):  # the fan-out runs flat out ...
        await budget.take(Lane.BULK)
        sent.append(pace.now)
        if n % 20 == 0:  # ... and now and then a person is answered
            asked = pace.now
            await budget.take(Lane.INTERACTIVE)
            sent.append(pace.now)
            waits.append(pace.now - asked)
    assert waits == [0.0] * 20  # a reply takes from the reserve at once
    at_most_the_rate(sent, burst=5, per_second=40)


async def test_the_whole_bot_keeps_to_sends_per_second(
    fake: BotApiEmulator, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SENDS_PER_SECOND=10 (a replica's share, say): 25 people at once get their replies
    5 at once, then 10 a second."""
    settings = load_settings(
        _env_file=None, bot_token=TOKEN, telegram_base_url=fake.base_url,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", sends_per_second=10,
    )  # fmt: skip
    pace = FakeTime()
    # When the budget let each send go. (People's updates are handled several at once, so
    # a reply let go early may reach the emulator after the budget's time has moved on for
    # a later one: its arrival would not say when it was let go.)
    granted: list[float] = []
    take = SendBudget.take

    async def timed_take(budget: SendBudget, lane: Lane) -> None:
        await take(budget, lane)
        granted.append(pace.now)

    monkeypatch.setattr(SendBudget, "take", timed_take)
    async with running_bot(settings, clock, pace.spacing(replace(QUICK, send_budget=True))):
        people = [fake.user(user_id=5000 + n, first_name=f"P{n}") for n in range(25)]
        await asyncio.gather(*(person.send("/help") for person in people))
        for person in people:
            await person.receive()
    assert len(granted) == 25
    assert granted[:5] == [0.0] * 5
    assert abs(granted[-1] - (25 - 5) / 10) < 1e-6  # the rest at 10 a second, not at once
    at_most_the_rate(granted, burst=5, per_second=10)
