"""Fault injection: with a share of the Bot API calls failing (429, 5xx, hanging requests,
dropped connections), users see exactly what they see when nothing fails (but for an
exercise's picture, which gives way rather than hold up its card)."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.config import load_settings
from bot.db.models import SessionTimer, User
from bot.emulator import BotApiEmulator
from bot.runtime.context import BotApplication
from tests.conftest import (
    QUICK,
    TOKEN,
    Database,
    FakeClock,
    new_emulator,
    running_bot,
    settle_on,
)
from tests.journeys import coach_through, set_up_earlier, start_today

WEDNESDAY_REMINDER = datetime(2026, 11, 25, 6, 30, tzinfo=UTC)  # 07:30 in Berlin
# The bot gives up on a call after 1 s; a hanging request answers after 1.5 s, too late.
PATIENT = replace(QUICK, request_timeout=1.0)

Transcript = dict[int, list[str]]


async def day_of_three_users(share: float, tmp_path: Path) -> tuple[Transcript, BotApiEmulator]:
    """Onboarding, a whole guided session with timed holds, a stretch card and the next
    morning's reminders, with `share` of the calls failing; what each chat ends up showing."""
    clock = FakeClock(datetime(2026, 11, 24, 7, 0, tzinfo=UTC))
    async with new_emulator(clock=clock.now) as fake:
        settings = load_settings(
            _env_file=None,
            bot_token=TOKEN,
            telegram_base_url=fake.base_url,
            database_url=f"sqlite+aiosqlite:///{tmp_path / f'share-{share}.db'}",
            data_dir=tmp_path / "data",
        )
        async with running_bot(settings, clock, PATIENT) as application:
            settle_on(fake, [application])
            fake.inject_faults(share, seed=8)
            alice, bob, carol = (fake.user(8100 + n, name) for n, name in enumerate("ABC"))
            await set_up_earlier(alice, clock)
            await set_up_earlier(bob, clock, zone="Lisbon")
            first_card = await start_today(alice)
            await coach_through(alice, clock, first_card)
            await carol.send("/stretch bridge")
            await carol.receive()
            clock.advance(seconds=(WEDNESDAY_REMINDER - clock.now()).total_seconds())
            await alice.receive()  # Berlin's 07:30 comes first
            clock.advance(hours=1)
            await bob.receive()
            await alice.no_message(within=0.5)
            await bob.no_message(within=0.1)
        transcript: Transcript = {}
        # Exercise pictures are now or never (Lane.PICTURE): one that fails is not tried
        # again, and its card goes without it. What must arrive is everything else.
        for sent in (m for m in fake.messages if m.animation is None):
            now = fake.message(sent.chat_id, sent.message_id)
            transcript.setdefault(sent.chat_id, []).append(now.plain_text if now else "<deleted>")
    return transcript, fake


async def test_every_message_arrives_once_whatever_fails_on_the_way(tmp_path: Path) -> None:
    clean, _ = await day_of_three_users(0, tmp_path)
    faulty, fake = await day_of_three_users(0.2, tmp_path)
    kinds = Counter(kind for _, kind in fake.faults_served)
    assert set(kinds) == {"429", "500", "502", "timeout", "drop"}, kinds
    assert len(fake.faults_served) >= 20
    assert sum(len(texts) for texts in clean.values()) >= 40
    assert faulty == clean  # nothing missing, nothing twice, every edit in place


async def test_a_user_gone_mid_hold_ends_the_coaching_quietly(
    bot: BotApplication, fake: BotApiEmulator, clock: FakeClock, db: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    ada = fake.user(user_id=8201, first_name="Ada")
    await set_up_earlier(ada, clock)
    card = await start_today(ada)
    await ada.press(card, "▶️ Start")
    first_step = await ada.receive()
    assert "Tap Done" in first_step.plain_text or "s left" in first_step.plain_text
    ada.deactivate()  # no update comes: only the failing sends tell
    before = len(fake.calls)
    caplog.set_level(logging.WARNING)
    clock.advance(minutes=6)  # the idle nudge is due: its send finds nobody there
    await fake.wait_until(
        lambda: [c for c in fake.calls[before:] if c.parameters.get("chat_id") == ada.id]
        or None, 5, "no nudge attempted",
    )  # fmt: skip
    await db.idle()  # the nudge's failure is recorded: Ada is marked gone
    attempts = [c for c in fake.calls if c.parameters.get("chat_id") == ada.id]
    clock.advance(minutes=60)  # the pause, and anything later, is not attempted any more
    await db.idle()
    assert [c for c in fake.calls if c.parameters.get("chat_id") == ada.id] == attempts
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    async with db.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(SessionTimer)) == 0
        assert await connection.scalar(select(User.blocked_at).where(User.id == ada.id))
