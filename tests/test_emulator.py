"""The Bot API emulator refuses what the real one refuses; otherwise the e2e tests prove little."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter

from bot.emulator import BotApiEmulator
from bot.emulator.html import HtmlError, parse_html
from tests.conftest import TOKEN, FakeClock


@pytest.fixture
async def bot(fake: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=fake.base_url) as client:
        yield client


def test_html_gives_the_text_users_read_and_entities_in_utf16_units() -> None:
    plain, entities = parse_html("🌿 <b>Bold &amp; <i>both</i></b> &lt;3 &#169;")
    assert plain == "🌿 Bold & both <3 ©"
    # The emoji is two UTF-16 units: the bold starts at 3, not 2.
    assert entities == [
        {"type": "bold", "offset": 3, "length": 11},
        {"type": "italic", "offset": 10, "length": 4},
    ]


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("1 < 2", 'unexpected "<"'),
        ("fish & chips", 'unexpected "&"'),
        ("&nbsp;", 'unexpected "&"'),
        ("<script>x</script>", 'Unsupported start tag "script"'),
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", "Unmatched end tag"),
        ('<span class="x">x</span>', "tg-spoiler"),
        ("<a>link</a>", "href"),
    ],
)
def test_html_refuses_what_telegram_refuses(html: str, reason: str) -> None:
    with pytest.raises(HtmlError, match=reason):
        parse_html(html)


async def test_bad_html_too_long_text_and_oversized_button_data_are_refused(
    bot: Bot, fake: BotApiEmulator
) -> None:
    ada = fake.user(user_id=1, first_name="Ada")
    with pytest.raises(BadRequest, match=r"(?i)parse entities"):
        await bot.send_message(ada.id, "Tom & Jerry", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await bot.send_message(ada.id, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)text is empty"):
        await bot.send_message(ada.id, "<b> </b>", parse_mode=ParseMode.HTML)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="x" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(ada.id, "Hi", reply_markup=markup)
    assert [violation.method for violation in fake.violations] == ["sendMessage"]
    fake.violations.clear()  # seen: the fixture would fail the test for it
    assert fake.messages == []
    await bot.send_message(ada.id, "x" * 4096)  # the limit itself is fine
    assert len((await ada.receive()).plain_text) == 4096


async def test_an_edit_that_changes_nothing_is_refused(bot: Bot, fake: BotApiEmulator) -> None:
    ada = fake.user(user_id=1, first_name="Ada")
    sent = await bot.send_message(ada.id, "<b>Hold</b> 20 s", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("<b>Hold</b> 20 s", ada.id, sent.message_id, parse_mode="HTML")
    await bot.edit_message_text("<b>Hold</b> 15 s", ada.id, sent.message_id, parse_mode="HTML")
    assert (await ada.receive_edit()).plain_text == "Hold 15 s"
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("Hold", ada.id, 999)


async def test_a_press_waits_for_the_answer_and_a_second_answer_is_refused(
    bot: Bot, fake: BotApiEmulator
) -> None:
    ada = fake.user(user_id=1, first_name="Ada")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    await bot.send_message(ada.id, "Ready?", reply_markup=markup)
    press = asyncio.create_task(ada.press(await ada.receive(), "Go"))
    updates = await bot.get_updates(timeout=2)
    query = updates[0].callback_query
    assert query is not None
    assert query.data == "go"
    await query.answer("Off we go")
    assert (await press).text == "Off we go"
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await query.answer()


async def test_a_press_nobody_answers_fails_the_test(bot: Bot, fake: BotApiEmulator) -> None:
    ada = fake.user(user_id=1, first_name="Ada")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    await bot.send_message(ada.id, "Ready?", reply_markup=markup)
    message = await ada.receive()
    with pytest.raises(AssertionError, match="no button 'Stop'"):
        await ada.press(message, "Stop")
    press = asyncio.create_task(ada.press(message, "Go"))
    (update,) = await bot.get_updates(timeout=2)  # delivered, never answered
    with pytest.raises(AssertionError, match="never answered"):
        await press
    assert update.callback_query is not None
    assert fake.unanswered_queries() == [update.callback_query.id]  # fails the fixture too
    await update.callback_query.answer()
    assert fake.unanswered_queries() == []


async def test_unknown_and_blocked_chats_and_a_wrong_token(bot: Bot, fake: BotApiEmulator) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(42, "Hello?")
    ada = fake.user(user_id=1, first_name="Ada")
    await ada.block()
    with pytest.raises(Forbidden, match=r"(?i)blocked by the user"):
        await bot.send_message(ada.id, "Hello?")
    (update,) = await bot.get_updates()
    assert update.my_chat_member is not None
    assert update.my_chat_member.new_chat_member.status == "kicked"
    bo = fake.user(user_id=2, first_name="Bo")
    bo.deactivate()
    with pytest.raises(Forbidden, match=r"(?i)user is deactivated"):
        await bot.send_message(bo.id, "Hello?")
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG-token-abcdefghijklmnopqrs", base_url=fake.base_url):
            pass


async def test_injected_errors_fail_the_next_calls_only(bot: Bot, fake: BotApiEmulator) -> None:
    ada = fake.user(user_id=1, first_name="Ada")
    fake.inject_error("sendMessage", status=429, description="Too Many Requests", retry_after=3)
    with pytest.raises(RetryAfter) as flood:
        await bot.send_message(ada.id, "one")
    assert flood.value.retry_after == 3
    await bot.send_message(ada.id, "two")
    assert (await ada.receive()).plain_text == "two"


async def test_updates_wait_in_a_long_poll_and_stay_until_confirmed(
    bot: Bot, fake: BotApiEmulator
) -> None:
    ada = fake.user(user_id=1, first_name="Ada")
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await fake.wait_for_call("getUpdates")
    assert not poll.done()  # nothing to fetch yet: the request waits
    await ada.send("/start now")
    (update,) = await asyncio.wait_for(poll, timeout=2)
    assert update.message is not None
    assert update.message.text == "/start now"
    assert update.message.entities[0].type == "bot_command"
    again = await bot.get_updates()
    assert [u.update_id for u in again] == [update.update_id]  # not yet confirmed
    assert await bot.get_updates(offset=update.update_id + 1) == ()


async def test_a_chat_gets_a_short_burst_then_one_message_a_second(
    bot: Bot, fake: BotApiEmulator, clock: FakeClock
) -> None:
    ada = fake.user(user_id=1, first_name="Ada")
    for n in range(4):
        await bot.send_message(ada.id, f"burst {n}")
    with pytest.raises(RetryAfter):
        await bot.send_message(ada.id, "one too many")
    assert [call.parameters["text"] for call in fake.flood_refusals] == ["one too many"]
    fake.flood_refusals.clear()  # seen: the fixture would fail the test for it
    clock.advance(seconds=1)
    await bot.send_message(ada.id, "a second later")
    await ada.send("hi")  # a person's pause refills the burst
    for n in range(4):
        await bot.send_message(ada.id, f"again {n}")


async def test_a_request_cut_off_midway_is_not_an_error(
    fake: BotApiEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A bot that shuts down mid-request hangs up; the emulator must not log an error."""
    host, port = fake.base_url.split("//")[1].split("/")[0].split(":")
    _, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        f"POST /bot{TOKEN}/sendMessage HTTP/1.1\r\nHost: {host}\r\n"
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"chat_id":'.encode()
    )
    await writer.drain()
    writer.close()  # hung up halfway through the body
    await fake.wait_until(lambda: fake.cut_off or None, 5, "the hang-up went unnoticed")
    assert fake.cut_off == ["sendMessage"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not fake.calls  # nothing was carried out
