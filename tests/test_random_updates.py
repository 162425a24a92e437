"""Random updates from several people, drawn by hypothesis, through the real bot.

Every update ends in a reply or a deliberate silence: never an unhandled error,
never a message the API refuses (the emulator refuses like Telegram), never a
spinning button, never a reply in a group or channel, never a change to the
data of someone who was not taking part.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.db.models import GuidedSession, PainRating, Preferences
from bot.emulator import BotApiEmulator, EmulatedUser
from bot.runtime.context import BotApplication
from tests.conftest import Database, FakeClock
from tests.journeys import onboard_by_buttons, set_up_earlier, start_today

COMMANDS = [
    "/start", "/help", "/today", "/stretch", "/exercises", "/progress", "/history", "/settings",
    "/time", "/timezone", "/days", "/pause", "/resume", "/stop", "/export", "/nonsense",
    "/time@other_bot", "/stats", "/delete",
]  # fmt: skip
WORDS = [
    "done", "pain", "skip", "stop", "start", "ok", "yes", "no", "3", "11", "-1", "7:30", "25:99",
    "bridge", "childs pose", "glutes", "snooze", "skip today", "weekly summary off", "<b>",
    "&amp;", "💥", "Mars/Olympus", "UTC+15", "mon", "0", "999999999999999999999", "1e308",
    "weekly summary caturday", "go", "ready", "DELETE", "cancel",
]  # fmt: skip
GROUP_ID, CHANNEL_ID = -1001234, -1009876

unicode_text = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=300)
texts = st.one_of(
    st.sampled_from(WORDS),
    st.tuples(st.sampled_from(COMMANDS), st.sampled_from(["", " "]), st.text(max_size=80)).map(
        "".join
    ),
    unicode_text,
    st.sampled_from(["x", "🙂", "<", "&", "é"]).map(lambda c: c * 4096),
).filter(lambda t: 0 < len(t) <= 4096)
media = st.sampled_from([
    {"sticker": {"file_id": "st1", "file_unique_id": "ust1", "type": "regular", "width": 512,
                 "height": 512, "is_animated": False, "is_video": False, "emoji": "👍"}},
    {"photo": [{"file_id": "ph1", "file_unique_id": "uph1", "width": 90, "height": 90}]},
    {"voice": {"file_id": "vo1", "file_unique_id": "uvo1", "duration": 3}},
    {"document": {"file_id": "do1", "file_unique_id": "udo1", "file_name": "x.pdf"}},
    {"contact": {"phone_number": "+100", "first_name": "Someone"}},
    {"location": {"latitude": 89.9, "longitude": -179.9}},
    {"location": {"latitude": 0.0, "longitude": 0.0}},
    {},  # a message with nothing in it (as a service message looks to a handler)
])  # fmt: skip
forged_data = st.one_of(
    st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=64),
    st.sampled_from(["s:1:0:done", "s:999:1:stop", "rem:1:0:start", "str:do:bridge", "del:yes"]),
)
actions = st.one_of(
    st.tuples(st.just("text"), texts),
    st.tuples(st.just("media"), media),
    st.tuples(st.just("forward"), texts),
    st.tuples(st.just("edit"), texts),
    st.tuples(st.just("group"), texts),
    st.tuples(st.just("channel"), texts),
    st.tuples(st.just("press"), st.integers(0, 30)),
    st.tuples(st.just("forge"), forged_data),
    st.tuples(st.just("press_other"), st.integers(0, 30)),
)
turns = st.lists(st.tuples(st.integers(0, 2), actions), min_size=1, max_size=6)


async def snapshot(db: Database, user_id: int) -> list[Any]:
    """Everything stored about a user that another user's update must not change."""
    async with db.connect() as connection:
        rows: list[Any] = []
        for table, column in (
            (Preferences, Preferences.user_id),
            (GuidedSession, GuidedSession.user_id),
            (PainRating, PainRating.user_id),
        ):
            result = await connection.execute(select(table).where(column == user_id))
            rows.extend(tuple(row) for row in result)
        return rows


async def act(
    fake: BotApiEmulator, user: EmulatedUser, others: list[EmulatedUser], action: Any
) -> None:
    kind, value = action
    if kind == "text":
        await user.send(value)
    elif kind == "media":
        await user.send_content(value)
    elif kind == "forward":
        origin = {"type": "hidden_user", "sender_user_name": "Someone", "date": 1}
        await user.send_content({"text": value, "forward_origin": origin})
    elif kind == "edit":
        await user.edit(await user.send("first words"), value)
    elif kind == "group":
        await fake.group(GROUP_ID, "Back club").send(user, value)
    elif kind == "channel":
        await fake.post_in_channel(CHANNEL_ID, value)
    elif kind in ("press", "forge", "press_other"):
        owner = others[0] if kind == "press_other" else user
        mine = [m for m in fake.messages if m.chat_id == owner.id and m.buttons]
        if not mine:
            await user.send("/help")
            return
        message = mine[-1 - (value if isinstance(value, int) else 0) % len(mine)]
        if kind == "press":
            await user.press(message, message.buttons[0])
        elif kind == "forge":
            mine_now = [m for m in fake.messages if m.chat_id == user.id and m.buttons]
            await user.press_data(mine_now[-1] if mine_now else message, value)
        else:  # another person's real button data, from this user's own chat
            data = message.callback_data(message.buttons[0])
            own = [m for m in fake.messages if m.chat_id == user.id and m.buttons]
            if own:
                await user.press_data(own[-1], data)


@settings(
    max_examples=200, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(turns=turns)
async def test_random_updates_never_break_the_bot(
    turns: list[tuple[int, Any]],
    bot: BotApplication,
    fake: BotApiEmulator,
    db: Database,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    users = [fake.user(user_id=9500 + n, first_name=f"U{n} <&>") for n in range(3)]
    bystander = fake.user(user_id=9600, first_name="Bystander")
    if not fake.messages:  # once per test: a set-up bystander mid-session, one set-up user
        await set_up_earlier(bystander, clock, time="06:30", zone="Tokyo")
        await start_today(bystander)
        await onboard_by_buttons(users[0])
    before = await snapshot(db, bystander.id)
    caplog.clear()
    caplog.set_level(logging.ERROR)
    sent_before = len(fake.messages)
    for who, action in turns:
        others = [u for u in [*users, bystander] if u is not users[who]]
        await act(fake, users[who], [bystander, *others], action)
        await fake.wait_until_fetched()
        await bot.update_queue.join()  # one at a time: each reply belongs to its update
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
    new = fake.messages[sent_before:]
    assert not [m for m in new if "something went wrong" in m.plain_text]
    assert not [m for m in new if m.chat_id in (GROUP_ID, CHANNEL_ID)]  # quiet in groups
    assert await snapshot(db, bystander.id) == before
