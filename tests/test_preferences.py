"""Every settings command end to end, with buttons and typed, good input and bad."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.emulator import BotApiEmulator, EmulatedUser
from bot.runtime.context import BotApplication
from tests.conftest import Database, FakeClock
from tests.journeys import onboard_by_buttons
from tests.test_onboarding import preferences_of

EXPIRED = "This menu has expired. Send /settings for a fresh one."


@pytest.fixture
async def ada(bot: BotApplication, fake: BotApiEmulator) -> EmulatedUser:
    """A user who has finished onboarding: 07:30 Europe/Berlin, every day."""
    user = fake.user(user_id=4001, first_name="Ada")
    await onboard_by_buttons(user)
    return user


async def test_time_with_an_argument_in_every_accepted_format(
    ada: EmulatedUser, db: Database
) -> None:
    for typed, shown in (
        ("7:30", "07:30"),
        ("07:45", "07:45"),
        ("7.15", "07:15"),
        ("7:30 pm", "19:30"),
    ):
        await ada.send(f"/time {typed}")
        reply = await ada.receive()
        assert reply.plain_text.startswith(f"⏰ Reminder time set to {shown}.")
    assert str((await preferences_of(db, 4001)).reminder_time) == "19:30:00"


async def test_time_without_or_with_a_bad_argument_asks_with_an_example(
    ada: EmulatedUser, db: Database
) -> None:
    await ada.send("/time")
    usage = await ada.receive()
    assert "Send a time like /time 7:30" in usage.plain_text
    assert "08:00" in usage.buttons
    await ada.send("/time 25:99")
    invalid = await ada.receive()
    assert '"25:99" isn\'t a time I understand. Try 7:30' in invalid.plain_text
    await ada.send("6:15")  # the typed answer to the question
    assert (await ada.receive()).plain_text.startswith("⏰ Reminder time set to 06:15.")
    await ada.press(invalid, "08:00")  # an older menu than the last one: expired
    await ada.send("/time")
    await ada.press(await ada.receive(), "09:00")
    assert (await ada.receive()).plain_text.startswith("⏰ Reminder time set to 09:00.")
    assert str((await preferences_of(db, 4001)).reminder_time) == "09:00:00"


async def test_a_command_cancels_an_unanswered_question(ada: EmulatedUser) -> None:
    await ada.send("/time")
    await ada.receive()
    await ada.send("/help")
    await ada.receive()
    await ada.send("7:30")
    fallback = await ada.receive()
    assert fallback.plain_text.startswith("I didn't catch that.")
    assert fallback.buttons == ["▶️ Today's routine", "📚 All exercises", "❓ Help"]


async def test_timezone_by_name_city_offset_and_location(
    ada: EmulatedUser, db: Database, clock: FakeClock
) -> None:
    for typed, zone, local in (
        ("Asia/Kolkata", "Asia/Kolkata", "12:30"), ("new york", "America/New_York", "02:00"),
        ("UTC-3", "UTC-03:00", "04:00"), ("kathmandu", "Asia/Kathmandu", "12:45"),
        ("52.52, 13.40", "Europe/Berlin", "08:00"),
    ):  # fmt: skip
        await ada.send(f"/timezone {typed}")
        reply = await ada.receive()
        assert reply.plain_text == (
            f"🌍 Time zone set to {zone}: it's {local} on Tue there now.\n"
            f"Reminders at 07:30 ({zone}), every day."  # the same 07:30, in the new zone
        )
        assert reply.reply_markup == {"remove_keyboard": True}
    await ada.send("/pause 3")
    await ada.receive()
    await ada.send("/timezone Berlin")  # while paused, no "Reminders at ..."
    assert (await ada.receive()).plain_text == (
        "🌍 Time zone set to Europe/Berlin: it's 08:00 on Tue there now."
    )
    await ada.send("/timezone")
    usage = await ada.receive()
    assert "/timezone Europe/Berlin" in usage.plain_text
    await ada.share_location(35.68, 139.69)
    assert "Asia/Tokyo" in (await ada.receive()).plain_text
    await ada.send("/timezone Mars/Olympus")
    assert 'I don\'t know the time zone "Mars/Olympus"' in (await ada.receive()).plain_text
    await ada.send("UTC+15")
    assert 'I don\'t know the time zone "UTC+15"' in (await ada.receive()).plain_text
    assert (await preferences_of(db, 4001)).timezone == "Asia/Tokyo"


async def test_days_typed_and_by_toggling(ada: EmulatedUser, db: Database) -> None:
    await ada.send("/days mon wed fri")
    assert (await ada.receive()).plain_text == "📅 Reminder days: Mon, Wed, Fri."
    await ada.send("/days someday")
    usage = await ada.receive()
    assert "I didn't understand those days" in usage.plain_text
    menu = await ada.receive()  # and the menu, to tap instead
    assert menu.buttons[:7] == ["✅ Mon", "▫️ Tue", "✅ Wed", "▫️ Thu", "✅ Fri", "▫️ Sat", "▫️ Sun"]
    await ada.press(menu, "▫️ Tue")
    edited = await ada.receive_edit()
    assert "Mon, Tue, Wed, Fri" in edited.plain_text
    await ada.press(edited, "Weekdays")
    assert "on weekdays" in (await ada.receive_edit()).plain_text
    await ada.press(menu, "Weekdays")  # same set again: answered, nothing to edit
    await ada.no_message()
    await ada.press(menu, "Done")
    assert (await ada.receive_edit()).plain_text == "📅 Reminder days: on weekdays."
    assert (await preferences_of(db, 4001)).weekdays == 0b0011111


async def test_the_last_day_cannot_be_switched_off(ada: EmulatedUser, fake: BotApiEmulator) -> None:
    await ada.send("/days sun")
    await ada.receive()
    await ada.send("/days")
    menu = await ada.receive()
    refused = await ada.press(menu, "✅ Sun")
    assert refused.text == "Keep at least one day. To stop reminders, send /stop."


async def test_pause_resume_and_stop(ada: EmulatedUser, db: Database, clock: FakeClock) -> None:
    await ada.send("/pause 3")
    # Tuesday 24 Nov, 08:00 in Berlin, after today's 07:30 reminder: three reminders are
    # skipped (Wednesday to Friday), and they come back on Saturday.
    assert (await ada.receive()).plain_text.startswith(
        "⏸ Reminders paused: the next one comes on Sat 28 Nov."
    )
    stored = await preferences_of(db, 4001)
    assert stored.paused_until == datetime(2026, 11, 27, 23, 0, tzinfo=UTC)
    await ada.send("/time 9:00")  # a new time says the pause is still on
    assert "paused; the next one comes on Sat 28 Nov" in (await ada.receive()).plain_text
    await ada.send("/settings")
    assert "Reminders: paused; the next one comes on Sat 28 Nov" in (await ada.receive()).plain_text
    await ada.send("/resume")
    assert (await ada.receive()).plain_text.startswith("▶️ Reminders are back on.")
    await ada.send("/resume")
    assert (await ada.receive()).plain_text.startswith("Your reminders aren't paused.")
    await ada.send("/pause")
    assert (await ada.receive()).plain_text == "⏸ Reminders paused until you send /resume."
    for bad in ("/pause soon", "/pause 0", "/pause 400", "/pause -1"):
        await ada.send(bad)
        assert "a number of days from 1 to 365, like /pause 7" in (await ada.receive()).plain_text
    await ada.send("/stop")  # while paused
    assert (await ada.receive()).plain_text.startswith("🔕 Reminders are off.")
    assert (await preferences_of(db, 4001)).reminders_enabled is False
    await ada.send("/resume")  # not "back on": they are still off
    assert (await ada.receive()).plain_text.startswith("🔕 Reminders are off (/stop)")
    await ada.send("/pause 3")  # nor a date a reminder would come on
    assert (await ada.receive()).plain_text.startswith("🔕 Reminders are off (/stop)")
    await ada.send("/pause")
    await ada.receive()
    await ada.send("/start")
    assert "Your reminders are back on." in (await ada.receive()).plain_text
    stored = await preferences_of(db, 4001)
    assert (stored.reminders_enabled, stored.paused_at) == (True, None)  # and not paused


async def test_a_pause_names_the_first_reminder_day_after_it(ada: EmulatedUser) -> None:
    await ada.send("/days mon wed")
    await ada.receive()
    await ada.send("/pause 3")  # Wed 25 to Fri 27 Nov skipped: Sat and Sun are no reminder days
    assert (await ada.receive()).plain_text.startswith(
        "⏸ Reminders paused: the next one comes on Mon 30 Nov."
    )


async def test_settings_menu_shows_everything_and_each_button_works(
    ada: EmulatedUser, fake: BotApiEmulator, db: Database
) -> None:
    await ada.send("/settings")
    menu = await ada.receive()
    for line in (
        "Reminder time: 07:30",
        "Time zone: Europe/Berlin",
        "Days: every day",
        "Reminders: on",
    ):
        assert line in menu.plain_text
    await ada.press(menu, "⏰ Time")
    question = await ada.receive()
    assert "What time should I remind you" in question.plain_text
    # The settings menu was answered: it has expired.
    assert (await ada.press(menu, "📅 Days")).text == EXPIRED
    await ada.press(question, "06:30")
    await ada.receive()
    await ada.send("/settings")
    await ada.press(await ada.receive(), "⏸ Pause")
    assert "paused until you send /resume" in (await ada.receive()).plain_text
    await ada.send("/settings")
    menu = await ada.receive()
    assert "▶️ Resume" in menu.buttons
    await ada.press(menu, "🔕 Stop reminders")
    assert "Reminders are off" in (await ada.receive()).plain_text
    await ada.send("/settings")
    await ada.press(await ada.receive(), "🔔 Turn reminders on")
    assert "Your reminders are back on" in (await ada.receive()).plain_text
    await ada.send("/settings")  # on, and no longer paused either
    assert "Reminders: on" in (await ada.receive()).plain_text
    await ada.send("/settings")
    await ada.press(await ada.receive(), "🌍 Time zone")
    await ada.receive()
    await ada.send("Sydney")
    assert "Australia/Sydney" in (await ada.receive()).plain_text
    stored = await preferences_of(db, 4001)
    assert (str(stored.reminder_time), stored.timezone) == ("06:30:00", "Australia/Sydney")


async def test_settings_commands_before_start_ask_for_start(
    bot: BotApplication, fake: BotApiEmulator
) -> None:
    stranger = fake.user(user_id=4999, first_name="Stranger")
    for command in ("/time 7:30", "/settings", "/export", "/delete", "hello"):
        await stranger.send(command)
        assert (await stranger.receive()).plain_text.startswith("Send /start first")
