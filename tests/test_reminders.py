"""Daily reminders end to end: local time, weekdays, pauses, downtime, blocks, 429s, crashes."""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.app import build_application
from bot.config import Settings
from bot.content import load_content
from bot.db.engine import create_engine, create_session_factory
from bot.db.migrations import upgrade
from bot.db.models import Preferences, ReminderDelivery, User
from bot.db.repo import Repo
from bot.db.users import UserProfile
from bot.domain.delivery import DeliveryStatus
from bot.emulator import BotApiEmulator, EmulatedUser
from bot.reminders import dispatcher
from bot.runtime.context import BotApplication, BotContext
from tests.conftest import (
    QUICK,
    BotRunner,
    Database,
    FakeClock,
    FakeTime,
    fresh_postgres,
    until,
)
from tests.journeys import coach_through, onboard_by_buttons, start_today
from tests.test_cli import start_bot_process


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every scheduler test runs on SQLite, and on PostgreSQL when CI provides one."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'data' / 'bot.db'}"
    return await fresh_postgres()


# Onboarded on Tue 24 Nov at 08:00 in Berlin (07:00 UTC) for 07:30 Berlin time:
WEDNESDAY = datetime(2026, 11, 25, 6, 30, tzinfo=UTC)  # the first reminder, 07:30 in Berlin


async def deliveries(db: Database, user_id: int) -> list[tuple[str, DeliveryStatus]]:
    """Each day's reminder status, once the sender has recorded what it did."""
    await db.idle()
    async with db.connect() as connection:
        rows = await connection.execute(
            select(ReminderDelivery.local_date, ReminderDelivery.status)
            .where(ReminderDelivery.user_id == user_id)
            .order_by(ReminderDelivery.local_date)
        )
        return [(str(day), status) for day, status in rows]


async def next_due(db: Database, user_id: int) -> datetime | None:
    async with db.connect() as connection:
        return await connection.scalar(
            select(Preferences.next_reminder_at).where(Preferences.user_id == user_id)
        )


@pytest.fixture
async def ada(bot: BotApplication, fake: BotApiEmulator) -> EmulatedUser:
    user = fake.user(user_id=7001, first_name="Ada")
    await onboard_by_buttons(user)
    return user


def move_to(clock: FakeClock, instant: datetime) -> None:
    clock.advance(seconds=(instant - clock.now()).total_seconds())


async def test_the_reminder_comes_at_the_chosen_local_time_once(
    ada: EmulatedUser, clock: FakeClock, db: Database
) -> None:
    assert await next_due(db, 7001) == WEDNESDAY
    move_to(clock, WEDNESDAY - timedelta(minutes=1))
    await ada.no_message(within=0.3)
    move_to(clock, WEDNESDAY)
    reminder = await ada.receive()
    assert reminder.plain_text == (
        "⏰ Hi Ada! Time for today's back routine: 7 exercises, about 12 min."
    )
    assert reminder.buttons == ["▶️ Start", "💤 Snooze 30 min", "Skip today"]
    await ada.no_message(within=0.3)  # once
    assert await deliveries(db, 7001) == [("2026-11-25", "sent")]
    assert await next_due(db, 7001) == WEDNESDAY + timedelta(days=1)


async def test_no_reminder_on_an_unchosen_day_or_while_paused(
    ada: EmulatedUser, clock: FakeClock, db: Database
) -> None:
    await ada.send("/days fri")
    await ada.receive()
    assert await next_due(db, 7001) == WEDNESDAY + timedelta(days=2)  # Friday
    await ada.send("/pause 7")
    await ada.receive()
    assert await next_due(db, 7001) == WEDNESDAY + timedelta(days=9)  # Fri 4 Dec
    move_to(clock, WEDNESDAY + timedelta(days=2, minutes=1))
    await ada.no_message(within=0.3)
    await ada.send("/resume")
    await ada.receive()
    assert await next_due(db, 7001) == WEDNESDAY + timedelta(days=9)
    move_to(clock, WEDNESDAY + timedelta(days=9))
    assert (await ada.receive()).plain_text.startswith("⏰ Hi Ada!")
    assert await deliveries(db, 7001) == [("2026-12-04", "sent")]


async def test_snooze_once_then_skip(ada: EmulatedUser, clock: FakeClock, db: Database) -> None:
    move_to(clock, WEDNESDAY)
    reminder = await ada.receive()
    await ada.press(reminder, "💤 Snooze 30 min")
    snoozed = await ada.receive_edit(of=reminder)
    assert snoozed.plain_text == "💤 Snoozed. I'll remind you again at 08:00."
    assert snoozed.buttons == []
    clock.advance(minutes=30)
    again = await ada.receive()
    assert again.buttons == ["▶️ Start", "Skip today"]  # snoozes once
    assert (await ada.press(reminder, "💤 Snooze 30 min")).text == (
        "This menu has expired. Send /settings for a fresh one."
    )
    await ada.send("skip today")
    skipped = await ada.receive_edit(of=again)
    assert skipped.plain_text == "OK, no routine today. See you next time!"
    assert await deliveries(db, 7001) == [("2026-11-25", "skipped")]
    assert await next_due(db, 7001) == WEDNESDAY + timedelta(days=1)


async def test_start_on_the_reminder_begins_the_session(
    ada: EmulatedUser, clock: FakeClock
) -> None:
    move_to(clock, WEDNESDAY)
    reminder = await ada.receive()
    await ada.press(reminder, "▶️ Start")
    assert (await ada.receive_edit(of=reminder)).plain_text == "⏰ Let's go!"
    assert "how is your back right now" in (await ada.receive()).plain_text


async def test_start_typed_on_the_reminder_begins_the_session(
    ada: EmulatedUser, clock: FakeClock, db: Database
) -> None:
    move_to(clock, WEDNESDAY)
    reminder = await ada.receive()
    # The sender records which message it sent just after sending it.
    assert await deliveries(db, 7001) == [("2026-11-25", "sent")]
    await ada.send("Start")
    assert (await ada.receive_edit(of=reminder)).plain_text == "⏰ Let's go!"
    assert "how is your back right now" in (await ada.receive()).plain_text
    assert await deliveries(db, 7001) == [("2026-11-25", "started")]


@pytest.mark.parametrize(
    ("late", "expected"),
    [(timedelta(hours=1), ["2026-11-25 sent"]), (timedelta(hours=3), ["2026-11-25 missed"])],
)
async def test_downtime_within_the_grace_window_gives_one_late_reminder_and_longer_none(
    run_bot: BotRunner, fake: BotApiEmulator, clock: FakeClock, db: Database,
    late: timedelta, expected: list[str],
) -> None:  # fmt: skip
    bo = fake.user(user_id=7002, first_name="Bo")
    async with run_bot():
        await onboard_by_buttons(bo)
    move_to(clock, WEDNESDAY + late)  # the bot was down at 07:30
    async with run_bot():
        if expected == ["2026-11-25 sent"]:
            late_one = await bo.receive()
            assert "A little late" in late_one.plain_text
        await bo.no_message(within=0.3)
    assert [f"{day} {status}" for day, status in await deliveries(db, 7002)] == expected
    assert await next_due(db, 7002) == WEDNESDAY + timedelta(days=1)


async def test_a_user_who_blocks_the_bot_gets_nothing_and_is_marked_inactive(
    ada: EmulatedUser, fake: BotApiEmulator, clock: FakeClock, db: Database
) -> None:
    await ada.block()
    async with db.connect() as connection:
        blocked = await connection.scalar(select(User.blocked_at).where(User.id == 7001))
    assert blocked == clock.now()
    assert await next_due(db, 7001) is None
    move_to(clock, WEDNESDAY + timedelta(minutes=1))
    await db.idle()
    assert [m for m in fake.messages if m.chat_id == 7001 and "Time for" in m.plain_text] == []


async def test_a_deactivated_account_is_marked_inactive_on_the_first_403(
    ada: EmulatedUser, fake: BotApiEmulator, clock: FakeClock, db: Database
) -> None:
    ada.deactivate()  # no update arrives: only the failed send tells
    move_to(clock, WEDNESDAY)
    await fake.wait_until(lambda: [d for d in fake.calls if d.method == "sendMessage"
                                   and d.parameters.get("chat_id") == 7001] or None,
                          5, "no attempt")  # fmt: skip
    assert await deliveries(db, 7001) == [("2026-11-25", "blocked")]
    assert await next_due(db, 7001) is None


async def test_a_chat_that_no_longer_exists_gets_no_more_reminders(
    ada: EmulatedUser, fake: BotApiEmulator, clock: FakeClock, db: Database
) -> None:
    fake.inject_error("sendMessage", 400, "Bad Request: chat not found")
    before = len(fake.calls)
    move_to(clock, WEDNESDAY)
    await fake.wait_until(
        lambda: [c for c in fake.calls[before:] if c.method == "sendMessage"] or None, 5,
        "no attempt",
    )  # fmt: skip
    assert await deliveries(db, 7001) == [("2026-11-25", "blocked")]
    assert await next_due(db, 7001) is None
    move_to(clock, WEDNESDAY + timedelta(days=1))
    await db.idle()
    await ada.no_message(within=0)


async def test_429_retry_after_is_honoured(
    run_bot: BotRunner, fake: BotApiEmulator, clock: FakeClock, db: Database
) -> None:
    pace = FakeTime()  # the transport's waits, counted in fake seconds
    async with run_bot(pace.spacing(QUICK)):
        ada = fake.user(user_id=7001, first_name="Ada")
        await onboard_by_buttons(ada)
        await db.idle()  # the first reminder is set when the time zone is stored
        fake.inject_error("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
        move_to(clock, WEDNESDAY)
        assert (await ada.receive()).plain_text.startswith("⏰ Hi Ada!")
    assert pace.now >= 1.0  # waited as told (nothing else waits), then sent once
    attempts = [
        c
        for c in fake.calls
        if c.method == "sendMessage" and "Time for" in str(c.parameters.get("text"))
    ]
    assert len(attempts) == 2


async def test_sigkill_after_the_claim_neither_duplicates_nor_loses_the_reminder(
    fake: BotApiEmulator, tmp_path: Path
) -> None:
    cy = fake.user(user_id=7003, first_name="Cy")
    process = await start_bot_process(fake, cwd=tmp_path, LOG_LEVEL="INFO")
    database = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'data' / 'bot.db'}")
    try:
        await fake.wait_for_call("setMyCommands", timeout=30)
        for typed in ("/start", "ok", "no", "2", "7:30", "Berlin"):
            await cy.send(typed)
            await cy.receive(timeout=10)
        # A reply comes before its update commits, but updates are handled one at a time:
        # once the next one is answered, the time zone's commit is in.
        await cy.send("/help")
        await cy.receive(timeout=10)
        fake.stall("sendMessage")  # the send will be in flight when the bot dies
        async with database.begin() as connection:  # the real clock: make it due now
            assert await connection.scalar(select(Preferences.next_reminder_at)) is not None
            now = datetime.now(UTC)
            await connection.execute(update(Preferences).values(next_reminder_at=now))
        await fake.wait_until(
            lambda: [c for c in fake.calls if c.method == "sendMessage"
                     and "Time for" in str(c.parameters.get("text"))] or None,
            30, "the reminder was never attempted",
        )  # fmt: skip
        process.kill()
        await process.communicate()
        async with database.begin() as connection:  # the claim's lease runs out
            statuses = (await connection.execute(select(ReminderDelivery.status))).scalars()
            assert list(statuses) == ["claimed"]
            await connection.execute(
                update(ReminderDelivery).values(claimed_at=now - timedelta(minutes=3))
            )
        fake.unstall("sendMessage")
        process = await start_bot_process(fake, cwd=tmp_path, LOG_LEVEL="INFO")
        reminder = await cy.receive(timeout=30)
        assert reminder.plain_text.startswith("⏰ Hi Cy!")

        async def settled() -> bool:  # recorded as sent, and the next one is tomorrow's
            async with database.connect() as connection:
                status = await connection.scalar(select(ReminderDelivery.status))
                due = await connection.scalar(select(Preferences.next_reminder_at))
            return status == DeliveryStatus.SENT and due is not None and due > now

        await until(settled, "the reminder was never recorded as sent")
        await cy.no_message(within=0)  # and nothing can send it again
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.communicate(), timeout=30)
        await database.dispose()
    sent = [m for m in fake.messages if m.chat_id == 7003 and "Time for" in m.plain_text]
    assert len(sent) == 1


async def test_two_dispatchers_claiming_at_once_never_claim_the_same_reminder(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    await upgrade(engine)
    factory = create_session_factory(engine)
    now = datetime(2026, 11, 25, 6, 30, tzinfo=UTC)
    async with factory() as db:
        for user_id in range(1, 201):
            await Repo(db).users.get_or_create(UserProfile(user_id, f"User {user_id}"), now)
        await db.execute(
            update(Preferences).values(
                reminder_time=time_of_day(7, 30), timezone="Europe/Berlin",
                reminders_enabled=True, onboarding_step=None, next_reminder_at=now,
            )
        )  # fmt: skip
        await db.commit()

    async def dispatcher() -> list[int]:
        claimed: list[int] = []
        while True:
            async with factory() as db:
                taken = await Repo(db).reminders.claim_due(now, timedelta(hours=2), limit=20)
                await db.commit()
            if not taken.reminders:
                return claimed
            claimed += [reminder.user_id for reminder in taken.reminders]

    first, second = await asyncio.gather(dispatcher(), dispatcher())
    await engine.dispose()
    assert sorted(first + second) == list(range(1, 201))  # each once, none lost


async def seed_due(database_url: str, due: dict[int, datetime]) -> None:
    """Subscribers set up for 07:30 in Berlin, each with their reminder due at `due[id]`."""
    engine = create_engine(database_url)
    await upgrade(engine)
    async with create_session_factory(engine)() as session:
        for user_id, due_at in due.items():
            await Repo(session).users.get_or_create(UserProfile(user_id, f"User {user_id}"), due_at)
            await session.execute(
                update(Preferences).where(Preferences.user_id == user_id).values(
                    reminder_time=time_of_day(7, 30), timezone="Europe/Berlin",
                    reminders_enabled=True, onboarding_step=None, next_reminder_at=due_at,
                )
            )  # fmt: skip
        await session.commit()
    await engine.dispose()


async def test_many_reminders_due_at_once_go_out_once_each(
    run_bot: BotRunner, fake: BotApiEmulator, clock: FakeClock, database_url: str
) -> None:
    await seed_due(database_url, dict.fromkeys(range(1, 46), WEDNESDAY))
    users = [fake.user(user_id=user_id, first_name=f"User {user_id}") for user_id in range(1, 46)]
    move_to(clock, WEDNESDAY)
    async with run_bot():
        for number, user in enumerate(users, start=1):
            assert (await user.receive()).plain_text.startswith(f"⏰ Hi User {number}!")
        await users[0].no_message(within=0.3)
    sent = sorted(message.chat_id for message in fake.messages)
    assert sent == list(range(1, 46))  # each once, none lost


async def test_one_round_of_sending_gets_past_a_backlog_of_missed_reminders(
    fake: BotApiEmulator, settings: Settings, clock: FakeClock, database_url: str
) -> None:
    """Missed ones (due longer ago than the grace period) come first and are settled
    without a send; the round goes on to the timely ones rather than end there."""
    missed = dict.fromkeys(range(1, 121), WEDNESDAY - timedelta(hours=3))  # over a claim's 100
    await seed_due(database_url, missed | dict.fromkeys(range(121, 126), WEDNESDAY))
    for user_id in range(1, 126):
        fake.user(user_id=user_id, first_name=f"User {user_id}")
    move_to(clock, WEDNESDAY)
    application = build_application(settings, load_content(), clock, QUICK)
    await application.initialize()  # not started: no job runs but the one called here
    try:
        await dispatcher.run(BotContext(application))
    finally:
        await application.shutdown()
    assert sorted(message.chat_id for message in fake.messages) == list(range(121, 126))


async def test_a_routine_done_before_its_reminder_names_tomorrows_as_the_next(
    ada: EmulatedUser, clock: FakeClock
) -> None:
    await ada.send("/time 19:00")  # later today
    await ada.receive()
    clock.advance(minutes=20)
    first = await start_today(ada)
    seen = await coach_through(ada, clock, first, typed=True)
    assert "⏰ Next reminder: Wed 25 Nov at 19:00." in seen[-1].plain_text  # not today's


async def test_a_session_with_everything_skipped_leaves_the_days_reminder_on(
    ada: EmulatedUser, clock: FakeClock, db: Database
) -> None:
    await ada.send("/time 19:00")
    await ada.receive()
    clock.advance(minutes=20)
    message = await start_today(ada)
    while "How is your back now" not in message.plain_text:
        await ada.send("skip")
        message = await ada.receive()
    await ada.send("skip")
    assert "⏰ Next reminder: Tue 24 Nov at 19:00." in (await ada.receive()).plain_text
    move_to(clock, datetime(2026, 11, 24, 18, 0, tzinfo=UTC))
    assert (await ada.receive()).plain_text.startswith("⏰ Hi Ada!")
    assert await deliveries(db, 7001) == [("2026-11-24", "sent")]


async def test_one_exercise_done_now_leaves_the_days_reminder_on(
    ada: EmulatedUser, clock: FakeClock, db: Database
) -> None:
    await ada.send("/time 19:00")
    await ada.receive()
    clock.advance(minutes=20)  # the pain rating from setting up is no longer today's
    await ada.send("/stretch childs pose")
    await ada.press(await ada.receive(), "▶️ Do it now")
    await ada.press(await ada.receive(), "2")  # the pain check-in
    await ada.press(await ada.receive(), "▶️ Start")
    hold = await ada.receive()
    clock.advance(seconds=20)
    await ada.receive_edit(of=hold)
    await ada.press(await ada.receive(), "1")  # how the back is now
    assert "⏰ Next reminder: Tue 24 Nov at 19:00." in (await ada.receive()).plain_text
    move_to(clock, datetime(2026, 11, 24, 18, 0, tzinfo=UTC))
    assert (await ada.receive()).plain_text.startswith("⏰ Hi Ada!")  # the routine is still to do
    assert await deliveries(db, 7001) == [("2026-11-24", "sent")]


async def test_no_reminder_on_a_day_whose_routine_is_already_done(
    ada: EmulatedUser, clock: FakeClock, db: Database
) -> None:
    clock.advance(minutes=20)  # the pain rating from setting up is no longer today's
    first = await start_today(ada)  # Tue 24 Nov, 08:20 in Berlin
    await coach_through(ada, clock, first, typed=True)
    await ada.send("/time 19:00")  # later today
    await ada.receive()
    tuesday_evening = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)  # 19:00 in Berlin
    assert await next_due(db, 7001) == tuesday_evening
    move_to(clock, tuesday_evening)
    await ada.no_message(within=0.5)
    assert await deliveries(db, 7001) == [("2026-11-24", "done")]
    move_to(clock, tuesday_evening + timedelta(days=1))  # Wednesday: nothing done yet
    assert (await ada.receive()).plain_text.startswith("⏰ Hi Ada!")


async def test_recording_the_send_never_overwrites_a_snooze_tapped_before_it(
    database_url: str,
) -> None:
    """The person can tap Snooze the moment the reminder arrives, before the sender has
    recorded it as sent: their answer stays (else the snoozed reminder never comes)."""
    engine = create_engine(database_url)
    await upgrade(engine)
    factory = create_session_factory(engine)
    now = datetime(2026, 11, 25, 6, 30, tzinfo=UTC)
    async with factory() as db:
        await Repo(db).users.get_or_create(UserProfile(1, "Ada"), now)
        await db.execute(update(Preferences).values(
            reminder_time=time_of_day(7, 30), timezone="Europe/Berlin", reminders_enabled=True,
            onboarding_step=None, next_reminder_at=now,
        ))  # fmt: skip
        (claimed,) = (
            await Repo(db).reminders.claim_due(now, timedelta(hours=2), limit=20)
        ).reminders
        await db.commit()
    async with factory() as tap:
        delivery = await Repo(tap).reminders.get(claimed.delivery_id)
        assert delivery is not None
        delivery.status, delivery.snoozes = DeliveryStatus.SNOOZED, 1
        await tap.commit()
    async with factory() as sender:
        sent = DeliveryStatus.SENT
        await Repo(sender).reminders.record_outcome(claimed.delivery_id, sent, 99, now)
        await sender.commit()
    async with engine.connect() as connection:
        row = (await connection.execute(
            select(ReminderDelivery.status, ReminderDelivery.snoozes, ReminderDelivery.message_id)
        )).one()  # fmt: skip
    await engine.dispose()
    assert tuple(row) == ("snoozed", 1, 99)


async def test_a_network_error_is_retried_with_backoff(
    ada: EmulatedUser, fake: BotApiEmulator, clock: FakeClock, db: Database
) -> None:
    fake.inject_error("sendMessage", 502, "Bad Gateway")
    move_to(clock, WEDNESDAY)
    assert (await ada.receive()).plain_text.startswith("⏰ Hi Ada!")
    assert await deliveries(db, 7001) == [("2026-11-25", "sent")]
