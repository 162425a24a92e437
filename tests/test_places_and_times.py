"""Time and place as people type them, end to end: spoken times, countries, ambiguous
abbreviations offered as buttons, pause lengths in words; hints name only what is on screen."""

from __future__ import annotations

from bot.emulator import BotApiEmulator
from bot.runtime.context import BotApplication
from tests.conftest import FakeClock
from tests.journeys import onboard_by_buttons, set_up_earlier, start_today


async def test_setting_up_with_a_spoken_time_and_a_country_of_several_zones(
    bot: BotApplication, fake: BotApiEmulator
) -> None:
    ada = fake.user(user_id=9501, first_name="Ada")
    await ada.send("/start")
    await ada.press(await ada.receive(), "✅ I understand")
    await ada.press(await ada.receive(), "No, none of these")
    await ada.press(await ada.receive(), "2")
    await ada.receive()  # the time question
    await ada.send("half past seven")
    assert (await ada.receive()).plain_text.startswith("⏰ Noted: 07:30, your local time.")
    await ada.send("USA")
    choice = await ada.receive()
    assert choice.plain_text.startswith('"USA" has more than one time zone.')
    assert choice.buttons[:3] == ["America/New York", "America/Chicago", "America/Denver"]
    await ada.press(choice, "America/Chicago")
    done = await ada.receive()
    assert "Time zone set to America/Chicago" in done.plain_text
    assert "Reminders at 07:30 (America/Chicago)" in done.plain_text


async def test_timezone_command_with_an_ambiguous_abbreviation_or_a_typo(
    bot: BotApplication, fake: BotApiEmulator
) -> None:
    bo = fake.user(user_id=9502, first_name="Bo")
    await onboard_by_buttons(bo)
    await bo.send("/timezone IST")
    choice = await bo.receive()
    assert choice.buttons == ["Asia/Kolkata", "Asia/Jerusalem", "Europe/Dublin"]
    await bo.press(choice, "Asia/Kolkata")
    assert "Time zone set to Asia/Kolkata" in (await bo.receive()).plain_text
    await bo.press(choice, "Europe/Dublin")  # the choice was made: expired
    await bo.send("/timezone Londn")
    assert "Time zone set to Europe/London" in (await bo.receive()).plain_text
    await bo.send("/timezone Paris, France")
    assert "Time zone set to Europe/Paris" in (await bo.receive()).plain_text


async def test_pause_lengths_in_words(bot: BotApplication, fake: BotApiEmulator) -> None:
    cy = fake.user(user_id=9503, first_name="Cy")
    await onboard_by_buttons(cy)  # Tue 24 Nov, after the day's 07:30 reminder time
    await cy.send("/pause 3 days")
    assert "the next one comes on Sat 28 Nov" in (await cy.receive()).plain_text
    await cy.send("/pause a week")
    assert "the next one comes on Wed 2 Dec" in (await cy.receive()).plain_text
    await cy.send("/pause three")
    assert "the next one comes on Sat 28 Nov" in (await cy.receive()).plain_text


async def test_a_hint_during_a_hold_names_only_its_buttons(
    bot: BotApplication, fake: BotApiEmulator, clock: FakeClock
) -> None:
    dee = fake.user(user_id=9504, first_name="Dee")
    await set_up_earlier(dee, clock)
    card = await start_today(dee)
    await dee.press(card, "⏭ Skip")  # Child's Pose: a hold
    await dee.press(await dee.receive(), "▶️ Start")
    hold = await dee.receive()
    assert "Skip" not in " ".join(hold.buttons)
    await dee.send("hmm")
    hint = await dee.receive()
    assert "skip" not in hint.plain_text.casefold()
    assert '"done", "pain" or "stop"' in hint.plain_text
