"""/stats: for ADMIN_IDS only, and invisible to everyone else."""

from __future__ import annotations

import pytest

from bot.config import Settings, load_settings
from bot.emulator import BotApiEmulator, EmulatedUser
from bot.runtime.context import BotApplication
from tests.conftest import TOKEN
from tests.journeys import onboard_by_buttons

ADMIN = 9901


@pytest.fixture
def admin(fake: BotApiEmulator) -> EmulatedUser:
    """The admin has written to the bot before it starts, so its menu can be set."""
    return fake.user(user_id=ADMIN, first_name="Admin")


@pytest.fixture
def settings(fake: BotApiEmulator, database_url: str, admin: EmulatedUser) -> Settings:
    return load_settings(
        _env_file=None, bot_token=TOKEN, telegram_base_url=fake.base_url,
        database_url=database_url, admin_ids=str(ADMIN),
    )  # fmt: skip


async def test_stats_answers_admins_only_and_only_they_see_it(
    bot: BotApplication, fake: BotApiEmulator, admin: EmulatedUser
) -> None:
    someone = fake.user(user_id=9902, first_name="Someone")
    await onboard_by_buttons(someone)
    await admin.send("/stats")
    stats = await admin.receive()
    assert stats.plain_text.startswith(
        "📊 Bot statistics\nUsers: 1 (1 getting reminders, 0 blocked)"
    )
    assert "Errors since the last start: 0" in stats.plain_text
    await someone.send("/stats")
    assert (await someone.receive()).plain_text == (
        "I don't know that command. Send /help to see them all."
    )
    assert "stats" in [c["command"] for c in fake.commands_for(ADMIN)]
    assert "stats" not in [c["command"] for c in fake.commands_for(someone.id)]
    await someone.send("/help")
    assert "/stats" not in (await someone.receive()).plain_text
