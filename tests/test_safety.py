"""Red flags in anything typed, end to end: advice and never an exercise, in every state;
the session stops, reminders wait, and only a two-step clearance brings the routine back."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from bench.triage import CORPUS, TIERS, corpus
from bot.config import Settings
from bot.db.models import GuidedSession, Preferences, SafetyFlag
from bot.emulator import BotApiEmulator, EmulatedUser, SentMessage
from bot.runtime.context import BotApplication
from tests.conftest import Database, FakeClock, running_bot
from tests.journeys import (
    WEDNESDAY,
    move_to,
    onboard_by_buttons,
    report_red_flags,
    set_up_earlier,
    start_today,
)

EXERCISE_BUTTONS = ("▶️ Do it now", "▶️ Start", "✅ Done", "😣 Pain")
FLAGGED = [e for e in corpus(CORPUS) if e.group in TIERS]
HEADINGS = {
    "emergency": "🚨 Please get medical help now.",
    "urgent": "⚠️ Please see a doctor today.",
    "caution": "🩺 You mentioned",
}
HELD = "I've stopped today's session and paused your reminders."
CRISIS = "💙 I'm really sorry you're feeling like this."


def assert_advice_only(reply: SentMessage, tier: str) -> None:
    """Safety advice for the tier (or crisis support), with no exercise and no button that
    starts one."""
    assert reply.plain_text.startswith((HEADINGS[tier], CRISIS)), reply.plain_text
    assert not any(button in reply.buttons for button in EXERCISE_BUTTONS), reply.buttons
    assert reply.buttons == []


async def preferences_of(db: Database, user_id: int) -> Preferences:
    async with db.connect() as connection:
        row = (
            await connection.execute(select(Preferences).where(Preferences.user_id == user_id))
        ).one()
    return Preferences(**row._mapping)


async def flags_of(db: Database, user_id: int) -> list[tuple[str, str, bool]]:
    async with db.connect() as connection:
        rows = await connection.execute(
            select(SafetyFlag.rule_id, SafetyFlag.tier, SafetyFlag.cleared_at)
            .where(SafetyFlag.user_id == user_id)
            .order_by(SafetyFlag.id)
        )
        return [(rule, tier, cleared is not None) for rule, tier, cleared in rows]


async def outcomes_of(db: Database, user_id: int) -> list[str | None]:
    async with db.connect() as connection:
        rows = await connection.scalars(
            select(GuidedSession.outcome)
            .where(GuidedSession.user_id == user_id)
            .order_by(GuidedSession.id)
        )
        return list(rows)


@pytest.fixture
async def ada(bot: BotApplication, fake: BotApiEmulator, clock: FakeClock) -> EmulatedUser:
    user = fake.user(user_id=9101, first_name="Ada")
    await set_up_earlier(user, clock)
    return user


async def test_every_flagged_message_of_the_corpus_gets_advice_and_never_an_exercise(
    bot: BotApplication, fake: BotApiEmulator, clock: FakeClock
) -> None:
    """Each flagged message, through the whole bot: from someone who has not started, and
    from someone set up (held after the first emergency, as people in trouble write on)."""
    newcomer = fake.user(user_id=9190, first_name="New")
    member = fake.user(user_id=9191, first_name="Member")
    await set_up_earlier(member, clock)
    for example in FLAGGED:
        for user in (newcomer, member):
            await user.send(example.text)
            reply = await user.receive()
            assert_advice_only(reply, example.group)
    await newcomer.send("/stretch chest pain")  # the words after /stretch too
    assert_advice_only(await newcomer.receive(), "emergency")
    # Nor an exercise's picture, which `receive` would pass over.
    assert [m for m in fake.messages if m.animation is not None] == []


async def test_chest_pain_while_idle_holds_the_routine_and_reminders(
    ada: EmulatedUser, db: Database
) -> None:
    await ada.send("chest pain")
    reply = await ada.receive()
    assert_advice_only(reply, "emergency")
    assert "You mentioned chest pain." in reply.plain_text
    assert "Call your local emergency number or go to the nearest emergency" in reply.plain_text
    assert "I've paused your reminders." in reply.plain_text  # no session was open
    stored = await preferences_of(db, 9101)
    assert (stored.onboarding_step, stored.next_reminder_at) == ("clearance", None)
    assert await flags_of(db, 9101) == [("chest_pain", "emergency", False)]

    await ada.send("/today")  # no routine until cleared
    assert (await ada.receive()).plain_text.startswith("Your routine is paused for your safety")
    await ada.send("/stretch bridge")  # no card either, while a professional's word waits
    assert (await ada.receive()).plain_text.startswith("Your routine is paused for your safety")
    await ada.send("bridge")  # typed words answer the clearance question, not a search
    hint = await ada.receive()
    assert hint.plain_text.startswith("When a healthcare professional has cleared you")
    assert hint.buttons == ["I've been cleared to exercise"]


@pytest.mark.parametrize("where", ["check-in", "exercise card", "hold", "pain question"])
async def test_a_flag_in_a_session_stops_it_for_safety(
    ada: EmulatedUser, db: Database, where: str
) -> None:
    await ada.send("/today")
    prompt = await ada.receive()  # the pain check-in
    if where != "check-in":
        await ada.press(prompt, "2")
        prompt = await ada.receive()  # the overview and Cat-Cow's card
    if where in ("hold", "pain question"):
        await ada.press(prompt, "⏭ Skip")  # Child's Pose: a hold
        await ada.press(await ada.receive(), "▶️ Start")
        prompt = await ada.receive()
        assert prompt.plain_text.endswith("s left")
    if where == "pain question":
        await ada.press(prompt, "😣 Pain")
        prompt = await ada.receive()
        assert "0-10" in prompt.plain_text or "0 to 10" in prompt.plain_text, prompt.plain_text
    await ada.send("my legs are both going numb")
    reply = await ada.receive()
    assert_advice_only(reply, "emergency")
    assert "pain, weakness, numbness or tingling in both legs" in reply.plain_text
    assert await outcomes_of(db, 9101) == ["safety"]
    await ada.press(prompt, prompt.buttons[0])  # the session's buttons no longer act
    assert (await preferences_of(db, 9101)).onboarding_step == "clearance"
    assert await outcomes_of(db, 9101) == ["safety"]


async def test_a_flag_while_setting_up_waits_for_clearance_then_setup_goes_on(
    bot: BotApplication, fake: BotApiEmulator, db: Database
) -> None:
    bo = fake.user(user_id=9102, first_name="Bo")
    await bo.send("/start")
    await bo.receive()  # the disclaimer
    await bo.send("I had a fall down the stairs yesterday")
    advice = await bo.receive()
    assert_advice_only(advice, "emergency")
    assert "we'll carry on setting up" in advice.plain_text  # no session, no reminders yet
    assert HELD not in advice.plain_text
    assert (await preferences_of(db, 9102)).onboarding_step == "clearance"
    await bo.send("cleared")
    confirm = await bo.receive()
    await bo.press(confirm, "Yes, a professional checked me")
    back = await bo.receive()  # setting up goes on where it has to: the disclaimer
    assert back.plain_text.startswith("Thank you. Good to have you back!")
    assert back.buttons == ["✅ I understand"]
    assert await flags_of(db, 9102) == [("trauma", "emergency", True)]


async def test_clearance_takes_two_deliberate_steps_and_brings_everything_back(
    ada: EmulatedUser, db: Database
) -> None:
    await ada.send("I've had a fever since yesterday")
    assert_advice_only(await ada.receive(), "urgent")
    await ada.send("cleared")
    confirm = await ada.receive()
    assert confirm.buttons == ["Yes, a professional checked me", "Not yet"]
    await ada.press(confirm, "Not yet")
    wait = await ada.receive()
    assert wait.plain_text.startswith("OK, I'll wait.")
    assert wait.buttons == ["I've been cleared to exercise"]
    assert (await preferences_of(db, 9101)).next_reminder_at is None

    await ada.press(wait, "I've been cleared to exercise")
    confirm = await ada.receive()
    await ada.send("yes")  # set up before: nothing more to ask, /today asks the pain
    done = await ada.receive()
    assert done.plain_text.startswith("Thank you. Good to have you back!")
    assert "All set!" in done.plain_text
    stored = await preferences_of(db, 9101)
    assert stored.onboarding_step is None
    assert stored.next_reminder_at is not None
    assert await flags_of(db, 9101) == [("fever_unwell", "urgent", True)]


async def test_a_caution_stops_the_session_but_holds_nothing(
    ada: EmulatedUser, db: Database
) -> None:
    await start_today(ada)
    await ada.send("I'm 20 weeks pregnant, is this ok?")
    reply = await ada.receive()
    assert_advice_only(reply, "caution")
    assert "being pregnant or having just had a baby" in reply.plain_text
    assert "Please ask a doctor or physiotherapist" in reply.plain_text
    assert HELD not in reply.plain_text
    assert await outcomes_of(db, 9101) == ["safety"]
    stored = await preferences_of(db, 9101)
    assert (stored.onboarding_step, await flags_of(db, 9101)) == (None, [])
    assert stored.next_reminder_at is not None
    await ada.send("my neck hurts")
    other = await ada.receive()
    assert_advice_only(other, "caution")
    assert "I can only help with the back" in other.plain_text


async def test_a_held_user_gets_no_reminder(
    ada: EmulatedUser, clock: FakeClock, db: Database
) -> None:
    await ada.send("numbness around my groin")
    assert_advice_only(await ada.receive(), "emergency")
    # Wednesday 07:30 in Berlin, when the reminder would be due: nothing comes.
    await move_to(db, clock, WEDNESDAY + timedelta(minutes=1))
    await ada.no_message(within=0.3)
    assert (await preferences_of(db, 9101)).next_reminder_at is None


async def test_the_flag_is_exported_without_the_words_and_deleted_with_everything(
    ada: EmulatedUser, db: Database
) -> None:
    await ada.send("I had cancer two years ago and my back hurts at night")
    assert_advice_only(await ada.receive(), "urgent")
    await ada.send("/export")
    document = await ada.receive()
    exported = json.loads(document.document or b"")["tables"]["safety_flags"]
    assert sorted((row["rule_id"], row["tier"]) for row in exported) == [
        ("cancer", "urgent"), ("night_pain", "urgent"),
    ]  # fmt: skip
    assert "years ago" not in (document.document or b"").decode()
    await ada.send("/delete")
    await ada.receive()
    await ada.send("yes")
    await ada.receive()
    assert await flags_of(db, 9101) == []


async def test_the_emergency_number_setting_names_the_number(
    settings: Settings, fake: BotApiEmulator, clock: FakeClock
) -> None:
    local = settings.model_copy(update={"emergency_number": "999"})
    async with running_bot(local, clock):
        cy = fake.user(user_id=9103, first_name="Cy")
        await cy.send("I can't breathe properly and my back hurts")
        reply = await cy.receive()
        assert_advice_only(reply, "emergency")
        assert "Call 999 or go to the nearest emergency department now." in reply.plain_text
        assert "type cleared and we'll carry on setting up" in reply.plain_text


async def test_setup_red_flag_is_stored_and_cleared_in_two_steps(
    bot: BotApplication, fake: BotApiEmulator, db: Database
) -> None:
    dee = fake.user(user_id=9104, first_name="Dee")
    advice = await report_red_flags(dee)
    assert await flags_of(db, 9104) == [("screen", "urgent", False)]
    await dee.press(advice, "I've been cleared to exercise")
    confirm = await dee.receive()
    await dee.press(advice, "I've been cleared to exercise")  # the old button: expired
    await dee.press(confirm, "Yes, a professional checked me")
    assert "How much does your back hurt today" in (await dee.receive()).plain_text
    assert await flags_of(db, 9104) == [("screen", "urgent", True)]


async def test_everyday_words_still_reach_the_coach(ada: EmulatedUser) -> None:
    await ada.send("no numbness, just stiff. how do I do the knee to chest?")
    assert (await ada.receive()).plain_text.startswith("Knee-to-Chest Stretch")


async def test_a_photo_caption_is_read_for_red_flags_too(
    bot: BotApplication, fake: BotApiEmulator
) -> None:
    gus = fake.user(user_id=9106, first_name="Gus")
    await gus.send_content(
        {
            "photo": [{"file_id": "x", "file_unique_id": "x", "width": 1, "height": 1}],
            "caption": "this lump on my spine",
        }
    )
    assert_advice_only(await gus.receive(), "urgent")


async def test_the_words_after_any_command_and_an_edit_are_read_too(
    ada: EmulatedUser, fake: BotApiEmulator
) -> None:
    await ada.send("/help my legs have both gone numb")
    assert_advice_only(await ada.receive(), "emergency")
    hal = fake.user(user_id=9107, first_name="Hal")
    message_id = await hal.send("hello")
    await hal.receive()  # "Send /start first"
    await hal.edit(message_id, "hello, I think I broke my back")
    assert_advice_only(await hal.receive(), "urgent")


async def test_a_held_user_s_reminder_buttons_start_nothing(
    bot: BotApplication, fake: BotApiEmulator, clock: FakeClock, db: Database
) -> None:
    ivy = fake.user(user_id=9108, first_name="Ivy")
    await onboard_by_buttons(ivy)
    await move_to(db, clock, WEDNESDAY)
    reminder = await ivy.receive()
    await ivy.send("my chest feels tight")
    assert_advice_only(await ivy.receive(), "emergency")
    await ivy.press(reminder, "💤 Snooze 30 min")  # no reminder comes back in 30 minutes
    assert (await ivy.receive()).plain_text.startswith("Your routine is paused for your safety")
    clock.advance(minutes=31)
    await ivy.no_message()
    assert (await preferences_of(db, 9108)).next_reminder_at is None


async def test_a_flag_before_start_is_remembered_when_they_start(
    bot: BotApplication, fake: BotApiEmulator, db: Database
) -> None:
    jo = fake.user(user_id=9109, first_name="Jo")
    await jo.send("both my legs have gone numb and weak since yesterday")
    advice = await jo.receive()
    assert_advice_only(advice, "emergency")
    assert "we'll carry on setting up" in advice.plain_text
    assert await flags_of(db, 9109) == [("both_legs", "emergency", False)]
    await jo.send("/start")  # no way round the clearance
    await jo.receive()  # welcome back
    asked = await jo.receive()
    assert asked.buttons == ["I've been cleared to exercise"]
    await jo.send("/today")
    assert (await jo.receive()).plain_text.startswith("Your routine is paused for your safety")


async def test_thoughts_of_self_harm_get_crisis_support_not_back_advice(
    ada: EmulatedUser, db: Database
) -> None:
    await ada.send("honestly this pain is so bad i want to kill myself")
    reply = await ada.receive()
    assert reply.plain_text.startswith("💙 I'm really sorry you're feeling like this.")
    assert "Samaritans on 116 123" in reply.plain_text
    assert reply.buttons == []
    assert await flags_of(db, 9101) == []  # no hold: this is not about exercise


async def test_a_flag_with_no_session_open_says_only_what_it_paused(ada: EmulatedUser) -> None:
    await ada.send("I have a lump on my spine")
    reply = await ada.receive()
    assert "I've paused your reminders." in reply.plain_text
    assert "stopped today's session" not in reply.plain_text
