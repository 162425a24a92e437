"""Asking for a stretch end to end: /stretch, /exercises, plain words, "Do it now", swaps."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.content import load_content
from bot.db.models import GuidedSession
from bot.emulator import BotApiEmulator, EmulatedUser
from bot.runtime.context import BotApplication
from tests.conftest import Database, FakeClock
from tests.journeys import set_up_earlier, start_today

CATALOGUE = load_content().catalogue


@pytest.fixture
async def ada(bot: BotApplication, fake: BotApiEmulator, clock: FakeClock) -> EmulatedUser:
    user = fake.user(user_id=8001, first_name="Ada")
    await set_up_earlier(user, clock)
    return user


async def test_stretch_with_a_name_shows_the_card(ada: EmulatedUser) -> None:
    await ada.send("/stretch brdge")
    card = await ada.receive()
    bridge = CATALOGUE.by_id("bridge")
    assert bridge is not None
    assert card.plain_text.startswith("Bridge Exercise\n" + bridge.purpose)
    for number, step in enumerate(bridge.steps, start=1):
        assert f"{number}. {step}" in card.plain_text
    assert "🎯 2 sets of 10 reps" in card.plain_text
    assert f"⚠️ {bridge.safety}" in card.plain_text
    assert card.buttons == ["▶️ Do it now", "📚 All exercises"]


async def test_stretch_without_a_name_and_exercises_show_the_catalogue(ada: EmulatedUser) -> None:
    await ada.send("/stretch")
    usage = await ada.receive()
    assert "Send a name like /stretch bridge" in usage.plain_text
    assert len(usage.buttons) == 7
    await ada.send("/exercises")
    catalogue = await ada.receive()
    stretches = [e.name for e in CATALOGUE.exercises if e.kind == "stretch"]
    assert catalogue.buttons[: len(stretches)] == [f"🧘 {name}" for name in stretches]
    assert catalogue.buttons[len(stretches) :] == [
        f"💪 {e.name}" for e in CATALOGUE.exercises if e.kind == "strengthening"
    ]
    await ada.press(catalogue, "💪 Bird-Dog Exercise")
    assert (await ada.receive()).plain_text.startswith("Bird-Dog Exercise")


async def test_plain_words_ask_for_a_stretch(ada: EmulatedUser) -> None:
    await ada.send("how do I do the knee to chest stretch?")
    assert (await ada.receive()).plain_text.startswith("Knee-to-Chest Stretch")
    await ada.send("something for tight hamstrings")
    assert (await ada.receive()).plain_text.startswith("Seated Forward Bend")


async def test_an_ambiguous_request_is_resolved_by_a_button(ada: EmulatedUser) -> None:
    await ada.send("glutes")
    choice = await ada.receive()
    assert choice.plain_text == "These can help there. Which one would you like to see?"
    assert set(choice.buttons) == {"Bridge Exercise", "Knee-to-Chest Stretch"}
    await ada.press(choice, "Bridge Exercise")
    assert (await ada.receive()).plain_text.startswith("Bridge Exercise")


async def test_a_name_that_fits_several_asks_which_was_meant(ada: EmulatedUser) -> None:
    await ada.send("/stretch pose")
    choice = await ada.receive()
    assert choice.plain_text == "Which one did you mean?"
    assert len(choice.buttons) >= 2


async def test_nonsense_gets_a_helpful_answer(ada: EmulatedUser) -> None:
    await ada.send("/stretch <b>flying unicorn</b>")
    reply = await ada.receive()
    assert reply.plain_text == (
        'I couldn\'t find an exercise for "<b>flying unicorn</b>". Here are all of them:'
    )
    assert len(reply.buttons) == 7
    await ada.send("flying unicorn")
    assert (await ada.receive()).plain_text.startswith("I didn't catch that.")


async def test_do_it_now_runs_one_exercise_guided_with_its_timer(
    ada: EmulatedUser, clock: FakeClock
) -> None:
    await ada.send("/stretch childs pose")
    await ada.press(await ada.receive(), "▶️ Do it now")
    check_in = await ada.receive()  # the pain check-in comes first
    assert check_in.plain_text.startswith("🌿 Let's do Child’s Pose.\n\nFirst, how is your back")
    await ada.press(check_in, "1")
    card = await ada.receive()
    assert card.plain_text.startswith("1/1 · Child’s Pose")
    await ada.press(card, "▶️ Start")
    hold = await ada.receive()
    assert hold.plain_text.endswith("⏳ 20 s left")
    clock.advance(seconds=20)
    assert (await ada.receive_edit(of=hold)).plain_text == "✅ Child’s Pose: hold done."
    assert (await ada.receive()).plain_text.startswith(
        "🎉 That's Child’s Pose done! How is your back now"
    )  # one exercise, not "the routine"


async def test_do_it_now_for_another_exercise_before_the_check_in_changes_course(
    ada: EmulatedUser, db: Database
) -> None:
    """Nothing has begun at the check-in: the new choice replaces it, no swap to confirm."""
    await ada.send("/stretch cat cow")
    await ada.press(await ada.receive(), "▶️ Do it now")
    first_check_in = await ada.receive()
    assert first_check_in.plain_text.startswith("🌿 Let's do Cat-Cow Stretch.")
    await ada.send("bird dog")  # typed at the check-in: no swap offered before it
    assert "whole number" in (await ada.receive()).plain_text
    await ada.send("/stretch bird dog")
    await ada.press(await ada.receive(), "▶️ Do it now")
    check_in = await ada.receive()
    assert check_in.plain_text.startswith("🌿 Let's do Bird-Dog Exercise.\n\nFirst, how is")
    await ada.press(check_in, "2")
    assert (await ada.receive()).plain_text.startswith("1/1 · Bird-Dog Exercise")
    assert (await ada.press(first_check_in, "2")).text == "That button is from an earlier step."
    async with db.connect() as connection:
        outcomes = await connection.scalars(
            select(GuidedSession.outcome).where(GuidedSession.user_id == 8001)
        )
        assert sorted(map(str, outcomes)) == ["None", "stopped"]


async def test_naming_another_exercise_in_a_session_offers_a_swap(ada: EmulatedUser) -> None:
    await start_today(ada)  # at Cat-Cow
    await ada.send("can I do the bridge instead?")
    offer = await ada.receive()
    assert offer.plain_text == (
        "Do Bridge Exercise now? Cat-Cow Stretch moves to the end of today's routine."
    )
    await ada.press(offer, "🔄 Swap to Bridge Exercise")
    # Bridge takes Cat-Cow's place and is not done twice; Cat-Cow comes last: still seven.
    assert (await ada.receive()).plain_text.startswith("1/7 · Bridge Exercise")
    await ada.send("child's pose please")
    declined = await ada.receive()
    await ada.press(declined, "Keep going")
    assert (await ada.receive_edit(of=declined)).plain_text == (
        "OK, carrying on with Bridge Exercise."
    )
