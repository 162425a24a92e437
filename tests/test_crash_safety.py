"""Crash safety: `python -m bot` is SIGKILLed at random moments (during onboarding, in a
guided session, during a reminder fan-out) and restarted, again and again. Afterwards no
reminder is lost, none is doubled except by a kill between Telegram's answer and the
commit that records it (the Bot API has no idempotency key), the session goes on from
its stored state, and the database passes SQLite's integrity checks."""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
from collections import Counter
from datetime import UTC, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import create_engine, create_session_factory
from bot.db.migrations import upgrade
from bot.db.models import GuidedSession, Preferences, ReminderDelivery, User
from bot.db.repo import Repo
from bot.db.users import UserProfile
from bot.domain import session_codec
from bot.emulator import BotApiEmulator, EmulatedUser
from bot.reminders.dispatcher import SENDING_AT_ONCE
from tests.conftest import new_emulator
from tests.test_cli import start_bot_process

CYCLES = 9  # three of each kind of moment
SUBSCRIBERS_PER_FANOUT = 40
FIRST_SUBSCRIBER = 40_000
ONBOARDING = ("/start", "ok", "no", "2", "7:30", "Berlin")


async def subscribe(engine: AsyncEngine, user_ids: range) -> None:
    """Subscribers set up earlier, with no reminder due yet."""
    factory = create_session_factory(engine)
    now = datetime.now(UTC)
    async with factory() as db:
        for user_id in user_ids:
            await Repo(db).users.get_or_create(UserProfile(user_id, f"Sub {user_id}"), now)
        await db.execute(
            update(Preferences).where(Preferences.user_id.in_(list(user_ids))).values(
                reminder_time=time_of_day(7, 30), timezone="Europe/Berlin",
                reminders_enabled=True, onboarding_step=None,
                next_reminder_at=now + timedelta(days=1),
            )
        )  # fmt: skip
        await db.commit()


async def make_due(engine: AsyncEngine, user_ids: range) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            update(Preferences)
            .where(Preferences.user_id.in_(list(user_ids)))
            .values(next_reminder_at=datetime.now(UTC))
        )


async def lease_runs_out(engine: AsyncEngine) -> None:
    """While no bot runs: a claim its dead process never recorded is taken to be lost."""
    async with engine.begin() as connection:
        await connection.execute(
            update(ReminderDelivery)
            .where(ReminderDelivery.status == "claimed")
            .values(claimed_at=datetime.now(UTC) - timedelta(minutes=3))
        )


async def stored_session(engine: AsyncEngine, user_id: int) -> dict[str, Any] | None:
    """The open session's stored state."""
    async with engine.connect() as connection:
        state = await connection.scalar(
            select(GuidedSession.state)
            .where(GuidedSession.user_id == user_id, GuidedSession.finished_at.is_(None))
        )  # fmt: skip
    return dict(state) if state is not None else None


async def talk(user: EmulatedUser, lines: list[str]) -> None:
    """Type each line and read the answer, as a person would, until the bot dies."""
    for line in lines:
        await user.send(line)
        await user.receive(timeout=10)


def reminders_to(fake: BotApiEmulator) -> Counter[int]:
    return Counter(m.chat_id for m in fake.messages if "Time for today" in m.plain_text)


async def test_random_sigkills_lose_nothing_and_leave_a_sound_database(tmp_path: Path) -> None:
    # The bot runs in another process on the real clock; so does this fake's rate limit.
    async with new_emulator() as fake:
        await crash_again_and_again(fake, tmp_path)


async def crash_again_and_again(fake: BotApiEmulator, tmp_path: Path) -> None:
    rng = random.Random(20261127)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'data' / 'bot.db'}")
    await upgrade(engine)
    fanouts = [
        range(FIRST_SUBSCRIBER + n * SUBSCRIBERS_PER_FANOUT,
              FIRST_SUBSCRIBER + (n + 1) * SUBSCRIBERS_PER_FANOUT)
        for n in range(CYCLES // 3)
    ]  # fmt: skip
    for batch in fanouts:
        await subscribe(engine, batch)
        for user_id in batch:
            fake.user(user_id=user_id, first_name=f"Sub {user_id}")
    ada = fake.user(user_id=2101, first_name="Ada")
    newcomers: list[EmulatedUser] = []
    kills_in_fanouts = 0

    process = await start_bot_process(fake, cwd=tmp_path, LOG_LEVEL="INFO")
    try:
        await fake.wait_for_call("setMyCommands", timeout=30)
        for typed in (*ONBOARDING, "/today"):
            await ada.send(typed)
            await ada.receive(timeout=10)  # last, the overview and the first exercise card
        for cycle in range(CYCLES):
            if cycle:
                process = await start_bot_process(fake, cwd=tmp_path, LOG_LEVEL="INFO")
                started = len([c for c in fake.calls if c.method == "setMyCommands"])
                await fake.wait_until(
                    lambda n=started: len(  # type: ignore[misc]
                        [c for c in fake.calls if c.method == "setMyCommands"]
                    ) > n or None,
                    30, "the bot did not start",
                )  # fmt: skip
            # The sleeps below choose when to kill, at random: they wait for nothing, and
            # nothing is asserted after them but what the restarted bot is waited for to do.
            # (Killing the moment some progress shows would put every kill just after a
            # Telegram answer and before its commit, the worst moment, and no other.)
            kind = cycle % 3
            if kind == 0:  # a reminder fan-out, killed part way (25 a second)
                batch = fanouts[cycle // 3]
                await make_due(engine, batch)
                await fake.wait_until(
                    lambda b=batch: any(reminders_to(fake)[u] for u in b) or None,  # type: ignore[misc]
                    10, "the fan-out did not start",
                )  # fmt: skip
                await asyncio.sleep(rng.uniform(0.0, 0.8))  # a batch takes 1.6 s
                kills_in_fanouts += 1
            elif kind == 1:  # someone new onboarding, typing fast
                newcomer = fake.user(user_id=2200 + cycle, first_name=f"New {cycle}")
                newcomers.append(newcomer)
                conversation = asyncio.create_task(talk(newcomer, list(ONBOARDING)))
                await asyncio.sleep(rng.uniform(0.1, 1.0))
            else:  # Ada in her session: tapping on, a hold or a rest running
                if cycle == 2:  # Start, Done, Start: the Child's Pose hold is running
                    taps = ["start", "done", "start"]
                else:
                    taps = [rng.choice(["start", "done", "go"]) for _ in range(3)]
                conversation = asyncio.create_task(talk(ada, taps))
                if cycle == 2:
                    await conversation
                    hold = await stored_session(engine, ada.id)
                    assert hold is not None
                    assert hold["phase"] == "hold", hold
                await asyncio.sleep(rng.uniform(0.1, 1.0))
            process.kill()  # SIGKILL: no shutdown, no last commit
            await process.communicate()
            if kind:
                conversation.cancel()
                with contextlib.suppress(asyncio.CancelledError, AssertionError):
                    await conversation
            await lease_runs_out(engine)

        before_restart = await stored_session(engine, ada.id)
        assert before_restart is not None
        process = await start_bot_process(fake, cwd=tmp_path, LOG_LEVEL="INFO")
        everyone = [user_id for batch in fanouts for user_id in batch]
        await fake.wait_until(
            lambda: all(reminders_to(fake)[u] for u in everyone) or None, 30,
            "some reminders never arrived",
        )  # fmt: skip
        # The session goes on from where it was stored: /today shows that step.
        await ada.send("/today")
        # An update typed just before the kill may be delivered again after the restart
        # (DESIGN.md: unconfirmed updates are replayed), and its reply may come first.
        for _ in range(4):
            where = await ada.receive(timeout=10)
            if not where.plain_text.startswith(("Reply ", "Tap Start")):  # a replay's hint
                break
        assert "middle of today's session" in where.plain_text or "Pick it up" in where.plain_text
        assert await stored_session(engine, ada.id) == before_restart
        for newcomer in newcomers:  # whatever was lost, /start picks it up
            await newcomer.send("/start")
            await newcomer.receive(timeout=10)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.communicate(), timeout=30)

    counts = reminders_to(fake)
    assert set(counts) == set(everyone)  # none lost
    doubled = sum(n - 1 for n in counts.values())
    # At most those in flight at each kill: sent, the answer not yet recorded. The
    # dispatcher keeps SENDING_AT_ONCE in flight; at the start of a fan-out, with the
    # send budget's burst unspent, that many can be out at once.
    assert doubled <= kills_in_fanouts * SENDING_AT_ONCE, counts
    async with engine.connect() as connection:
        assert (await connection.execute(text("PRAGMA integrity_check"))).scalar() == "ok"
        assert (await connection.execute(text("PRAGMA foreign_key_check"))).all() == []
        users = await connection.scalar(select(func.count()).select_from(User))
        assert users == len(everyone) + 1 + len(newcomers)  # no user stored twice or lost
        statuses = (await connection.execute(select(ReminderDelivery.status))).scalars().all()
        assert set(statuses) == {"sent"}
        assert len(statuses) == len(everyone)  # one delivery row per person and day
        for (state,) in await connection.execute(select(GuidedSession.state)):
            session_codec.load(state)  # every stored session is whole
    await engine.dispose()
