"""Everyday chat end to end: help, hello, thanks, "what should I do today?", pause, cancel,
stop; and the buttons that come with "I didn't catch that"."""

from __future__ import annotations

import pytest

from bot.emulator import BotApiEmulator, EmulatedUser
from bot.runtime.context import BotApplication
from tests.conftest import FakeClock
from tests.journeys import set_up_earlier

CHECK_IN = "🌅 Let's do today's routine."
HELP = "coaches a short daily routine for your back"


@pytest.fixture
async def ada(bot: BotApplication, fake: BotApiEmulator, clock: FakeClock) -> EmulatedUser:
    user = fake.user(user_id=9201, first_name="Ada")
    await set_up_earlier(user, clock)
    return user


async def test_before_start_help_is_help_and_the_rest_points_to_start(
    bot: BotApplication, fake: BotApiEmulator
) -> None:
    new = fake.user(user_id=9202, first_name="New")
    await new.send("help")
    assert HELP in (await new.receive()).plain_text
    await new.send("hi")
    assert (await new.receive()).plain_text.startswith("Send /start first")


@pytest.mark.parametrize(
    ("said", "reply"),
    [
        ("hiii", "👋 Hi Ada! Send /today for today's routine"),
        ("Good morning!", "👋 Hi Ada!"),
        ("thanks!", "You're welcome! 🙂"),
        ("pause", "To take a break from reminders, send /pause 7"),
        ("I'm on holiday next week", "To take a break from reminders"),
        ("cancel", "Nothing to cancel right now."),
        ("I want to stop", "Do you mean the daily reminders? Send /stop"),
        ("hlep", HELP),
    ],
)
async def test_everyday_chat_gets_the_obvious_answer(
    ada: EmulatedUser, said: str, reply: str
) -> None:
    await ada.send(said)
    answer = await ada.receive()
    assert reply in answer.plain_text
    assert answer.buttons == []


@pytest.mark.parametrize("said", ["what should I do today?", "lets go", "next"])
async def test_asking_for_today_starts_the_routine(ada: EmulatedUser, said: str) -> None:
    await ada.send(said)
    check_in = await ada.receive()
    assert check_in.plain_text.startswith(CHECK_IN)
    assert "0" in check_in.buttons


async def test_stop_when_reminders_are_already_off_says_so(ada: EmulatedUser) -> None:
    await ada.send("/stop")
    await ada.receive()
    await ada.send("stop")
    assert (await ada.receive()).plain_text.startswith("Your reminders are already off.")


async def test_not_understood_offers_the_likeliest_actions(ada: EmulatedUser) -> None:
    await ada.send("purple monkey dishwasher")
    fallback = await ada.receive()
    assert fallback.plain_text.startswith("I didn't catch that.")
    assert fallback.buttons == ["▶️ Today's routine", "📚 All exercises", "❓ Help"]
    await ada.press(fallback, "❓ Help")
    assert HELP in (await ada.receive()).plain_text
    await ada.press(fallback, "📚 All exercises")
    assert len((await ada.receive()).buttons) == 7
    await ada.press(fallback, "▶️ Today's routine")
    assert (await ada.receive()).plain_text.startswith(CHECK_IN)


async def test_help_while_setting_up_asks_the_open_question_again(
    bot: BotApplication, fake: BotApiEmulator
) -> None:
    bo = fake.user(user_id=9203, first_name="Bo")
    await bo.send("/start")
    await bo.receive()
    await bo.send("help")
    assert HELP in (await bo.receive()).plain_text
    again = await bo.receive()
    assert again.buttons == ["✅ I understand"]


async def test_help_in_a_session_is_help(ada: EmulatedUser) -> None:
    await ada.send("/today")
    await ada.receive()
    await ada.send("help")
    assert HELP in (await ada.receive()).plain_text
