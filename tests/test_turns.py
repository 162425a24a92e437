"""One user's update and timers take turns: a typed reply racing its timer moves the
session on once (it used to send "set 2 of 2" twice)."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import BotApplication
from bot.emulator import BotApiEmulator, EmulatedUser
from bot.user_turns import UserTurns
from tests.conftest import FakeClock
from tests.journeys import HOLD_SECONDS, onboard_by_buttons, start_today


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


@pytest.fixture
async def ada(bot: BotApplication, fake: BotApiEmulator) -> EmulatedUser:
    user = fake.user(user_id=6001, first_name="Ada")
    await onboard_by_buttons(user)
    return user


async def test_typed_replies_racing_their_timers_move_each_step_on_once(
    ada: EmulatedUser, clock: FakeClock, fake: BotApiEmulator
) -> None:
    """Every hold, rest and side switch ends by its timer and by a typed reply at once."""
    await ada.send("/stop")  # no reminders in the way
    await ada.receive()
    _, message = await start_today(ada)
    for _ in range(60):
        text = message.plain_text
        if "How is your back now" in text:
            break
        if "Tap Start" in text:
            await ada.send("start")
        elif "Tap Done" in text:
            await ada.send("done")
        else:
            seconds = HOLD_SECONDS.search(text)
            if seconds is not None:
                clock.advance(seconds=int(seconds[1]))
                await ada.send("done")
            elif "Rest for" in text:
                clock.advance(seconds=30)
                await ada.send("go")
            else:
                assert "Switch to your" in text, text
                clock.advance(seconds=5)
                await ada.send("ready")
            await asyncio.sleep(0.3)  # the due-work loop looks every 0.05 s
        message = await ada.receive()
    else:
        raise AssertionError("the routine never ended")
    steps = [
        m.plain_text.splitlines()[0]
        for m in fake.messages
        if m.chat_id == ada.id and ("/7 · " in m.plain_text or ": set " in m.plain_text)
    ]
    assert "💪 Pelvic Tilts: set 2 of 2, 10 reps." in "\n".join(steps)
    assert len(steps) == len(set(steps)), steps  # no step twice
