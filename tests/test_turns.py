"""UserTurns: one user's update and timers take turns (the race itself is in
tests/test_session.py: typed replies racing their timers)."""

from __future__ import annotations

import asyncio

from bot.runtime.user_turns import UserTurns


async def test_a_turn_is_held_until_released_and_others_are_free() -> None:
    turns = UserTurns()
    order: list[str] = []
    timer_asks = asyncio.Event()

    async def timer() -> None:
        timer_asks.set()
        assert turns.busy(1)
        assert not turns.busy(2)
        async with turns.turn(1):  # asked at once: it waits for the update's turn to end
            order.append("timer")

    async with turns.turn(1):  # an update is being handled
        order.append("update starts")
        waiting = asyncio.create_task(timer())
        await timer_asks.wait()  # the timer has asked for the turn by now
        order.append("update ends")
    await waiting
    assert order == ["update starts", "update ends", "timer"]
    assert not turns.busy(1)
