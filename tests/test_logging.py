"""Logs: one JSON line per event, ids but no personal text at INFO, and never the token."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.emulator import BotApiEmulator
from bot.runtime.context import BotApplication
from bot.runtime.logging_setup import JsonLines
from tests.conftest import TOKEN


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """Everything logged at DEBUG and up, as the bot's formatter writes it; httpx is let
    talk at INFO, as a library that logs request URLs (which hold the token) would."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLines([TOKEN]))
    root, httpx = logging.getLogger(), logging.getLogger("httpx")
    levels = root.level, httpx.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    httpx.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(levels[0])
    httpx.setLevel(levels[1])


def test_one_line_per_event_with_fields_and_the_traceback_inside() -> None:
    formatter = JsonLines(["s3cret", 'we"ird'])
    try:
        raise ValueError("boom s3cret")
    except ValueError as error:
        record = logging.makeLogRecord(
            {"msg": "failed for %s", "args": ('we"ird',), "levelname": "ERROR",
             "exc_info": (ValueError, error, error.__traceback__), "update_id": 7}
        )  # fmt: skip
    line = formatter.format(record)
    assert "\n" not in line
    event = json.loads(line)
    assert event["update_id"] == 7
    assert event["event"] == "failed for <redacted>"
    assert "ValueError: boom <redacted>" in event["error"]
    assert "s3cret" not in line


async def test_logs_name_updates_and_users_but_not_what_they_wrote_nor_the_token(
    json_logs: io.StringIO, bot: BotApplication, fake: BotApiEmulator
) -> None:
    dora = fake.user(user_id=7501, first_name="Dorasecretname")
    await dora.send("/start")
    await dora.receive()
    await dora.send("my private diary words")
    await dora.receive()
    fake.inject_error("sendMessage", 500, "Internal Server Error")  # retried
    await dora.send("/help")
    await dora.receive()
    await dora.receive()  # (setting up: the open question again)
    fake.inject_error("sendMessage", 400, "Bad Request: can't parse entities: boom")
    await dora.send("/help")  # the handler fails; the error handler says sorry
    assert "something went wrong" in (await dora.receive()).plain_text
    await dora.send("/help")  # and the bot keeps running
    assert "/today" in (await dora.receive()).plain_text
    await dora.receive()
    await fake.wait_until_fetched()
    await bot.update_queue.join()

    output = json_logs.getvalue()
    events = [json.loads(line) for line in output.splitlines()]  # every line is one event
    assert TOKEN not in output
    assert TOKEN.split(":")[1] not in output
    assert any("/bot<redacted>/sendMessage" in e["event"] for e in events)  # httpx's URLs
    handled = [e for e in events if e["event"] == "update handled"]
    assert {e["kind"] for e in handled if e["user_id"] == 7501} >= {"command", "text"}
    assert all(isinstance(e["update_id"], int) and e["ms"] >= 0 for e in handled)
    failed = [e for e in events if e["event"] == "handler failed"]
    assert len(failed) == 1
    assert failed[0]["user_id"] == 7501
    assert isinstance(failed[0]["update_id"], int)
    assert "Can't parse entities" in failed[0]["error"]
    not_debug = "\n".join(line for line, e in zip(output.splitlines(), events, strict=True)
                          if e["level"] != "DEBUG")  # fmt: skip
    assert "diary" not in not_debug
    assert "Dorasecretname" not in not_debug
