"""Random input from several users at once: every update ends in a reply or a deliberate
silence, never an unhandled error, never a message the API refuses, never another user's data."""

from __future__ import annotations

import logging
import random

import pytest
from sqlalchemy import select

from bot.app import BotApplication
from bot.db.models import Preferences
from tests.conftest import Database
from tests.fakebotapi import FakeBotAPI, FakeUser
from tests.journeys import onboard_by_buttons

COMMANDS = [
    "/start", "/help", "/today", "/stretch", "/exercises", "/progress", "/history", "/settings",
    "/time", "/timezone", "/days", "/pause", "/resume", "/export", "/nonsense", "/time@other_bot",
]  # fmt: skip
WORDS = [
    "done", "pain", "skip", "stop", "start", "ok", "yes", "no", "3", "11", "-1", "7:30", "25:99",
    "bridge", "childs pose", "glutes", "snooze", "skip today", "weekly summary off", "<b>",
    "&amp;", "💥", "  ", "Mars/Olympus", "UTC+15", "mon", "cleared", "0",
]  # fmt: skip


def random_text(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.3:
        return rng.choice(COMMANDS) + rng.choice(["", " ", " " + rng.choice(WORDS), " x" * 30])
    if kind < 0.7:
        return rng.choice(WORDS)
    if kind < 0.85:
        alphabet = "abc <>&\"'/\\\n\t🙂👍🏽é漢字\u200b\u202e0123456789:.-"
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60))).strip() or "x"
    return rng.choice("x🙂<&") * rng.randint(1000, 4096) if rng.random() < 0.5 else "y" * 4096


@pytest.mark.parametrize("seed", [1, 2])
async def test_random_input_never_breaks_the_bot(
    bot: BotApplication, fake: FakeBotAPI, db: Database, seed: int, caplog: pytest.LogCaptureFixture
) -> None:
    rng = random.Random(seed)
    users = [fake.user(user_id=9500 + n, first_name=f"U{n} <&>") for n in range(3)]
    bystander = fake.user(user_id=9600, first_name="Bystander")
    await onboard_by_buttons(bystander, time="06:30", zone="Tokyo")
    await onboard_by_buttons(users[0])
    caplog.set_level(logging.ERROR)
    for _ in range(150):
        user: FakeUser = rng.choice(users)
        mine = [m for m in fake.messages if m.chat_id == user.id and m.buttons]
        if mine and rng.random() < 0.3:
            message = rng.choice(mine[-5:])
            await user.press(message, rng.choice(message.buttons))
        else:
            await user.send(random_text(rng))
        await fake.wait_until_fetched()
        await bot.update_queue.join()  # one at a time: each reply belongs to its update
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    assert not [m for m in fake.messages if "something went wrong" in m.plain_text]
    async with db.connect() as connection:
        tokyo = await connection.scalar(
            select(Preferences.timezone).where(Preferences.user_id == bystander.id)
        )
    assert tokyo == "Asia/Tokyo"
