"""Severe pain is remembered: advice wherever it is rated, then a check-in before any routine
(the next reminder, /today, Do it now), and /history says how a session was stopped."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.emulator import BotApiEmulator
from bot.runtime.context import BotApplication
from tests.conftest import Database, FakeClock
from tests.journeys import WEDNESDAY, move_to, onboard_by_buttons, set_up_earlier, start_today

CHECK_IN_REMINDER = "⏰ Hi {name}! Last time your back pain was {rating} out of 10."
SEVERE_STOP = "🛑 Let's stop today's session here."
RATINGS = [str(n) for n in range(11)]


async def test_severe_pain_at_setup_gets_advice_and_the_reminders_ask_first(
    bot: BotApplication, fake: BotApiEmulator, clock: FakeClock, db: Database
) -> None:
    cy = fake.user(user_id=9301, first_name="Cy")
    await cy.send("/start")
    await cy.press(await cy.receive(), "✅ I understand")
    await cy.press(await cy.receive(), "No, none of these")
    await cy.press(await cy.receive(), "9")
    advice = await cy.receive()  # the advice first, then the next question
    assert advice.plain_text.startswith("🛑 That's a lot of pain.")
    assert "What time should I remind you each day?" in advice.plain_text
    await cy.press(advice, "07:30")
    await cy.receive()
    await cy.send("Berlin")
    await cy.receive()

    await move_to(db, clock, WEDNESDAY)  # a check-in, not the routine
    reminder = await cy.receive()
    assert reminder.plain_text.startswith(CHECK_IN_REMINDER.format(name="Cy", rating=9))
    assert "Time for today's back routine" not in reminder.plain_text
    assert reminder.buttons == [*RATINGS, "Skip today"]
    await cy.press(reminder, "8")  # still severe: the advice again, no routine
    assert (
        await cy.receive_edit(of=reminder)
    ).plain_text == "⏰ Thanks for telling me: 8 out of 10."
    assert (await cy.receive()).plain_text.startswith(SEVERE_STOP)
    await cy.no_message()

    await move_to(db, clock, WEDNESDAY + timedelta(days=1))  # Thursday: asked again
    reminder = await cy.receive()
    assert reminder.plain_text.startswith(CHECK_IN_REMINDER.format(name="Cy", rating=8))
    await db.idle()  # the reminder is recorded as sent: a reply typed before could not edit it
    await cy.send("5")  # typed works too; moderate now: the gentle routine
    assert (await cy.receive_edit(of=reminder)).plain_text.endswith("5 out of 10.")
    card = await cy.receive()  # the opening, the overview and the first card, in one
    assert card.plain_text.startswith("🌅 Let's do today's routine.")
    assert "You rated your back pain 5 out of 10." in card.plain_text
    assert "I picked the gentle stretches only" in card.plain_text
    assert "Cat-Cow" in card.plain_text  # stretches only, at the gentlest
    await cy.send("stop")
    assert (await cy.receive()).plain_text.startswith("⏹ Session stopped.")

    await move_to(db, clock, WEDNESDAY + timedelta(days=2))  # eased: the usual reminder again
    reminder = await cy.receive()
    assert reminder.plain_text.startswith("⏰ Hi Cy! Time for today's back routine")


async def test_after_a_severe_stop_today_and_do_it_now_say_why_they_ask_again(
    bot: BotApplication, fake: BotApiEmulator, clock: FakeClock, db: Database
) -> None:
    ada = fake.user(user_id=9302, first_name="Ada")
    await set_up_earlier(ada, clock)
    card = await start_today(ada)
    await ada.press(card, "▶️ Start")
    await ada.press(await ada.receive(), "😣 Pain")
    await ada.press(await ada.receive(), "9")
    assert (await ada.receive()).plain_text.startswith(SEVERE_STOP)

    await ada.send("/today")
    asked = await ada.receive()
    assert asked.plain_text.startswith("🌅 Last time, your back pain was 9 out of 10, so let's")
    assert asked.buttons == RATINGS
    await ada.send("/stretch bridge")
    await ada.press(await ada.receive(), "▶️ Do it now")
    asked = await ada.receive()
    assert asked.plain_text.startswith("🌅 Last time, your back pain was 9 out of 10")
    await ada.send("2")  # eased: Do it now goes ahead
    assert "Bridge Exercise" in (await ada.receive()).plain_text

    await move_to(db, clock, WEDNESDAY)  # the 2 is the latest rating: the usual reminder
    assert (await ada.receive()).plain_text.startswith("⏰ Hi Ada! Time for today's back routine")


@pytest.mark.parametrize(
    ("stop", "note"),
    [("pain", "(stopped: pain 8/10)"), ("red flag", "(stopped for safety)")],
)
async def test_history_says_how_a_session_was_stopped(
    bot: BotApplication, fake: BotApiEmulator, clock: FakeClock, stop: str, note: str
) -> None:
    bo = fake.user(user_id=9303, first_name="Bo")
    await onboard_by_buttons(bo)
    clock.advance(minutes=30)
    card = await start_today(bo, rating="3")
    if stop == "pain":
        await bo.press(card, "▶️ Start")
        await bo.press(await bo.receive(), "😣 Pain")
        await bo.press(await bo.receive(), "8")
    else:
        await bo.send("I think I have a fever")
    await bo.receive()
    await bo.send("/history")
    history = await bo.receive()
    line = history.plain_text.splitlines()[-1]
    assert line.endswith(note), line
    assert "0 done, pain 3 → \N{EN DASH}" in line
