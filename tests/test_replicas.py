"""Two bot processes in webhook mode behind a load balancer, on one PostgreSQL database:
reminders go out once, and one person's taps handled by different replicas at the same
moment move their session on once."""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from bot.db.engine import create_engine
from bot.db.models import Preferences, ReminderDelivery
from bot.emulator import BotApiEmulator, EmulatedUser, SentMessage
from tests.conftest import fresh_postgres, new_emulator
from tests.test_cli import start_bot_process
from tests.test_crash_safety import ONBOARDING, make_due, reminders_to, subscribe, talk
from tests.test_webhook import SECRET, free_port

SUBSCRIBERS = range(50_000, 50_120)
EARLIER_STEP = "That button is from an earlier step."
EXPIRED = "This menu has expired. Send /settings for a fresh one."


async def webhook_set(fake: BotApiEmulator, times: int) -> None:
    await fake.wait_until(
        lambda: len([c for c in fake.calls if c.method == "setWebhook"]) >= times or None,
        30, "a replica did not start",
    )  # fmt: skip


async def set_up_and_start(person: EmulatedUser) -> SentMessage:
    """Set up, then /today at once (either replica may take each message: they take turns
    with one person's updates, a newcomer's first one included): the overview and the
    first card, in one message (the pain from setting up is today's)."""
    await talk(person, list(ONBOARDING))
    await person.send("/today")
    return await person.receive(timeout=10)


async def test_two_replicas_share_the_work_and_double_nothing(tmp_path: Path) -> None:
    url = await fresh_postgres()
    engine = create_engine(url)
    ports = [free_port(), free_port()]
    settings = {
        "DATABASE_URL": url, "WEBHOOK_URL": "https://bot.example.com/telegram",
        "WEBHOOK_SECRET": SECRET, "WEBHOOK_LISTEN": "127.0.0.1", "LOG_LEVEL": "INFO",
    }  # fmt: skip
    async with new_emulator() as fake:  # real time, like the processes
        replicas: list[asyncio.subprocess.Process] = []
        try:
            for port in ports:  # one after the other: the first one migrates
                replicas.append(
                    await start_bot_process(fake, cwd=tmp_path, WEBHOOK_PORT=str(port), **settings)
                )
                await webhook_set(fake, times=len(replicas))
            fake.forward_webhook_to(*(f"http://127.0.0.1:{port}/telegram" for port in ports))

            await subscribe(engine, SUBSCRIBERS)
            for user_id in SUBSCRIBERS:
                fake.user(user_id=user_id, first_name=f"Sub {user_id}")
            # A double tap on a setting-up button, one tap to each replica: the replica
            # that waited for the other must see the menu that one moved on to.
            newcomer = fake.user(user_id=3200, first_name="New")
            await newcomer.send("/start")
            welcome = await newcomer.receive(timeout=10)
            answers = await asyncio.gather(
                *(newcomer.press(welcome, "✅ I understand") for _ in range(2))
            )
            assert sorted(answer.text or "" for answer in answers) == ["", EXPIRED]
            assert "safety check" in (await newcomer.receive(timeout=10)).plain_text
            await newcomer.no_message(within=0.5)  # asked once
            people = [fake.user(user_id=3100 + n, first_name=f"P{n}") for n in range(4)]
            cards = await asyncio.gather(*(set_up_and_start(p) for p in people))
            await make_due(engine, SUBSCRIBERS)  # a fan-out while people use the bot

            # Each person taps Start twice at once: the load balancer sends one tap to each
            # replica. The session moves on once; the other tap is an earlier step's.
            pairs = zip(people, cards, strict=True)
            taps = [person.press(card, "▶️ Start") for person, card in pairs for _ in range(2)]
            answers = await asyncio.gather(*taps)
            for n, person in enumerate(people):
                assert sorted([answers[2 * n].text or "", answers[2 * n + 1].text or ""]) == [
                    "", EARLIER_STEP,
                ]  # fmt: skip
                assert "set 1 of 1, 10 reps" in (await person.receive(timeout=10)).plain_text
                await person.no_message(within=0.3)
            for person in people:  # and the sessions go on, a step each, on either replica
                await talk(person, ["done", "start"])  # Child's Pose: a 20 s hold begins
            # Both replicas look for due timers every second; each hold ends once.
            for person in people:
                await person.receive(timeout=40)  # the step after the hold
            for person in people:
                await person.no_message(within=0.5)  # once

            await fake.wait_until(
                lambda: len(reminders_to(fake)) >= len(SUBSCRIBERS) or None, 30,
                "some reminders never arrived",
            )  # fmt: skip
        finally:  # a replica stopping finishes the runs it has begun, sends and all
            for replica in replicas:
                replica.send_signal(signal.SIGTERM)
            outputs = [await asyncio.wait_for(r.communicate(), timeout=30) for r in replicas]
            await engine.dispose()
    assert [r.returncode for r in replicas] == [0, 0], outputs
    counts = reminders_to(fake)
    assert set(counts) == set(SUBSCRIBERS)
    assert set(counts.values()) == {1}  # none twice, though both replicas were sending
    # Nor was a second copy still to come: each day's reminder is claimed once (a row per
    # person and day), and each was recorded as sent with nothing due after it, so no
    # later run of either replica had anything to send.
    assert await left_behind(url) == ([(user_id, "sent") for user_id in SUBSCRIBERS], 0)
    served = [call for call in fake.calls if call.method == "sendMessage"]
    assert len(served) > len(SUBSCRIBERS)


async def left_behind(url: str) -> tuple[list[tuple[int, str]], int]:
    """The subscribers' reminder rows (user, status), and how many subscribers are due."""
    engine = create_engine(url)
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(ReminderDelivery.user_id, ReminderDelivery.status)
            .where(ReminderDelivery.user_id.in_(SUBSCRIBERS))
        )  # fmt: skip
        statuses = sorted((user_id, str(status)) for user_id, status in rows)
        due = await connection.scalar(
            select(func.count())
            .select_from(Preferences)
            .where(
                Preferences.user_id.in_(SUBSCRIBERS),
                Preferences.next_reminder_at <= datetime.now(UTC),
            )
        )
    await engine.dispose()
    return statuses, int(due or 0)
