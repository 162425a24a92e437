"""/export sends everything stored; /delete erases every row, after a confirmation."""

from __future__ import annotations

import json

from sqlalchemy import Table, func, select

from bot.db.models import BOT_WIDE_TABLES, Base, User
from bot.emulator import BotApiEmulator
from bot.runtime.context import BotApplication
from tests.conftest import Database
from tests.journeys import onboard_by_buttons


async def rows_about(db: Database, user_id: int) -> dict[str, int]:
    """How many rows each table holds about the user."""
    counts = {}
    async with db.connect() as connection:
        for table in Base.metadata.sorted_tables:
            assert isinstance(table, Table)
            if table.name in BOT_WIDE_TABLES:
                assert "user_id" not in table.c
                continue
            key = table.c.id if table is User.__table__ else table.c.get("user_id")
            assert key is not None, f"{table.name} has no user_id: /delete would miss it"
            counts[table.name] = int(
                await connection.scalar(
                    select(func.count()).select_from(table).where(key == user_id)
                )
                or 0
            )
    return counts


async def test_export_sends_a_json_file_with_everything_stored(
    bot: BotApplication, fake: BotApiEmulator
) -> None:
    ada = fake.user(user_id=5001, first_name="Ada <3")
    await onboard_by_buttons(ada)
    await ada.send("/export")
    document = await ada.receive()
    assert document.method == "sendDocument"
    assert document.filename == "back-care-bot-data.json"
    data = json.loads(document.document or b"")
    tables = data["tables"]
    assert tables["users"][0]["first_name"] == "Ada <3"
    assert tables["preferences"][0]["timezone"] == "Europe/Berlin"
    assert tables["preferences"][0]["reminder_time"] == "07:30:00"
    assert [(r["rating"], r["kind"]) for r in tables["pain_ratings"]] == [(2, "baseline")]
    assert set(tables) == {t.name for t in Base.metadata.sorted_tables} - BOT_WIDE_TABLES
    assert tables["preferences"][0]["pictures"] is True


async def test_delete_asks_first_and_then_leaves_no_row_in_any_table(
    bot: BotApplication, fake: BotApiEmulator, db: Database
) -> None:
    bo = fake.user(user_id=5002, first_name="Bo")
    keeper = fake.user(user_id=5003, first_name="Keeper")
    await onboard_by_buttons(bo)
    await onboard_by_buttons(keeper)
    await bo.send("/delete")
    confirm = await bo.receive()
    assert "Erase everything I store about you?" in confirm.plain_text
    await bo.press(confirm, "No, keep my data")
    assert (await bo.receive_edit()).plain_text == "Nothing was deleted. Your data is as it was."
    assert all(await rows_about(db, 5002))

    await bo.send("/delete")
    await bo.receive()
    await bo.send("maybe")
    assert 'Type "yes" to erase' in (await bo.receive()).plain_text
    await bo.send("yes")
    assert (await bo.receive()).plain_text.startswith(
        "Done: everything I stored about you is erased."
    )
    assert await rows_about(db, 5002) == {table: 0 for table in await rows_about(db, 5002)}
    assert all(await rows_about(db, 5003)), "another user's data was touched"

    await bo.send("hello")  # no row comes back just because they wrote again
    assert (await bo.receive()).plain_text.startswith("Send /start first")
    assert sum((await rows_about(db, 5002)).values()) == 0


async def test_delete_by_button(bot: BotApplication, fake: BotApiEmulator, db: Database) -> None:
    cy = fake.user(user_id=5004, first_name="Cy")
    await onboard_by_buttons(cy)
    await cy.send("/settings")
    await cy.press(await cy.receive(), "🗑 Delete my data")
    confirm = await cy.receive()
    await cy.press(confirm, "Yes, erase everything")
    assert (await cy.receive()).plain_text.startswith("Done: everything I stored")
    assert sum((await rows_about(db, 5004)).values()) == 0
    again = await cy.press(confirm, "Yes, erase everything")  # nothing left to act on
    assert again.text == "Send /start first, and I'll set you up in under a minute."
