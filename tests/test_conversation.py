"""A conversation that never contradicts itself: reminders and open sessions, swaps,
buttons before /start, pausing and deleting while setting up, declining the disclaimer."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.db.models import ReminderDelivery
from bot.domain.delivery import DeliveryStatus
from bot.emulator import BotApiEmulator
from bot.runtime.context import BotApplication
from tests.conftest import Database, FakeClock
from tests.journeys import WEDNESDAY, move_to, onboard_by_buttons, report_red_flags, start_today


async def statuses(db: Database, user_id: int) -> list[DeliveryStatus]:
    """The user's reminder statuses, once the sender has recorded what it did."""
    await db.idle()
    async with db.connect() as connection:
        return list(
            await connection.scalars(
                select(ReminderDelivery.status).where(ReminderDelivery.user_id == user_id)
            )
        )


async def test_a_reminder_never_interrupts_an_open_session(
    bot: BotApplication, fake: BotApiEmulator, clock: FakeClock, db: Database
) -> None:
    ada = fake.user(user_id=9401, first_name="Ada")
    await onboard_by_buttons(ada)
    await move_to(db, clock, WEDNESDAY - timedelta(seconds=30))  # 07:29:30 Wed
    card = await start_today(ada)
    clock.advance(seconds=30)  # 07:30: the reminder is due, mid-session
    assert await statuses(db, 9401) == ["started"]
    await ada.no_message(within=0)  # folded into the session: nothing sent
    await ada.press(card, "▶️ Start")  # and the session goes on
    assert "Cat-Cow Stretch: set 1 of 1" in (await ada.receive()).plain_text


async def test_a_reminder_s_buttons_act_on_the_session_that_is_open(
    bot: BotApplication, fake: BotApiEmulator, clock: FakeClock, db: Database
) -> None:
    bo = fake.user(user_id=9402, first_name="Bo")
    await onboard_by_buttons(bo)
    await move_to(db, clock, WEDNESDAY)
    reminder = await bo.receive()
    await bo.send("/today")  # started without the reminder's Start
    await bo.receive()
    await bo.press(reminder, "Skip today")  # not "no routine today": the session is open
    assert (await bo.receive_edit(of=reminder)).plain_text == "⏰ Let's go!"
    where = await bo.receive()
    assert "no routine today" not in where.plain_text
    assert "waiting for your pain check-in" in where.plain_text


async def test_do_it_now_for_the_exercise_under_way_shows_where_you_are(
    bot: BotApplication, fake: BotApiEmulator, clock: FakeClock
) -> None:
    cy = fake.user(user_id=9403, first_name="Cy")
    await onboard_by_buttons(cy)
    clock.advance(minutes=30)
    await start_today(cy)  # at Cat-Cow
    await cy.send("/stretch cat cow")
    await cy.press(await cy.receive(), "▶️ Do it now")
    where = await cy.receive()
    assert "instead of" not in where.plain_text
    assert "1/7 · Cat-Cow Stretch" in where.plain_text
    assert "▶️ Start" in where.buttons


async def test_buttons_before_start_say_to_start(bot: BotApplication, fake: BotApiEmulator) -> None:
    dee = fake.user(user_id=9404, first_name="Dee")
    await dee.send("purple")  # the "I didn't catch that" buttons work without an account too
    assert (await dee.receive()).plain_text.startswith("Send /start first")
    setup = fake.user(user_id=9405, first_name="Setup")
    await onboard_by_buttons(setup)
    await setup.send("/stretch bridge")
    card = await setup.receive()
    answer = await dee.press_data(card, card.callback_data("▶️ Do it now"))
    assert answer.text == "Send /start first, and I'll set you up in under a minute."


async def test_while_setting_up_pause_promises_nothing_and_delete_asks_again(
    bot: BotApplication, fake: BotApiEmulator
) -> None:
    eve = fake.user(user_id=9406, first_name="Eve")
    await eve.send("/start")
    await eve.receive()
    await eve.send("no")  # declining the disclaimer: what it means and how to leave
    declined = await eve.receive()
    assert "I can only coach you once you've accepted" in declined.plain_text
    assert "/delete" in declined.plain_text
    assert declined.buttons == ["✅ I understand"]
    await eve.press(declined, "✅ I understand")
    safety = await eve.receive()
    await eve.send("/pause 3")
    assert (await eve.receive()).plain_text == "Let's finish setting you up first: send /start."
    await eve.send("/delete")
    confirm = await eve.receive()
    await eve.press(confirm, "No, keep my data")
    await eve.receive_edit(of=confirm)
    again = await eve.receive()  # the safety question again, with its buttons
    assert "A quick safety check" in again.plain_text
    assert again.buttons == safety.buttons


async def test_turning_reminders_on_while_waiting_for_clearance_says_they_wait(
    bot: BotApplication, fake: BotApiEmulator
) -> None:
    fay = fake.user(user_id=9407, first_name="Fay")
    await report_red_flags(fay)
    await fay.send("/settings")
    menu = await fay.receive()
    await fay.press(menu, "🔔 Turn reminders on")
    reply = await fay.receive()
    assert reply.plain_text.startswith("Your routine is paused for your safety")
    assert "back on" not in reply.plain_text
