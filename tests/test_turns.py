"""UserTurns: one user's update and timers take turns (the race itself is in
tests/test_session.py: typed replies racing their timers)."""

from __future__ import annotations

import asyncio

from bot.runtime.user_turns import UserTurns


async def test_a_turn_is_held_until_released_and_others_are_free() -> None:
    turns = UserTurns()
    order: list[str] = []

    async def update() -> None:
        async with turns.turn(1):
            order.append("update starts")
            await asyncio.sleep(0.05)
            order.append("update ends")

    async def timer() -> None:
        await asyncio.sleep(0.01)
        assert turns.busy(1)
        assert not turns.busy(2)
        async with turns.turn(1):
            order.append("timer")

    await asyncio.gather(update(), timer())
    assert order == ["update starts", "update ends", "timer"]
    assert not turns.busy(1)
