"""Onboarding end to end: by buttons, by typing, with a location, red flags, bad input, restarts."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from bot.db.models import PainRating, Preferences
from bot.emulator import BotApiEmulator
from bot.runtime.context import BotApplication
from tests.conftest import BotRunner, Database, FakeClock
from tests.journeys import onboard_by_buttons, report_red_flags


async def preferences_of(db: Database, user_id: int) -> Preferences:
    async with db.connect() as connection:
        row = (
            await connection.execute(select(Preferences).where(Preferences.user_id == user_id))
        ).one()
    return Preferences(**row._mapping)


async def pain_ratings(db: Database, user_id: int) -> list[tuple[int, str]]:
    async with db.connect() as connection:
        rows = await connection.execute(
            select(PainRating.rating, PainRating.kind).where(PainRating.user_id == user_id)
        )
        return [(rating, kind) for rating, kind in rows]


async def test_the_whole_onboarding_by_buttons(
    bot: BotApplication, fake: BotApiEmulator, db: Database, clock: FakeClock
) -> None:
    ada = fake.user(user_id=3001, first_name="Ada")
    await ada.send("/start")
    welcome = await ada.receive()
    assert "not a diagnosis" in welcome.plain_text
    assert welcome.buttons == ["✅ I understand"]
    await ada.press(welcome, "✅ I understand")

    red_flags = await ada.receive()
    for flag in ("groin or saddle", "bladder or bowel", "legs", "fever", "fall or injury",
                 "cancer", "weight loss"):  # fmt: skip
        assert flag in red_flags.plain_text
    await ada.press(red_flags, "No, none of these")

    pain = await ada.receive()
    assert pain.buttons == [str(n) for n in range(11)]
    await ada.press(pain, "3")

    when = await ada.receive()
    assert "07:30" in when.buttons
    await ada.press(when, "07:30")

    where = await ada.receive()
    assert where.plain_text.startswith("⏰ Noted: 07:30, your local time.\n\n🌍 Which time zone")
    assert where.reply_markup is not None
    assert where.reply_markup["keyboard"][0][0]["request_location"] is True
    await ada.share_location(52.52, 13.405)  # Berlin

    done = await ada.receive()
    # 07:00 UTC on 24 Nov 2026 is 08:00 in Berlin, a Tuesday.
    assert "Time zone set to Europe/Berlin: it's 08:00 on Tue there now." in done.plain_text
    assert "All set! Reminders at 07:30 (Europe/Berlin), every day." in done.plain_text
    assert done.reply_markup == {"remove_keyboard": True}

    stored = await preferences_of(db, 3001)
    assert stored.onboarding_step is None
    assert stored.reminders_enabled is True
    assert (stored.timezone, str(stored.reminder_time)) == ("Europe/Berlin", "07:30:00")
    assert stored.red_flags == "none"
    assert stored.disclaimer_accepted_at == clock.now()
    assert await pain_ratings(db, 3001) == [(3, "baseline")]
    assert all(answer.text is None for answer in fake.callback_answers)  # answered, no pop-ups
    assert len(fake.callback_answers) == 4


async def test_the_whole_onboarding_by_typing(
    bot: BotApplication, fake: BotApiEmulator, db: Database
) -> None:
    bo = fake.user(user_id=3002, first_name="Bo")
    await bo.send("/start")
    await bo.receive()
    for typed in ("ok", "no", "4/10", "7:30 pm"):
        await bo.send(typed)
        asked = await bo.receive()
    assert asked.plain_text.startswith("⏰ Noted: 19:30, your local time.")
    await bo.send("Asia/Kathmandu")
    done = await bo.receive()
    assert "Reminders at 19:30 (Asia/Kathmandu), every day." in done.plain_text
    # 07:00 UTC is 12:45 in Kathmandu (UTC+05:45).
    assert "it's 12:45 on Tue there now" in done.plain_text
    assert await pain_ratings(db, 3002) == [(4, "baseline")]
    assert fake.callback_answers == []


async def test_red_flags_get_advice_and_no_reminders_until_cleared(
    bot: BotApplication, fake: BotApiEmulator, db: Database
) -> None:
    cy = fake.user(user_id=3003, first_name="Cy")
    advice = await report_red_flags(cy)
    assert "see a doctor or another healthcare professional" in advice.plain_text
    assert "seek urgent medical care today" in advice.plain_text
    assert "I won't send reminders for now" in advice.plain_text
    stored = await preferences_of(db, 3003)
    assert (stored.red_flags, stored.onboarding_step) == ("present", "clearance")
    assert stored.reminders_enabled is False

    await cy.send("/settings")
    settings = await cy.receive()
    assert "waiting until a professional clears you to exercise" in settings.plain_text
    await cy.send("/time 8")  # kept; the clearance question is not pushed again
    assert (await cy.receive()).plain_text.startswith("⏰ Noted: 08:00")
    await cy.no_message(within=0.3)

    await cy.send("yes")  # not a clearance: the question is asked again
    again = await cy.receive()
    assert 'type "cleared"' in again.plain_text
    assert again.buttons == ["I've been cleared to exercise"]
    await cy.press(again, "I've been cleared to exercise")  # one tap is not enough
    confirm = await cy.receive()
    assert "has a doctor, physiotherapist or other healthcare professional" in confirm.plain_text
    assert confirm.buttons == ["Yes, a professional checked me", "Not yet"]
    assert (await preferences_of(db, 3003)).onboarding_step == "clearance_confirm"
    await cy.press(confirm, "Yes, a professional checked me")
    assert "How much does your back hurt today" in (await cy.receive()).plain_text
    assert (await preferences_of(db, 3003)).red_flags == "cleared"


async def test_a_second_ok_is_not_taken_as_a_red_flag(
    bot: BotApplication, fake: BotApiEmulator, db: Database
) -> None:
    """ "ok" accepts the disclaimer; at the safety check it says nothing either way."""
    fay = fake.user(user_id=3011, first_name="Fay")
    await fay.send("/start")
    await fay.receive()
    await fay.send("ok")
    assert "safety check" in (await fay.receive()).plain_text
    await fay.send("ok")
    again = await fay.receive()
    assert again.plain_text.startswith('Please tap a button, or type "no" or "yes".')
    assert again.buttons == ["No, none of these", "Yes, at least one"]
    assert (await preferences_of(db, 3011)).red_flags is None
    await fay.send("no")
    assert "How much does your back hurt today" in (await fay.receive()).plain_text


async def test_bad_answers_get_a_hint_and_the_question_again(
    bot: BotApplication, fake: BotApiEmulator
) -> None:
    di = fake.user(user_id=3004, first_name="Di")
    await di.send("/start")
    await di.receive()
    await di.send("whatever")
    hint = await di.receive()
    assert 'type "ok"' in hint.plain_text
    assert hint.buttons == ["✅ I understand"]
    await di.send("I understand")
    await di.receive()
    await di.send("maybe?")
    assert "Please tap a button" in (await di.receive()).plain_text
    await di.send("none of these")
    await di.receive()
    await di.send("/help")  # in the middle of setting up: help, then back to the question
    assert "/today" in (await di.receive()).plain_text
    again = await di.receive()
    assert again.plain_text.startswith("How much does your back hurt today")
    assert again.buttons == [str(n) for n in range(11)]
    for bad in ("11", "-2", "lots"):
        await di.send(bad)
        assert "whole number from 0 (no pain) to 10" in (await di.receive()).plain_text
    await di.send("0")
    await di.receive()
    for bad, shown in (
        ("25:99", '"25:99" isn\'t a time'),
        ("tomorrow", '"tomorrow" isn\'t a time'),
    ):
        await di.send(bad)
        reply = await di.receive()
        assert shown in reply.plain_text
        assert "07:30" in reply.buttons  # the question is asked again
    await di.send("6.45")
    await di.receive()
    for bad in ("Mars/Olympus", "UTC+15"):
        await di.send(bad)
        reply = await di.receive()
        assert f'I don\'t know the time zone "{bad}"' in reply.plain_text
        assert reply.reply_markup is not None
        assert "keyboard" in reply.reply_markup
    await di.send("utc+5:30")
    assert "Reminders at 06:45 (UTC+05:30)" in (await di.receive()).plain_text


async def test_a_location_at_sea_gets_the_nautical_zone(
    bot: BotApplication, fake: BotApiEmulator
) -> None:
    ed = fake.user(user_id=3005, first_name="Ed")
    await onboard_by_buttons(ed)
    await ed.share_location(0.0, -30.0)  # the middle of the Atlantic
    reply = await ed.receive()
    assert "Time zone set to UTC-02:00: it's 05:00 on Tue there now." in reply.plain_text


async def test_names_and_words_that_look_like_html_are_shown_as_typed(
    bot: BotApplication, fake: BotApiEmulator
) -> None:
    eve = fake.user(user_id=3006, first_name="<b>Eve</b> & 🐍")
    await eve.send("/start")
    assert (await eve.receive()).plain_text.startswith("Hi <b>Eve</b> & 🐍!")
    for typed in ("ok", "no", "5", "8:00"):
        await eve.send(typed)
        await eve.receive()
    await eve.send("<script>&amp;")
    assert 'time zone "<script>&amp;"' in (await eve.receive()).plain_text
    await eve.send("x" * 4000)  # quoted back, but cut short
    reply = await eve.receive()
    assert "x" * 39 + "…" in reply.plain_text
    assert len(reply.plain_text) < 400


async def test_a_restart_mid_onboarding_continues_at_the_same_question(
    run_bot: BotRunner, fake: BotApiEmulator, db: Database
) -> None:
    fay = fake.user(user_id=3007, first_name="Fay")
    async with run_bot():
        await fay.send("/start")
        await fay.press(await fay.receive(), "✅ I understand")
        await fay.press(await fay.receive(), "No, none of these")
        pain_question = await fay.receive()
    async with run_bot():
        await fay.send("6")  # typed straight after the restart: still the pain question
        assert "What time should I remind you" in (await fay.receive()).plain_text
        expired = await fay.press(pain_question, "3")  # its buttons are from before
        assert expired.text == "This menu has expired. Send /settings for a fresh one."
        await fay.send("/start")
        again = await fay.receive()
        assert again.plain_text.startswith("Welcome back, Fay! Let's carry on with your setup")
        assert "What time should I remind you" in (await fay.receive()).plain_text
    assert await pain_ratings(db, 3007) == [(6, "baseline")]


async def test_start_for_someone_set_up_shows_their_settings_and_wipes_nothing(
    bot: BotApplication, fake: BotApiEmulator, db: Database
) -> None:
    gus = fake.user(user_id=3008, first_name="Gus")
    await onboard_by_buttons(gus, time="06:30", zone="Tokyo")
    await gus.send("/start")
    reply = await gus.receive()
    assert reply.plain_text == "Welcome back, Gus!\n\nReminders at 06:30 (Asia/Tokyo), every day."
    stored = await preferences_of(db, 3008)
    assert (stored.timezone, str(stored.reminder_time)) == ("Asia/Tokyo", "06:30:00")
    assert await pain_ratings(db, 3008) == [(2, "baseline")]


async def test_a_time_or_zone_sent_while_setting_up_is_kept_and_setting_up_goes_on(
    bot: BotApplication, fake: BotApiEmulator, db: Database
) -> None:
    cy = fake.user(user_id=3003, first_name="Cy")
    await cy.send("/start")
    await cy.receive()
    await cy.send("/time 7")
    noted = await cy.receive()
    assert noted.plain_text == (
        "⏰ Noted: 07:00, in the time zone you'll choose while setting up."
    )  # not "(UTC)": no zone has been chosen yet
    question = await cy.receive()  # the question it was at, again, with its button
    assert question.buttons == ["✅ I understand"]
    assert (await preferences_of(db, 3003)).reminder_time == time(7, 0)
    await cy.send("/timezone Berlin")
    assert "Time zone set to Europe/Berlin" in (await cy.receive()).plain_text
    question = await cy.receive()  # and the open question again
    assert question.buttons == ["✅ I understand"]
    await cy.press(question, "✅ I understand")
    await cy.press(await cy.receive(), "No, none of these")
    await cy.press(await cy.receive(), "3")
    done = await cy.receive()  # neither the time nor the zone is asked (or confirmed) again
    assert done.plain_text == "✅ All set! Reminders at 07:00 (Europe/Berlin), every day."
    stored = await preferences_of(db, 3003)
    assert (stored.onboarding_step, stored.reminders_enabled) == (None, True)


async def test_a_time_sent_once_the_zone_is_chosen_is_not_asked_again(
    bot: BotApplication, fake: BotApiEmulator, db: Database
) -> None:
    ed = fake.user(user_id=3010, first_name="Ed")
    await ed.send("/start")
    await ed.press(await ed.receive(), "✅ I understand")
    await ed.press(await ed.receive(), "No, none of these")
    await ed.receive()  # the pain question
    await ed.send("/timezone Tokyo")
    assert "Time zone set to Asia/Tokyo" in (await ed.receive()).plain_text
    await ed.receive()  # the pain question again
    await ed.send("/time 6:30")
    assert (await ed.receive()).plain_text == "⏰ Reminder time set to 06:30."
    await ed.receive()  # and again
    await ed.send("4")  # the pain question's answer; nothing more to ask
    done = await ed.receive()
    assert done.plain_text == "✅ All set! Reminders at 06:30 (Asia/Tokyo), every day."
    assert await pain_ratings(db, 3010) == [(4, "baseline")]


async def test_time_command_at_the_time_question_answers_it_and_says_so(
    bot: BotApplication, fake: BotApiEmulator
) -> None:
    fa = fake.user(user_id=3011, first_name="Fa")
    await fa.send("/start")
    await fa.press(await fa.receive(), "✅ I understand")
    await fa.press(await fa.receive(), "No, none of these")
    await fa.press(await fa.receive(), "2")
    asked = await fa.receive()
    assert asked.plain_text.startswith("⏰ What time should I remind you")
    await fa.send("/time 8:15")
    zone_question = await fa.receive()
    assert zone_question.plain_text.startswith("⏰ Noted: 08:15, your local time.\n\n🌍 Which")
    await fa.no_message()
