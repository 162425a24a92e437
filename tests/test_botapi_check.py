"""Every request the tests' emulator receives is checked against Telegram's published Bot API.

A misspelled optional parameter is silently ignored by the real API: the bot would
pass every test and quietly lose, say, its HTML formatting in production. The
emulator refuses such a request and fails the test that made it, even if the bot
swallowed the error.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest, EndPointNotFound

from bot.emulator import BotApiEmulator, BotApiSpec
from tests.conftest import BOT_API, TOKEN, BotRunner, FakeClock, new_emulator
from tests.journeys import set_up_earlier, start_today

TESTS = Path(__file__).parent
# Bot.do_api_request sends what Bot.send_message would refuse to; PTB warns that it can.
RAW_REQUEST = pytest.mark.filterwarnings("ignore:Please use 'Bot.sendMessage':UserWarning")


@pytest.fixture
async def client(fake: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=fake.base_url) as bot:
        yield bot


def seen(fake: BotApiEmulator) -> list[str]:
    """The violations recorded so far, as text; then forgotten, so the fixture passes."""
    shown = [str(violation) for violation in fake.violations]
    fake.violations.clear()
    return shown


# ---- the checker on its own ------------------------------------------------------------------


def problems(method: str, files: tuple[str, ...] = (), **parameters: Any) -> list[str]:
    return BOT_API.request_problems(method, parameters, files)


def button_row(**button: Any) -> str:
    return json.dumps({"inline_keyboard": [[button]]})


@pytest.mark.parametrize(
    ("method", "parameters", "files"),
    [
        # Form text as PTB sends it: numbers, booleans and JSON all arrive as text.
        ("sendMessage", {"chat_id": "-100123", "text": "Hi", "disable_notification": "true",
                         "reply_markup": button_row(text="Go", callback_data="go")}, ()),
        ("sendMessage", {"chat_id": "@channel", "text": "Hi", "protect_content": "True",
                         "reply_markup": json.dumps({"keyboard": [[{"text": "A"}]],
                                                     "resize_keyboard": True})}, ()),
        ("sendMessage", {"chat_id": 1, "text": "Hi", "entities": [
            {"type": "bold", "offset": 0, "length": 2}]}, ()),  # a JSON body
        ("sendMessage", {"chat_id": "1", "text": "x",
                         "reply_markup": '{"remove_keyboard": true}'}, ()),
        # "For simple text buttons, String can be used instead of this object."
        ("sendMessage", {"chat_id": "1", "text": "x",
                         "reply_markup": '{"keyboard": [["A", {"text": "B"}]]}'}, ()),
        ("getUpdates", {"offset": "5", "timeout": "10", "allowed_updates": '["message"]'}, ()),
        ("sendDocument", {"chat_id": "1", "caption": "Here"}, ("document",)),
        ("sendDocument", {"chat_id": "1", "document": "file-id",
                          "thumbnail": "attach://thumb0"}, ("thumb0",)),
        ("setMyCommands", {"commands": '[{"command": "start", "description": "Begin"}]',
                           "scope": '{"type": "chat", "chat_id": 5}'}, ()),
        ("answerCallbackQuery", {"callback_query_id": "17", "cache_time": "0"}, ()),
        ("getMe", {}, ()),
        ("GETME", {}, ()),  # method names are case-insensitive
    ],
)  # fmt: skip
def test_what_telegram_allows_passes(
    method: str, parameters: dict[str, Any], files: tuple[str, ...]
) -> None:
    assert problems(method, files, **parameters) == []


@pytest.mark.parametrize(
    ("method", "parameters", "files", "expected"),
    [
        ("sendMesage", {}, (), ["unknown method sendMesage (did you mean sendMessage?)"]),
        ("sendMessage", {"chat_idd": "1", "text": "Hi"}, (), [
            "unknown parameter chat_idd (did you mean chat_id?)",
            "parameter chat_id is required"]),
        ("sendMessage", {"chat_id": "1", "text": "Hi", "parse_mod": "HTML"}, (), [
            "unknown parameter parse_mod (did you mean parse_mode?)"]),
        ("sendMessage", {"chat_id": "1"}, (), ["parameter text is required"]),
        ("deleteMessage", {"chat_id": "1", "message_id": "last"}, (), [
            'message_id must be Integer, not "last"']),
        ("sendMessage", {"chat_id": "1", "text": "x", "disable_notification": "yes"}, (), [
            'disable_notification must be Boolean, not "yes"']),
        ("sendMessage", {"chat_id": [1], "text": "x"}, (), [
            "chat_id must be Integer or String, not [1]"]),
        ("sendMessage", {"chat_id": "1", "text": "x", "reply_markup": "{not json"}, (), [
            'reply_markup must be InlineKeyboardMarkup or ReplyKeyboardMarkup or '
            'ReplyKeyboardRemove or ForceReply, not "{not json"']),
        ("sendMessage", {"chat_id": "1", "text": "x",
                         "reply_markup": button_row(callback_data="go")}, (), [
            "reply_markup.inline_keyboard[0][0] (InlineKeyboardButton) lacks required field "
            "text"]),
        ("sendMessage", {"chat_id": "1", "text": "x",
                         "reply_markup": button_row(text="Go", callback_data="x" * 65)}, (), [
            "reply_markup.inline_keyboard[0][0].callback_data is 65 bytes, not 1-64: "
            "BUTTON_DATA_INVALID"]),
        ("sendMessage", {"chat_id": "1", "text": "x",
                         "reply_markup": button_row(text="Go", callback_data="")}, (), [
            "reply_markup.inline_keyboard[0][0].callback_data is 0 bytes, not 1-64: "
            "BUTTON_DATA_INVALID"]),
        ("sendMessage", {"chat_id": "1", "text": "x",
                         "reply_markup": button_row(text="Go", callback_dat="go")}, (), [
            "reply_markup.inline_keyboard[0][0] (InlineKeyboardButton) has unknown field "
            "callback_dat (did you mean callback_data?)",
            "reply_markup.inline_keyboard[0][0] needs exactly one action besides its text "
            "(url, callback_data...)"]),
        ("sendMessage", {"chat_id": "1", "text": "x",
                         "reply_markup": button_row(text=7, callback_data="go")}, (), [
            "reply_markup.inline_keyboard[0][0].text must be String, not 7"]),
        ("sendMessage", {"chat_id": "1", "text": "x",
                         "reply_markup": json.dumps({"inline_keyboard": [{"text": "Go"}]})}, (), [
            'reply_markup.inline_keyboard[0] must be Array of InlineKeyboardButton, not '
            '{"text": "Go"}']),
        ("sendMessage", {"chat_id": "1", "text": "x",
                         "reply_markup": json.dumps({"keyboard": [[{"txt": "A"}]]})}, (), [
            "reply_markup.keyboard[0][0] (KeyboardButton) has unknown field txt (did you mean "
            "text?)",
            "reply_markup.keyboard[0][0] (KeyboardButton) lacks required field text"]),
        ("sendMessage", {"chat_id": "1", "text": "x",
                         "reply_markup": json.dumps({"keyboard": [[7]]})}, (), [
            "reply_markup.keyboard[0][0] must be KeyboardButton, not 7"]),
        ("editMessageReplyMarkup", {"chat_id": "1", "message_id": "2",
                                    "reply_markup": '{"remove_keyboard": true}'}, (), [
            "reply_markup (InlineKeyboardMarkup) has unknown field remove_keyboard (did you mean "
            "inline_keyboard?)",
            "reply_markup (InlineKeyboardMarkup) lacks required field inline_keyboard"]),
        ("setMyCommands", {"commands": '[{"command": "start"}]'}, (), [
            "commands[0] (BotCommand) lacks required field description"]),
        ("sendMessage", {"chat_id": "1"}, ("text",), ["text cannot be a file upload (it takes "
                                                      "String)"]),
        ("sendDocument", {"chat_id": "1"}, ("docment",), [
            "unknown parameter docment (did you mean document?)",
            "parameter document is required"]),
    ],
)  # fmt: skip
def test_what_telegram_does_not_allow_is_named(
    method: str, parameters: dict[str, Any], files: tuple[str, ...], expected: list[str]
) -> None:
    assert problems(method, files, **parameters) == expected


def test_the_spec_is_the_copy_in_the_tests_data() -> None:
    assert BOT_API.version == "Bot API 10.1"
    assert BotApiSpec.load(TESTS / "data" / "botapi" / "api-10.1.json").has_method("sendMessage")
    assert (TESTS / "data" / "botapi" / "README.md").read_text().count("MIT-licensed") == 1


# ---- the emulator refuses and records --------------------------------------------------------


@RAW_REQUEST
async def test_a_misspelled_parameter_is_refused_and_recorded(
    client: Bot, fake: BotApiEmulator
) -> None:
    ada = fake.user(user_id=1, first_name="Ada")
    with pytest.raises(
        BadRequest, match=r"(?i)unknown parameter parse_mod \(did you mean parse_mode"
    ):
        await client.send_message(ada.id, "<b>Hi</b>", api_kwargs={"parse_mod": "HTML"})
    with pytest.raises(BadRequest, match=r"(?i)unknown parameter chat_idd"):
        await client.do_api_request("sendMessage", api_kwargs={"chat_idd": ada.id, "text": "x"})
    assert fake.messages == []  # refused: nothing was sent
    assert seen(fake) == [
        "sendMessage: unknown parameter parse_mod (did you mean parse_mode?)",
        "sendMessage: unknown parameter chat_idd (did you mean chat_id?); "
        "parameter chat_id is required",
    ]


async def test_an_unknown_method_is_not_found_and_recorded(
    client: Bot, fake: BotApiEmulator
) -> None:
    with pytest.raises(EndPointNotFound, match="sendMesage"):
        await client.do_api_request("sendMesage", api_kwargs={"chat_id": 1, "text": "x"})
    assert seen(fake) == ["sendMesage: unknown method sendMesage (did you mean sendMessage?)"]


@RAW_REQUEST
async def test_a_missing_parameter_and_a_wrong_type_are_refused(
    client: Bot, fake: BotApiEmulator
) -> None:
    ada = fake.user(user_id=1, first_name="Ada")
    with pytest.raises(BadRequest, match=r"(?i)parameter text is required"):
        await client.do_api_request("sendMessage", api_kwargs={"chat_id": ada.id})
    sent = await client.send_message(ada.id, "Hi")
    with pytest.raises(BadRequest, match=r"(?i)message_id must be integer"):
        await client.delete_message(ada.id, "the last one")  # type: ignore[arg-type]
    assert len(seen(fake)) == 2
    assert await client.delete_message(ada.id, sent.message_id)


async def test_a_malformed_reply_markup_is_refused(client: Bot, fake: BotApiEmulator) -> None:
    ada = fake.user(user_id=1, first_name="Ada")
    no_text = {"inline_keyboard": [[{"callback_data": "go"}]]}
    with pytest.raises(BadRequest, match=r"(?i)lacks required field text"):
        await client.send_message(ada.id, "Ready?", api_kwargs={"reply_markup": no_text})
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="é" * 33)]])
    with pytest.raises(BadRequest, match=r"(?i)66 bytes, not 1-64: BUTTON_DATA_INVALID"):
        await client.send_message(ada.id, "Ready?", reply_markup=too_long)
    assert fake.messages == []
    assert len(seen(fake)) == 2


async def test_correct_requests_pass(client: Bot, fake: BotApiEmulator, clock: FakeClock) -> None:
    ada = fake.user(user_id=1, first_name="Ada")
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="x" * 64)]])
    sent = await client.send_message(
        ada.id, "<b>Ready?</b>", parse_mode="HTML", reply_markup=buttons,
        disable_notification=True, protect_content=False,
    )  # fmt: skip
    await client.edit_message_text("Go!", ada.id, sent.message_id, reply_markup=buttons)
    await client.edit_message_reply_markup(ada.id, sent.message_id, reply_markup=None)
    clock.advance(seconds=4)  # the chat's burst allowance is back
    await client.send_message(ada.id, "Pick", reply_markup=ReplyKeyboardMarkup([["A", "B"]]))
    await client.send_message(ada.id, "Gone", reply_markup=ReplyKeyboardRemove())
    await client.send_document(ada.id, BytesIO(b"{}"), filename="data.json", caption="Yours")
    await client.send_chat_action(ada.id, "typing")
    scope = BotCommandScopeChat(ada.id)
    await client.set_my_commands([BotCommand("start", "Begin")], scope=scope)
    assert await client.get_my_commands(scope=scope) == (BotCommand("start", "Begin"),)
    await client.get_updates(offset=1, timeout=0, allowed_updates=["message"])
    assert fake.violations == []


async def send_with_a_typo(swallow: bool) -> None:
    async with new_emulator() as fake, Bot(TOKEN, base_url=fake.base_url) as client:
        ada = fake.user(user_id=1, first_name="Ada")
        # As a bot that logs errors and goes on would, or not.
        with contextlib.suppress(*[BadRequest] if swallow else []):
            await client.send_message(ada.id, "Hi", api_kwargs={"parse_mod": "HTML"})


async def test_violations_fail_the_emulator_even_if_the_bot_swallowed_the_refusal() -> None:
    with pytest.raises(AssertionError, match="sendMessage: unknown parameter parse_mod"):
        await send_with_a_typo(swallow=True)


async def test_a_test_that_fails_anyway_is_told_of_the_violations() -> None:
    with pytest.raises(BadRequest) as failure:
        await send_with_a_typo(swallow=False)
    assert "sendMessage: unknown parameter parse_mod" in "\n".join(failure.value.__notes__)


async def test_without_a_spec_the_emulator_checks_nothing_extra() -> None:
    """As `python -m bot demo` runs it: like the real API, it ignores unknown parameters."""
    async with BotApiEmulator(token=TOKEN) as fake, Bot(TOKEN, base_url=fake.base_url) as client:
        ada = fake.user(user_id=1, first_name="Ada")
        await client.send_message(ada.id, "Hi", api_kwargs={"parse_mod": "HTML"})
        assert (await ada.receive()).plain_text == "Hi"
        assert fake.violations == []


# ---- the check is on for the whole suite -----------------------------------------------------


async def test_the_real_bot_makes_only_requests_the_api_allows(
    run_bot: BotRunner, fake: BotApiEmulator, clock: FakeClock
) -> None:
    async with run_bot():
        ada = fake.user(user_id=7001, first_name="Ada")
        await set_up_earlier(ada, clock)
        await start_today(ada)
        await ada.send("/export")
        assert (await ada.receive()).document is not None
    methods = {call.method for call in fake.calls}
    assert {"getMe", "setMyCommands", "getUpdates", "sendMessage", "answerCallbackQuery",
            "sendDocument"} <= methods  # fmt: skip
    assert fake.violations == []


async def test_every_emulator_the_tests_build_checks_the_api(fake: BotApiEmulator) -> None:
    """The `fake` fixture and new_emulator() give it the spec; no test builds one itself
    (but the one above that shows how the demo runs)."""
    assert fake.api_spec is BOT_API
    assert new_emulator().api_spec is BOT_API
    direct = [
        path.name
        for path in TESTS.glob("*.py")
        if "BotApiEmulator(" in path.read_text() and path.name != "conftest.py"
    ]
    assert direct == [Path(__file__).name]
