"""The guided session end to end: the real bot, a controllable clock, acting users."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.content import load_content
from bot.db.engine import create_engine
from bot.db.models import GuidedSession, PainRating, SessionTimer
from bot.emulator import BotApiEmulator, EmulatedUser, SentMessage
from bot.runtime.context import BotApplication
from tests.conftest import BotRunner, Database, FakeClock
from tests.journeys import (
    HOLD_SECONDS,
    coach_through,
    onboard_by_buttons,
    set_up_earlier,
    start_today,
)

CATALOGUE = load_content().catalogue
NAMES = [exercise.name for exercise in CATALOGUE.exercises]


@pytest.fixture
async def ada(bot: BotApplication, fake: BotApiEmulator, clock: FakeClock) -> EmulatedUser:
    """Reminded at 07:30 Europe/Berlin, every day; set up at 08:00 there, Tue 24 Nov,
    and it is now 08:16."""
    user = fake.user(user_id=6001, first_name="Ada")
    await set_up_earlier(user, clock)
    return user


async def sessions_of(db: Database, user_id: int) -> list[tuple[str, str | None]]:
    async with db.connect() as connection:
        rows = await connection.execute(
            select(GuidedSession.phase, GuidedSession.outcome)
            .where(GuidedSession.user_id == user_id)
            .order_by(GuidedSession.id)
        )
        return [(phase, outcome) for phase, outcome in rows]


async def ratings_of(db: Database, user_id: int) -> list[tuple[str, int, str | None]]:
    async with db.connect() as connection:
        rows = await connection.execute(
            select(PainRating.kind, PainRating.rating, PainRating.exercise_id)
            .where(PainRating.user_id == user_id, PainRating.kind != "baseline")
            .order_by(PainRating.id)
        )
        return [(kind, rating, exercise) for kind, rating, exercise in rows]


async def pending_timers(db: Database) -> int:
    async with db.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(SessionTimer)) or 0)


async def test_right_after_setting_up_the_pain_given_then_is_todays_check_in(
    bot: BotApplication, fake: BotApiEmulator, clock: FakeClock, db: Database
) -> None:
    bo = fake.user(user_id=6004, first_name="Bo")
    await onboard_by_buttons(bo, pain="3")
    clock.advance(minutes=14)
    await bo.send("/today")  # not asked again
    card = await bo.receive()  # one message: the opening, the overview and the first card
    assert card.plain_text.startswith(
        "🌅 Let's do today's routine.\n\n"
        "You rated your back pain 3 out of 10 a few minutes ago, so I'll go by that.\n\n"
        "🗓 Today's routine, about 12 min:"
    )
    assert "\n\n1/7 · Cat-Cow Stretch" in card.plain_text
    assert await ratings_of(db, 6004) == [("before", 3, None)]  # the session's own record

    await bo.send("stop")  # and again: a session since setting up has had its check-in
    await bo.receive()
    await bo.send("/today")
    assert "First, how is your back right now" in (await bo.receive()).plain_text


async def test_a_severe_rating_from_setting_up_is_asked_again(
    bot: BotApplication, fake: BotApiEmulator, db: Database
) -> None:
    """It would stop the session at once, and it may have been a slip."""
    cy = fake.user(user_id=6005, first_name="Cy")
    await onboard_by_buttons(cy, pain="8")
    await cy.send("/today")
    check_in = await cy.receive()  # and says why it asks first
    assert check_in.plain_text.startswith(
        "🌅 Last time, your back pain was 8 out of 10, so let's check before anything else"
    )
    await cy.press(check_in, "3")
    assert (await cy.receive()).plain_text.startswith("🗓 Today's routine")
    assert await ratings_of(db, 6005) == [("before", 3, None)]


async def test_a_whole_routine_by_buttons_with_timers_running_out(
    ada: EmulatedUser, clock: FakeClock, db: Database
) -> None:
    first = overview = await start_today(ada, rating="2")  # the overview above the card
    assert overview.plain_text.startswith("🗓 Today's routine, about 12 min:")
    for number, name in enumerate(NAMES, start=1):
        assert f"{number}. {name}" in overview.plain_text
    assert f"\n\n1/7 · {NAMES[0]}" in first.plain_text
    for step in CATALOGUE.exercises[0].steps:  # the seed's steps, numbered
        assert step in first.plain_text
    seen = await coach_through(ada, clock, first)
    texts = [message.plain_text for message in seen]
    summary = texts[-1]
    assert f"Done: {', '.join(NAMES)}" in summary
    assert "Skipped: none" in summary
    assert "Pain: 2 → 1" in summary
    assert "Streak: 1 day" in summary
    assert "Next reminder: Wed 25 Nov at 07:30." in summary
    # A hold ends by itself and the next step follows without a reply.
    assert "✅ Child’s Pose: hold done." in texts
    # Per-side work goes side by side; a rest announces the next set.
    assert "✅ Knee-to-Chest Stretch: hold done (left leg)." in texts
    assert "↔️ Switch to your right leg. The next hold starts in 5 s." in texts
    # Bird-Dog's sides are named as its card names them, and come in that order.
    first_side = next(i for i, t in enumerate(texts) if "(right arm and left leg)" in t)
    assert "Bird-Dog Exercise: set 1 of 2, 10 reps" in texts[first_side]
    assert "set 1 of 2, 10 reps (left arm and right leg)" in texts[first_side + 1]
    rest = texts.index(
        "😮‍💨 Rest for 30 s. Next: set 2 of 2 of Bridge Exercise; I'll tell you when."
    )
    assert "Bridge Exercise: set 2 of 2, 10 reps" in texts[rest + 1]
    assert await sessions_of(db, 6001) == [("finished", "finished")]
    assert await ratings_of(db, 6001) == [("before", 2, None), ("after", 1, None)]
    assert await pending_timers(db) == 0


async def test_a_whole_routine_by_typed_replies(
    ada: EmulatedUser, clock: FakeClock, db: Database
) -> None:
    await ada.send("/today")
    await ada.receive()
    await ada.send("3/10")
    seen = await coach_through(ada, clock, await ada.receive(), typed=True, after_rating="2")
    assert "Pain: 3 → 2" in seen[-1].plain_text
    assert await sessions_of(db, 6001) == [("finished", "finished")]


async def test_a_hold_counts_down_in_one_message_then_moves_on_by_itself(
    ada: EmulatedUser, clock: FakeClock
) -> None:
    card = await start_today(ada)
    await ada.press(card, "⏭ Skip")  # straight to Child's Pose, a hold
    card = await ada.receive()
    await ada.press(card, "▶️ Start")
    hold = await ada.receive()
    assert hold.plain_text.endswith("⏳ 20 s left")
    assert hold.buttons == ["✅ Done", "😣 Pain", "⏹ Stop"]
    clock.advance(seconds=8)
    tick = await ada.receive_edit(of=hold)
    assert (tick.message_id, tick.plain_text.splitlines()[-1]) == (hold.message_id, "⏳ 12 s left")
    assert tick.buttons == hold.buttons  # the countdown keeps the buttons
    clock.advance(seconds=12)
    done = await ada.receive_edit(of=hold)
    assert (done.message_id, done.plain_text, done.buttons) == (
        hold.message_id, "✅ Child’s Pose: hold done.", [],
    )  # fmt: skip
    assert (await ada.receive()).plain_text.startswith("3/7 · Bridge Exercise")


async def test_mild_pain_offers_to_go_on_gently_or_skip(ada: EmulatedUser, db: Database) -> None:
    card = await start_today(ada)
    await ada.press(card, "▶️ Start")
    reps = await ada.receive()
    await ada.press(reps, "😣 Pain")
    question = await ada.receive()
    assert "How bad is it right now" in question.plain_text
    await ada.press(question, "2")
    advice = await ada.receive()
    assert "make the movement smaller and slower" in advice.plain_text
    assert advice.buttons == ["Go on gently", "⏭ Skip"]
    await ada.press(advice, "Go on gently")
    assert "Cat-Cow Stretch: set 1 of 1, 10 reps" in (await ada.receive()).plain_text
    assert await ratings_of(db, 6001) == [("before", 2, None), ("during", 2, "cat_cow")]


async def test_moderate_pain_skips_the_exercise_and_leaves_it_out_next_time(
    ada: EmulatedUser, clock: FakeClock, db: Database
) -> None:
    await start_today(ada)
    await ada.send("pain")  # typed, at the exercise card
    await ada.receive()
    await ada.send("5")
    assert (await ada.receive()).plain_text == (
        "⏭ Skipping Cat-Cow Stretch. I'll leave it out of your routine for a while. "
        'Move gently; if the pain stays or gets worse, say "stop" and rest.'
    )
    assert (await ada.receive()).plain_text.startswith("2/7 · Child’s Pose")
    await ada.send("stop")
    assert (await ada.receive()).plain_text.startswith("⏹ Session stopped.")
    await ada.send("/today")
    await ada.press(await ada.receive(), "2")
    assert "Left out Cat-Cow Stretch: it hurt earlier today." in (await ada.receive()).plain_text
    await ada.send("stop")
    await ada.receive()
    clock.advance(days=1)
    await ada.receive()  # Wednesday's reminder
    first = overview = await start_today(ada)
    assert "Left out Cat-Cow Stretch: it hurt on Tue." in overview.plain_text
    assert "1. Child’s Pose" in overview.plain_text
    assert "\n\n1/6 · Child’s Pose" in first.plain_text
    assert await sessions_of(db, 6001) == [
        ("abandoned", "stopped"), ("abandoned", "stopped"), ("intro", None),
    ]  # fmt: skip


async def test_severe_pain_stops_the_session_with_safety_advice(
    ada: EmulatedUser, db: Database
) -> None:
    card = await start_today(ada)
    await ada.press(card, "▶️ Start")
    await ada.press(await ada.receive(), "😣 Pain")
    await ada.press(await ada.receive(), "8")
    stop = await ada.receive()
    assert stop.plain_text.startswith("🛑 Let's stop today's session here.")
    assert "Avoid pushing through pain" in stop.plain_text
    assert "seek medical care today" in stop.plain_text
    assert stop.buttons == []
    assert await sessions_of(db, 6001) == [("abandoned", "severe_pain")]
    assert await ratings_of(db, 6001) == [("before", 2, None), ("during", 8, "cat_cow")]
    assert await pending_timers(db) == 0


async def test_severe_pain_at_the_check_in_stops_without_offering_a_routine(
    ada: EmulatedUser, db: Database
) -> None:
    await ada.send("/today")
    await ada.press(await ada.receive(), "7")
    stop = await ada.receive()
    assert stop.plain_text.startswith("🛑 Let's stop today's session here.")
    await ada.no_message()  # no "Today's routine" before or after it
    assert await sessions_of(db, 6001) == [("abandoned", "severe_pain")]


async def test_the_last_question_left_unanswered_still_counts_the_session(
    ada: EmulatedUser, clock: FakeClock, db: Database
) -> None:
    card = await start_today(ada)
    await ada.press(card, "▶️ Start")
    await ada.press(await ada.receive(), "✅ Done")  # Cat-Cow done
    for _ in range(6):
        await ada.receive()  # the next card
        await ada.send("skip")
    assert (await ada.receive()).plain_text.startswith("🎉")  # "How is your back now?"
    await ada.send("bridge")  # a name at the last question offers no swap
    assert "whole number from 0" in (await ada.receive()).plain_text
    await ada.send("/stretch bridge")
    await ada.press(await ada.receive(), "▶️ Do it now")  # nor does "Do it now"
    left = await ada.receive()
    assert left.plain_text.startswith("You've done today's exercises; one question is left.")
    clock.advance(minutes=5)
    nudge = await ada.receive()
    assert nudge.plain_text.startswith("👋 Still with me? Send how your back is now")
    clock.advance(minutes=25)
    summary = await ada.receive()
    assert "Session complete" in summary.plain_text
    assert "Streak: 1 day" in summary.plain_text
    assert await sessions_of(db, 6001) == [("finished", "finished")]
    await ada.send("/today")  # once more: it says so, then goes on
    assert (await ada.receive()).plain_text.startswith("You've done today's routine already")
    assert (await ada.receive()).plain_text.startswith("🌅 Let's do today's routine.")


async def test_high_pain_before_the_session_gives_a_gentler_routine(ada: EmulatedUser) -> None:
    first = overview = await start_today(ada, rating="6")
    assert "gentle stretches only" in overview.plain_text
    assert "Bridge" not in overview.plain_text
    assert "\n\n1/4 · Cat-Cow Stretch" in first.plain_text


async def test_idle_gets_one_nudge_then_a_pause_that_today_resumes(
    ada: EmulatedUser, clock: FakeClock, db: Database
) -> None:
    await start_today(ada)
    clock.advance(minutes=5)
    nudge = await ada.receive()
    assert nudge.plain_text.startswith("👋 Still with me?")
    assert "▶️ Start" in nudge.buttons  # the step's buttons come with it
    clock.advance(minutes=25)
    paused = await ada.receive()
    assert paused.plain_text.startswith("⏸ I've paused your session.")
    await ada.no_message(within=0.2)  # and nothing more
    await ada.send("/today")
    offer = await ada.receive()
    assert "You paused today's session at Cat-Cow Stretch" in offer.plain_text
    await ada.press(offer, "▶️ Resume")
    assert (await ada.receive()).plain_text.startswith("1/7 · Cat-Cow Stretch")
    assert await sessions_of(db, 6001) == [("intro", None)]


async def test_start_over_closes_the_paused_session(
    ada: EmulatedUser, clock: FakeClock, db: Database
) -> None:
    await start_today(ada)
    clock.advance(minutes=5)
    await ada.receive()  # nudge
    clock.advance(minutes=25)
    await ada.receive()  # paused
    await ada.send("/today")
    await ada.press(await ada.receive(), "🔄 Start over")
    assert "how is your back right now" in (await ada.receive()).plain_text
    assert await sessions_of(db, 6001) == [("paused", "stopped"), ("check_in", None)]


async def test_old_double_and_foreign_buttons_are_answered_without_acting(
    ada: EmulatedUser, fake: BotApiEmulator, db: Database
) -> None:
    card = await start_today(ada)
    await ada.press(card, "▶️ Start")
    reps = await ada.receive()
    assert (await ada.press(card, "▶️ Start")).text == "That button is from an earlier step."
    assert (await ada.press(reps, "✅ Done")).text is None
    assert (await ada.press(reps, "✅ Done")).text == "That button is from an earlier step."
    current = await ada.receive()
    assert current.plain_text.startswith("2/7 · Child’s Pose")
    bo = fake.user(user_id=6002, first_name="Bo")  # taps copies of Ada's buttons
    assert (await bo.press(reps, "✅ Done")).text == "That button is from an earlier step."
    assert (await bo.press(current, "▶️ Start")).text == "That button is from an earlier step."
    await ada.no_message(within=0.2)
    assert await sessions_of(db, 6001) == [("intro", None)]


def buttons_now(fake: BotApiEmulator, message: SentMessage) -> list[str]:
    """The buttons a message has now, after the bot's edits."""
    current = fake.message(message.chat_id, message.message_id)
    assert current is not None
    return current.buttons


async def test_words_that_mean_nothing_now_get_a_hint_with_the_buttons(
    ada: EmulatedUser, fake: BotApiEmulator
) -> None:
    await ada.send("/today")
    check_in = await ada.receive()
    await ada.send("done")
    hint = await ada.receive()
    assert "whole number from 0" in hint.plain_text
    # The scale comes with the hint, so nobody has to scroll up for it; the first
    # copy loses its buttons, so only one scale is live.
    assert hint.buttons == check_in.buttons
    assert buttons_now(fake, check_in) == []
    await ada.press(hint, "2")
    card = await ada.receive()  # the plan above the first card
    await ada.send("banana")
    hint = await ada.receive()
    assert 'Tap Start (or type "start")' in hint.plain_text
    assert "▶️ Start" in hint.buttons
    await ada.press(hint, "▶️ Start")
    assert "set 1 of" in (await ada.receive()).plain_text
    assert buttons_now(fake, card) == []


async def test_a_hint_during_a_hold_leaves_the_hold_and_its_countdown_alone(
    ada: EmulatedUser, clock: FakeClock, fake: BotApiEmulator
) -> None:
    card = await start_today(ada)
    await ada.press(card, "⏭ Skip")
    await ada.press(await ada.receive(), "▶️ Start")
    hold = await ada.receive()
    assert "Child’s Pose</b>: hold for" in (hold.text or "")
    await ada.send("banana")
    hint = await ada.receive()
    assert hint.plain_text == (  # no "skip": a hold has no Skip button
        'Reply "done", "pain" or "stop", or tap a button; the hold also ends by itself.'
    )
    assert hint.buttons == []  # the hold's message keeps them, under its countdown
    assert buttons_now(fake, hold) == hold.buttons
    clock.advance(seconds=25)
    done = await ada.receive_edit(of=hold)
    assert done.plain_text == "✅ Child’s Pose: hold done."
    assert buttons_now(fake, hint) == []
    assert (await ada.receive()).plain_text.startswith("3/7 · Bridge Exercise")


async def test_a_hold_survives_a_restart_and_ends_once(
    run_bot: BotRunner, fake: BotApiEmulator, clock: FakeClock, db: Database
) -> None:
    cy = fake.user(user_id=6003, first_name="Cy")
    async with run_bot():
        await set_up_earlier(cy, clock)
        card = await start_today(cy)
        await cy.press(card, "⏭ Skip")
        await cy.press(await cy.receive(), "▶️ Start")
        hold = await cy.receive()
    clock.advance(seconds=25)  # the hold ended while the bot was down
    async with run_bot():
        done = await cy.receive_edit(of=hold)
        assert (done.message_id, done.plain_text) == (
            hold.message_id,
            "✅ Child’s Pose: hold done.",
        )
        assert (await cy.receive()).plain_text.startswith("3/7 · Bridge Exercise")
        await cy.no_message(within=0.3)  # once, not again
    assert await sessions_of(db, 6003) == [("intro", None)]


async def test_today_mid_session_shows_where_you_are_with_live_buttons(
    ada: EmulatedUser, db: Database
) -> None:
    await ada.send("/today")
    check_in = await ada.receive()
    await ada.send("/today")
    waiting = await ada.receive()
    assert waiting.plain_text.startswith("Today's session is waiting for your pain check-in.\n")
    assert waiting.buttons == check_in.buttons
    await ada.press(waiting, "2")
    card = await ada.receive()  # the plan above the first card
    await ada.send("/today")
    where = await ada.receive()
    assert where.plain_text == (
        "You're in the middle of today's session, at 1/7 · Cat-Cow Stretch.\n"
        'Tap Start (or type "start") when you\'re in position; or "skip" or "stop".'
    )  # and what the step expects, with its buttons
    assert where.buttons == ["▶️ Start", "⏭ Skip", "⏹ Stop"]
    assert (await ada.press(card, "▶️ Start")).text is None  # same step: still valid
    assert "Cat-Cow Stretch: set 1 of 1" in (await ada.receive()).plain_text
    assert await sessions_of(db, 6001) == [("reps", None)]


async def test_a_session_left_open_is_closed_as_incomplete_the_next_day(
    ada: EmulatedUser, clock: FakeClock, db: Database
) -> None:
    card = await start_today(ada)
    clock.advance(days=1)
    assert (await ada.receive()).plain_text.startswith("⏰ Hi Ada! Time for today's")
    assert (await ada.press(card, "▶️ Start")).text == "That button is from an earlier step."
    await ada.send("done")  # yesterday's session no longer takes replies
    assert (await ada.receive()).plain_text.startswith("I didn't catch that.")
    await ada.send("/today")
    assert "how is your back right now" in (await ada.receive()).plain_text
    assert await sessions_of(db, 6001) == [("intro", "incomplete"), ("check_in", None)]


async def test_a_timer_of_someone_busy_elsewhere_holds_up_nobody_else(
    bot: BotApplication, fake: BotApiEmulator, clock: FakeClock, database_url: str
) -> None:
    """On PostgreSQL, another replica handling Ada's update holds her row: her due timer
    waits for the next run, while Bo's, due just after hers, fires now."""
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks are PostgreSQL's (TEST_DATABASE_URL)")
    people = {name: fake.user(user_id=user_id, first_name=name)
              for user_id, name in ((6101, "Ada"), (6102, "Bo"))}  # fmt: skip
    for person in people.values():
        await set_up_earlier(person, clock)
    holds = {}
    for name, person in people.items():
        card = await start_today(person)
        await person.press(card, "⏭ Skip")  # to Child's Pose, a 20 s hold
        await person.press(await person.receive(), "▶️ Start")
        holds[name] = (person, await person.receive())
        clock.advance(seconds=1)  # Ada's hold ends first
    ada, bo = holds["Ada"][0], holds["Bo"][0]
    other_replica = create_engine(database_url)
    try:
        async with other_replica.connect() as connection, connection.begin():
            await connection.execute(select(func.pg_advisory_xact_lock(ada.id)))  # as replicas
            clock.advance(seconds=25)
            await hold_done(bo, holds["Bo"][1])
            await ada.no_message(within=0.5)  # not while her row is held
        await hold_done(ada, holds["Ada"][1])
    finally:
        await other_replica.dispose()


async def hold_done(person: EmulatedUser, hold: SentMessage) -> None:
    """Wait for the hold's countdown to end (skipping its ticks)."""
    while not (await person.receive_edit(of=hold)).plain_text.endswith("hold done."):
        pass


async def test_typed_replies_racing_their_timers_move_each_step_on_once(
    ada: EmulatedUser, clock: FakeClock, fake: BotApiEmulator, db: Database
) -> None:
    """Every hold, rest and side switch ends by its timer and by a typed reply at once:
    the step moves on once (it used to send "set 2 of 2" twice; bot/runtime/user_turns.py)."""
    await ada.send("/stop")  # no reminders in the way
    await ada.receive()
    message = await start_today(ada)
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
            await db.idle()  # the reply is handled and the due-work loop has looked too
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
