"""/start and /help, end to end: the real bot against the Bot API emulator, acting as users."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from sqlalchemy import func, select
from telegram.ext import ApplicationBuilder

from bot.app import JobsFinishingApplication
from bot.content import load_content
from bot.db.models import Preferences, User
from bot.emulator import BotApiEmulator
from bot.runtime.context import BotApplication
from tests.conftest import TOKEN, BotRunner, Database

MESSAGES = load_content().messages


async def count(db: Database, model: type[User] | type[Preferences]) -> int:
    async with db.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(model)) or 0)


async def test_start_twice_stores_one_user_and_greets_them_back(
    bot: BotApplication, fake: BotApiEmulator, db: Database
) -> None:
    ada = fake.user(user_id=1001, first_name="Ada <&> 🌿", username="ada")
    await ada.send("/start")
    welcome = await ada.receive()
    assert welcome.parse_mode == "HTML"
    # The name is escaped on the way in and shown exactly as typed.
    assert welcome.plain_text.startswith("Hi Ada <&> 🌿! I'm Back Care Bot")
    assert "not a diagnosis" in welcome.plain_text

    await ada.press(welcome, "✅ I understand")
    await ada.receive()  # the next onboarding question
    await ada.send("/start")
    again = await ada.receive()
    assert again.plain_text.startswith("Welcome back, Ada <&> 🌿!")
    assert await count(db, User) == 1
    assert await count(db, Preferences) == 1


async def test_help_lists_every_command_of_the_menu(
    bot: BotApplication, fake: BotApiEmulator
) -> None:
    bo = fake.user(user_id=1002, first_name="Bo")
    await bo.send("/help")
    reply = await bo.receive()
    for command, description in MESSAGES.commands.items():
        assert f"/{command} - {description}" in reply.plain_text
    # The command names are fixed by DESIGN.md's interface contract.
    assert {"start", "help", "time", "timezone", "days", "settings", "pause", "resume", "stop",
            "export", "delete"} <= set(MESSAGES.commands)  # fmt: skip


async def test_the_command_menu_is_published_at_start_up(
    bot: BotApplication, fake: BotApiEmulator
) -> None:
    assert fake.commands == [
        {"command": command, "description": description}
        for command, description in MESSAGES.commands.items()
    ]


async def test_a_restart_keeps_the_user(
    run_bot: BotRunner, fake: BotApiEmulator, db: Database
) -> None:
    cy = fake.user(user_id=1003, first_name="Cy")
    async with run_bot():
        await cy.send("/start")
        welcome = await cy.receive()
        assert welcome.plain_text.startswith("Hi Cy!")
        await cy.press(welcome, "✅ I understand")
        await cy.receive()
    async with run_bot():
        await cy.send("/start")
        assert (await cy.receive()).plain_text.startswith("Welcome back, Cy!")
    assert await count(db, User) == 1


async def test_a_failing_handler_is_rolled_back_and_the_user_told_once(
    bot: BotApplication, fake: BotApiEmulator, db: Database
) -> None:
    di = fake.user(user_id=1004, first_name="Di")
    fake.inject_error("sendMessage", status=400, description="Bad Request: injected")
    await di.send("/start")
    apology = await di.receive()
    assert apology.plain_text == MESSAGES.errors.generic
    assert await count(db, User) == 0  # the failed update's write was undone
    await di.send("/start")  # and the bot carries on, treating Di as new
    assert (await di.receive()).plain_text.startswith("Hi Di!")
    assert await count(db, User) == 1


async def test_commands_in_a_group_are_ignored(bot: BotApplication, fake: BotApiEmulator) -> None:
    ed = fake.user(user_id=1005, first_name="Ed")
    group = fake.group(chat_id=-100200, title="Back club")
    await group.send(ed, "/start")
    await ed.send("/help")  # a private message after it is still answered
    assert "/start" in (await ed.receive()).plain_text
    assert [m for m in fake.messages if m.chat_id == -100200] == []


async def test_stopping_lets_background_jobs_finish_and_starts_no_more(
    fake: BotApiEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A run that began while stopping used to be cancelled, and logged as a failure."""
    application = (
        ApplicationBuilder()
        .application_class(JobsFinishingApplication)
        .token(TOKEN)
        .base_url(fake.base_url)
        .build()
    )
    assert application.job_queue is not None
    finished: list[str] = []
    long_runs = asyncio.Event()

    async def work(seconds: float, name: str) -> None:
        await asyncio.sleep(seconds)  # the job's own work: meanwhile the scheduler goes on
        finished.append(name)

    async def long_job(_: Any) -> None:
        long_runs.set()
        await work(0.3, "long")

    async def short_job(_: Any) -> None:  # busy most of the time, like the timers tick
        await work(0.05, "short")

    application.job_queue.run_repeating(long_job, interval=0.01, first=0)
    application.job_queue.run_repeating(short_job, interval=0.01, first=0)
    await application.initialize()
    await application.start()
    await asyncio.wait_for(long_runs.wait(), 5)  # stopping will wait for it to finish
    caplog.set_level(logging.ERROR)
    await application.stop()
    await application.shutdown()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert "long" in finished
