"""An emulated Telegram Bot API server that the real bot talks to over HTTP.

It speaks the wire protocol python-telegram-bot uses (form or multipart
requests to /bot<token>/<method>, JSON answers), keeps the chats' state, and
refuses what the real server refuses: bad HTML, over-long texts, oversized
callback data, edits that change nothing, a query answered twice, unknown or
blocked chats. Given the published Bot API (bot/emulator/botapi.py; the tests
always give it), it also refuses and records any request that API does not
allow. Tests and the demo act as users through `user()` and `group()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from aiohttp import BodyPartReader, ClientSession, web

from bot.emulator.botapi import BotApiSpec
from bot.emulator.html import HtmlError, parse_html, utf16_length
from bot.emulator.people import EmulatedGroup, EmulatedUser
from bot.emulator.records import ApiCall, ApiViolation, CallbackAnswer, SentMessage

BOT_USER = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Back Care Bot",
    "username": "back_care_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
JSON_FIELDS = {
    "reply_markup", "entities", "caption_entities", "allowed_updates", "commands", "scope",
    "link_preview_options", "reply_parameters",
}  # fmt: skip
INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "cache_time", "user_id"}
BOOL_FIELDS = {"show_alert", "disable_notification", "drop_pending_updates", "protect_content"}
COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
CHAT_ACTIONS = {
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
}  # fmt: skip
BUTTON_KINDS = {
    "callback_data", "url", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
}  # fmt: skip
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "of the message are exactly the same as a current content and reply markup of the message"
)


_T = TypeVar("_T")


class ApiError(Exception):
    """An error answer: HTTP status and the API's description."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


@dataclass
class _InjectedError:
    error: ApiError
    times: int


@dataclass
class _Query:
    delivered: bool = False
    answered: bool = False


CHAT_BURST = 4  # sends and edits one chat may take at once
CHAT_RATE = 1.0  # and then per second, as Telegram's Bot FAQ allows
LIMITED_METHODS = {
    "sendmessage", "senddocument", "sendphoto", "sendanimation", "editmessagetext",
    "editmessagereplymarkup",
}  # fmt: skip
WRONG_FILE_ID = "Bad Request: wrong file identifier/HTTP URL specified"


FAULT_KINDS = ("429", "500", "502", "timeout", "drop")
FAULTY_METHODS = LIMITED_METHODS | {"answercallbackquery", "deletemessage", "sendchataction"}


class _Faults:
    """A seeded share of calls that fail before they are carried out, as networks do."""

    def __init__(self, share: float, seed: int, hang_seconds: float) -> None:
        self.share = share
        self.rng = random.Random(seed)
        self.hang_seconds = hang_seconds

    def draw(self) -> str | None:
        return self.rng.choice(FAULT_KINDS) if self.rng.random() < self.share else None


class _ChatBudget:
    """A token bucket per chat. A user's own message refills it: tests act at machine
    speed, and a person between two taps would have given the bucket time to refill."""

    def __init__(self, now: float) -> None:
        self.tokens = float(CHAT_BURST)
        self.at = now

    def take(self, now: float) -> float | None:
        """None if allowed, else the seconds to wait."""
        self.tokens = min(CHAT_BURST, self.tokens + (now - self.at) * CHAT_RATE)
        self.at = now
        if self.tokens < 1:
            return (1 - self.tokens) / CHAT_RATE
        self.tokens -= 1
        return None

    def refund(self) -> None:
        self.tokens = min(CHAT_BURST, self.tokens + 1)


class _RealTimeBudget:
    """A bucket of `rate` sends a second for all chats together, on the wall clock."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.tokens = rate
        self.at = time.monotonic()

    def take(self) -> float | None:
        now = time.monotonic()
        self.tokens = min(self.rate, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return (1 - self.tokens) / self.rate
        self.tokens -= 1
        return None


class BotApiEmulator:
    """The emulator; use as `async with BotApiEmulator(token=...) as api`.

    `clock` measures the per-chat rate limit; pass the bot's clock so that
    time a test skips counts as time passed. With `api_spec` (the published Bot
    API, or the path of its JSON) every request is checked against it first: an
    unknown method, parameter or field, a missing one or a value of the wrong
    type is refused and recorded in `violations`, which fail the `async with`.
    """

    def __init__(
        self,
        token: str,
        clock: Callable[[], datetime] | None = None,
        global_per_second: float | None = None,
        per_chat_limit: bool = True,
        api_spec: BotApiSpec | Path | None = None,
    ) -> None:
        self.token = token
        self._api_spec = BotApiSpec.load(api_spec) if isinstance(api_spec, Path) else api_spec
        self.violations: list[ApiViolation] = []  # requests the published API does not allow
        self._per_chat_limit = per_chat_limit  # off only for benchmarks of raw throughput
        # Telegram's overall limit for bulk sends, in real time (off unless asked for).
        self._global = _RealTimeBudget(global_per_second) if global_per_second else None
        self._clock = clock or (lambda: datetime.now(UTC))
        self._budgets: dict[int, _ChatBudget] = {}
        self.flood_refusals: list[ApiCall] = []
        self.calls: list[ApiCall] = []
        self.messages: list[SentMessage] = []  # new messages from the bot, every chat
        self.edits: list[SentMessage] = []
        self.deleted: list[tuple[int, int]] = []
        self.callback_answers: list[CallbackAnswer] = []
        self._current: dict[tuple[int, int], SentMessage] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._blocked: dict[int, str] = {}  # chat id -> why sending there fails
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._queries: dict[str, _Query] = {}
        self.files: _Files = {}  # file_id -> (name, content) of every file uploaded
        self._file_ids = itertools.count(1)
        self._errors: dict[str, _InjectedError] = {}
        self._stalled: set[str] = set()
        self._stalled_chats: set[int] = set()
        self._faults: _Faults | None = None
        self.faults_served: list[tuple[str, str]] = []  # (method, kind)
        self.cut_off: list[str] = []  # methods of requests the bot hung up on midway
        # How `no_message` waits for the bot to finish (tests: until it is idle); True if
        # it could. Without it, `no_message` waits the seconds it is given.
        self.settle: Callable[[], Awaitable[bool]] | None = None
        self._commands: dict[str, list[dict[str, str]]] = {}
        self.webhook_url = ""  # as set by setWebhook
        self.webhook_secret: str | None = None
        self._webhook_target: str | None = None
        self._webhook_targets: Iterator[str] = iter(())
        self.webhook_answers: list[int] = []  # the HTTP status of each update POSTed
        self._listeners: list[Callable[[str, SentMessage], None]] = []
        self._changed = asyncio.Condition()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> BotApiEmulator:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._closing = True
        await self._notify()
        assert self._runner is not None
        await self._runner.cleanup()
        if self.violations:
            report = "the bot made requests the Bot API does not allow:\n" + "\n".join(
                f"  {violation}" for violation in self.violations
            )
            if exc is None:
                raise AssertionError(report)
            exc.add_note(report)  # the test failed already: say why the API refused
        unanswered = self.unanswered_queries()
        if exc is None and unanswered:
            raise AssertionError(f"callback queries never answered: {unanswered}")
        if exc is None and self.flood_refusals:
            raise AssertionError(f"the bot went over a chat's rate limit: {self.flood_refusals}")

    @property
    def api_spec(self) -> BotApiSpec | None:
        """The published Bot API every request is checked against, if any."""
        return self._api_spec

    def unanswered_queries(self) -> list[str]:
        """Ids of button presses the bot fetched but never answered (a stuck spinner)."""
        return [qid for qid, q in self._queries.items() if q.delivered and not q.answered]

    @property
    def base_url(self) -> str:
        """What TELEGRAM_BASE_URL should be (PTB appends the token)."""
        return f"http://127.0.0.1:{self.port}/bot"

    # ---- what tests use --------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str = "en",
    ) -> EmulatedUser:
        """A Telegram user with a private chat with the bot."""
        user = EmulatedUser(self, user_id, first_name, username, last_name, language_code)
        self._chats[user_id] = user.chat
        return user

    def group(self, chat_id: int, title: str) -> EmulatedGroup:
        """A group chat the bot is a member of."""
        group = EmulatedGroup(self, chat_id, title)
        self._chats[chat_id] = group.chat
        return group

    def inject_error(
        self,
        method: str,
        status: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` fail as the real API would."""
        self._errors[method.lower()] = _InjectedError(
            ApiError(status, description, retry_after), times
        )

    async def post_in_channel(self, chat_id: int, text: str) -> None:
        """A post in a channel the bot was added to."""
        chat = {"id": chat_id, "type": "channel", "title": "A channel"}
        self._chats[chat_id] = chat
        await self.push_update(
            "channel_post",
            {"message_id": self.next_message_id(), "chat": chat, "date": int(time.time()),
             "text": text},
        )  # fmt: skip

    def inject_faults(self, share: float, seed: int = 0, hang_seconds: float = 1.5) -> None:
        """From now on fail a random `share` of the bot's sends, edits and answers before
        carrying them out: 429 (retry after 1 s), 500, 502, a request left hanging for
        `hang_seconds` (longer than the bot waits) or a dropped connection. 0 stops it."""
        self._faults = _Faults(share, seed, hang_seconds) if share else None

    def forget_files(self) -> None:
        """Refuse every file_id given out so far, as Telegram does for another bot's ids
        (or, rarely, for its own old ones): the bot has to upload again."""
        self.files.clear()

    def stall(self, method: str) -> None:
        """Calls of `method` from now on hang and are never carried out: as if the bot
        died with the request in flight. `unstall` lets later calls through."""
        self._stalled.add(method.lower())

    def stall_chat(self, chat_id: int) -> None:
        """Calls to this chat hang until `unstall_chat`, then go through: a slow send."""
        self._stalled_chats.add(chat_id)

    async def unstall_chat(self, chat_id: int) -> None:
        self._stalled_chats.discard(chat_id)
        await self._notify()

    def unstall(self, method: str) -> None:
        self._stalled.discard(method.lower())

    @property
    def commands(self) -> list[dict[str, str]]:
        """The command menu set for all users (default scope, no language)."""
        return self._commands.get(self._scope_key(None, ""), [])

    def commands_for(self, chat_id: int) -> list[dict[str, str]]:
        """The command menu one chat sees: its own scope if set, else the default."""
        own = self._commands.get(self._scope_key({"type": "chat", "chat_id": chat_id}, ""))
        return own if own is not None else self.commands

    async def wait_for_call(self, method: str, timeout: float = 5.0) -> ApiCall:
        """Wait until the bot has called `method` (successfully or not)."""
        return await self.wait_until(
            lambda: next((c for c in self.calls if c.method == method), None), timeout,
            f"the bot never called {method}",
        )  # fmt: skip

    async def wait_until(self, find: Callable[[], _T | None], timeout: float, failure: str) -> _T:
        """Wait until `find()` gives something, or fail the test with `failure`."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: find() is not None), timeout)
            except TimeoutError:
                raise AssertionError(f"{failure} (waited {timeout} s)") from None
        found = find()
        assert found is not None
        return found

    async def wait_until_fetched(self, timeout: float = 5.0) -> None:
        """Wait until the bot has fetched (and confirmed) every update sent so far."""
        await self.wait_until(
            lambda: True if not self._updates else None, timeout,
            "the bot did not fetch its updates",
        )  # fmt: skip

    def listen(self, listener: Callable[[str, SentMessage], None]) -> None:
        """Call `listener(kind, message)` as the bot sends ("new"), edits ("edit") or
        deletes ("deleted") a message: how the demo's terminal shows the chat live."""
        self._listeners.append(listener)

    def message(self, chat_id: int, message_id: int) -> SentMessage | None:
        """The current state of a bot message, or None once deleted."""
        return self._current.get((chat_id, message_id))

    # ---- used by EmulatedUser and EmulatedGroup ------------------------------------------

    def next_message_id(self) -> int:
        return next(self._message_ids)

    def new_query_id(self) -> str:
        query_id = str(next(self._query_ids))
        self._queries[query_id] = _Query()
        return query_id

    bot_user = BOT_USER

    def set_blocked(self, chat_id: int, reason: str | None) -> None:
        if reason is None:
            self._blocked.pop(chat_id, None)
        else:
            self._blocked[chat_id] = reason

    def _seconds(self) -> float:
        return self._clock().timestamp()

    def _budget(self, chat_id: int) -> _ChatBudget:
        return self._budgets.setdefault(chat_id, _ChatBudget(self._seconds()))

    def user_acted(self, chat_id: int) -> None:
        """A person wrote or tapped: the chat's burst allowance is back."""
        self._budgets[chat_id] = _ChatBudget(self._seconds())

    async def push_update(self, kind: str, payload: dict[str, Any]) -> None:
        """Queue an update for the bot's next getUpdates, or POST it to the bot's webhook."""
        update = {"update_id": next(self._update_ids), kind: payload}
        if self.webhook_url and self._webhook_target:
            await self._post_to_webhook(update)
        else:
            self._updates.append(update)
        await self._notify()

    def forward_webhook_to(self, *targets: str) -> None:
        """Where a POST to the registered WEBHOOK_URL really lands (as a TLS-terminating
        proxy in front of the bot would send it), taking turns between several targets
        like a load balancer: the updates go there once the bot has called setWebhook."""
        self._webhook_targets = itertools.cycle(targets)
        self._webhook_target = targets[0]

    async def _post_to_webhook(self, update: dict[str, Any]) -> None:
        target = next(self._webhook_targets)
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.webhook_secret or ""}
        async with (
            ClientSession() as client,
            client.post(target, json=update, headers=headers) as response,
        ):
            self.webhook_answers.append(response.status)

    def message_object(self, message: SentMessage) -> dict[str, Any]:
        """A bot message as the API serialises it."""
        result: dict[str, Any] = {
            "message_id": message.message_id,
            "from": BOT_USER,
            "chat": self._chats[message.chat_id],
            "date": int(time.time()),
        }
        if message.document is not None:
            result["document"] = {
                "file_id": message.file_id,
                "file_unique_id": f"u{message.file_id}",
                "file_name": message.filename,
                "file_size": len(message.document),
            }
        if message.photo is not None:
            width, height = _png_size(message.photo)
            result["photo"] = [
                {
                    "file_id": message.file_id,
                    "file_unique_id": f"u{message.file_id}",
                    "width": width,
                    "height": height,
                    "file_size": len(message.photo),
                }
            ]
        if message.animation is not None:
            width, height = _gif_size(message.animation)
            animation = {
                "file_id": message.file_id, "file_unique_id": f"u{message.file_id}",
                "width": width, "height": height, "duration": 0,
                "file_name": message.filename, "mime_type": "image/gif",
                "file_size": len(message.animation),
            }  # fmt: skip
            result["animation"] = animation  # and, as Telegram does, "document" too
            shared = ("file_id", "file_unique_id", "file_name", "mime_type")
            result["document"] = {key: animation[key] for key in shared}
        if message.plain_text:
            result["caption" if message.media else "text"] = message.plain_text
        if message.entities:
            result["caption_entities" if message.media else "entities"] = message.entities
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            result["reply_markup"] = message.reply_markup
        return result

    # ---- HTTP ----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        method = request.match_info["method"]
        try:
            raw, files = await _read_request(request)
        except ConnectionResetError:  # the bot hung up mid-request (it is shutting down)
            self.cut_off.append(method)
            await self._notify()
            return _error(ApiError(400, "Bad Request: the request was cut off"))
        refusal = self._check_against_spec(method, raw, files)
        if refusal is not None:
            return _error(refusal)
        handler = self._methods().get(method.lower())
        if handler is None:
            return _error(ApiError(404, "Not Found: method not found"))
        try:
            parameters = {key: _decode(key, value) for key, value in raw.items()}
        except ApiError as error:
            return _error(error)
        self.calls.append(ApiCall(method, parameters))
        await self._notify()
        if method.lower() in self._stalled:
            async with self._changed:
                await self._changed.wait_for(lambda: self._closing)
            return _error(ApiError(502, "Bad Gateway"))
        if parameters.get("chat_id") in self._stalled_chats:
            async with self._changed:
                await self._changed.wait_for(
                    lambda: self._closing or parameters.get("chat_id") not in self._stalled_chats
                )
        fault = self._faults.draw() if self._faults and method.lower() in FAULTY_METHODS else None
        if fault is not None:
            return await self._serve_fault(request, method, fault)
        injected = self._errors.get(method.lower())
        if injected is not None:
            injected.times -= 1
            if injected.times <= 0:
                del self._errors[method.lower()]
            return _error(injected.error)
        if method.lower() in LIMITED_METHODS and isinstance(parameters.get("chat_id"), int):
            wait = self._global.take() if self._global else None
            if wait is None and self._per_chat_limit:
                wait = self._budget(parameters["chat_id"]).take(self._seconds())
            if wait is not None:
                self.flood_refusals.append(self.calls[-1])
                retry_after = max(1, round(wait))
                return _error(
                    ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
                )
        try:
            result = await handler(parameters, files)
        except ApiError as error:
            if method.lower() in LIMITED_METHODS and isinstance(parameters.get("chat_id"), int):
                self._budget(parameters["chat_id"]).refund()  # refused calls send nothing
            return _error(error)
        await self._notify()
        return web.json_response({"ok": True, "result": result})

    def _check_against_spec(
        self, method: str, parameters: dict[str, Any], files: _Files
    ) -> ApiError | None:
        """Refuse and record a request the published Bot API does not allow. Like the real
        API, an unknown method is "Not Found" (404), anything else a "Bad Request" (400)."""
        if self._api_spec is None:
            return None
        problems = self._api_spec.request_problems(method, parameters, files)
        if not problems:
            return None
        self.violations.append(ApiViolation(method, tuple(problems), parameters))
        if not self._api_spec.has_method(method):
            return ApiError(404, f"Not Found: {'; '.join(problems)}")
        return ApiError(400, f"Bad Request: {'; '.join(problems)}")

    async def _serve_fault(self, request: web.Request, method: str, kind: str) -> web.Response:
        """Fail one call without carrying it out."""
        assert self._faults is not None
        self.faults_served.append((method, kind))
        if kind == "429":
            return _error(ApiError(429, "Too Many Requests: retry after 1", retry_after=1))
        if kind == "timeout":
            await asyncio.sleep(self._faults.hang_seconds)
            return _error(ApiError(504, "Gateway Timeout"))
        if kind == "drop":
            assert request.transport is not None
            request.transport.abort()
            return web.Response()  # goes nowhere: the connection is gone
        description = "Internal Server Error" if kind == "500" else "Bad Gateway"
        return _error(ApiError(int(kind), description))

    def _methods(self) -> dict[str, Any]:
        return {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._set_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "sendmessage": self._send_message,
            "senddocument": self._send_document,
            "sendphoto": self._send_photo,
            "sendanimation": self._send_animation,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "sendchataction": self._send_chat_action,
        }

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # ---- methods ---------------------------------------------------------------------------

    async def _get_me(self, parameters: dict[str, Any], files: _Files) -> dict[str, Any]:
        return BOT_USER

    async def _get_webhook_info(self, parameters: dict[str, Any], files: _Files) -> dict[str, Any]:
        return {"url": self.webhook_url, "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}  # fmt: skip

    async def _set_webhook(self, parameters: dict[str, Any], files: _Files) -> bool:
        url = str(parameters.get("url", ""))
        if url and not url.startswith("https://"):
            raise ApiError(400, "Bad Request: bad webhook: HTTPS url must be provided for webhook")
        secret = parameters.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        self.webhook_url, self.webhook_secret = url, secret
        return True

    async def _delete_webhook(self, parameters: dict[str, Any], files: _Files) -> bool:
        self.webhook_url, self.webhook_secret = "", None
        return True

    async def _get_updates(self, parameters: dict[str, Any], files: _Files) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(
                409, "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )  # fmt: skip
        offset = parameters.get("offset", 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        allowed = parameters.get("allowed_updates") or []
        limit = min(max(parameters.get("limit", 100), 1), 100)

        def ready() -> list[dict[str, Any]]:
            wanted = [
                u for u in self._updates if not allowed or set(u) - {"update_id"} <= {*allowed}
            ]
            return wanted[:limit]

        timeout = parameters.get("timeout", 0)
        if not ready() and timeout > 0 and not self._closing:
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: bool(ready()) or self._closing), timeout
                    )
        updates = ready()
        for update in updates:
            query = update.get("callback_query")
            if query is not None:
                self._queries[query["id"]].delivered = True
        return updates

    async def _set_my_commands(self, parameters: dict[str, Any], files: _Files) -> bool:
        commands = parameters.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be a list of at most 100 commands")
        for command in commands:
            if not COMMAND_NAME.match(str(command.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._scope_key(parameters.get("scope"), parameters.get("language_code", ""))
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def _get_my_commands(
        self, parameters: dict[str, Any], files: _Files
    ) -> list[dict[str, str]]:
        key = self._scope_key(parameters.get("scope"), parameters.get("language_code", ""))
        return self._commands.get(key, [])

    async def _delete_my_commands(self, parameters: dict[str, Any], files: _Files) -> bool:
        key = self._scope_key(parameters.get("scope"), parameters.get("language_code", ""))
        self._commands.pop(key, None)
        return True

    async def _send_message(self, parameters: dict[str, Any], files: _Files) -> dict[str, Any]:
        chat_id = self._writable_chat(parameters)
        plain, entities = _formatted(
            parameters.get("text"), parameters.get("parse_mode"), parameters.get("entities"),
            limit=4096, what="message",
        )  # fmt: skip
        message = SentMessage(
            method="sendMessage",
            chat_id=chat_id,
            message_id=self.next_message_id(),
            text=parameters.get("text"),
            plain_text=plain,
            parse_mode=parameters.get("parse_mode"),
            entities=entities,
            reply_markup=_checked_markup(parameters.get("reply_markup")),
        )
        return self._store_new(message)

    async def _send_document(self, parameters: dict[str, Any], files: _Files) -> dict[str, Any]:
        return await self._send_media("document", parameters, files)

    async def _send_photo(self, parameters: dict[str, Any], files: _Files) -> dict[str, Any]:
        return await self._send_media("photo", parameters, files)

    async def _send_animation(self, parameters: dict[str, Any], files: _Files) -> dict[str, Any]:
        return await self._send_media("animation", parameters, files)

    async def _send_media(
        self, kind: str, parameters: dict[str, Any], files: _Files
    ) -> dict[str, Any]:
        """A file uploaded with the request (multipart, as `attach://name` or under the
        parameter's name), or one sent before, given by its file_id."""
        chat_id = self._writable_chat(parameters)
        reference = str(parameters.get(kind, ""))
        name = reference.removeprefix("attach://") if reference else kind
        uploaded = name in files
        if uploaded:
            filename, content = files[name]
            file_id = f"{kind}-{next(self._file_ids)}"
        elif reference and not reference.startswith("attach://"):
            if reference not in self.files:
                raise ApiError(400, WRONG_FILE_ID)
            (filename, content), file_id = self.files[reference], reference
        else:
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        if not content:
            raise ApiError(400, "Bad Request: file must be non-empty")
        self.files[file_id] = (filename, content)
        caption = parameters.get("caption")
        plain: str = ""
        entities: list[dict[str, Any]] = []
        if caption:
            plain, entities = _formatted(
                caption, parameters.get("parse_mode"), parameters.get("caption_entities"),
                limit=1024, what="message caption",
            )  # fmt: skip
        message = SentMessage(
            method="send" + kind.capitalize(),
            chat_id=chat_id,
            message_id=self.next_message_id(),
            plain_text=plain,
            parse_mode=parameters.get("parse_mode"),
            entities=entities,
            reply_markup=_checked_markup(parameters.get("reply_markup")),
            caption=caption,
            document=content if kind == "document" else None,
            photo=content if kind == "photo" else None,
            animation=content if kind == "animation" else None,
            filename=filename,
            file_id=file_id,
            uploaded=uploaded,
        )
        return self._store_new(message)

    async def _edit_message_text(self, parameters: dict[str, Any], files: _Files) -> dict[str, Any]:
        current = self._editable(parameters)
        if current.document is not None or current.photo is not None:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        plain, entities = _formatted(
            parameters.get("text"), parameters.get("parse_mode"), parameters.get("entities"),
            limit=4096, what="message",
        )  # fmt: skip
        markup = _inline_only(_checked_markup(parameters.get("reply_markup")))
        return self._store_edit(
            current,
            SentMessage(
                method="editMessageText",
                chat_id=current.chat_id,
                message_id=current.message_id,
                text=parameters.get("text"),
                plain_text=plain,
                parse_mode=parameters.get("parse_mode"),
                entities=entities,
                reply_markup=markup,
            ),
        )

    async def _edit_message_reply_markup(
        self, parameters: dict[str, Any], files: _Files
    ) -> dict[str, Any]:
        current = self._editable(parameters)
        markup = _inline_only(_checked_markup(parameters.get("reply_markup")))
        edited = SentMessage(
            **{**current.__dict__, "method": "editMessageReplyMarkup", "reply_markup": markup}
        )
        return self._store_edit(current, edited)

    async def _delete_message(self, parameters: dict[str, Any], files: _Files) -> bool:
        key = (parameters.get("chat_id", 0), parameters.get("message_id", 0))
        if key not in self._current:
            raise ApiError(400, "Bad Request: message to delete not found")
        message = self._current.pop(key)
        self.deleted.append(key)
        self._tell("deleted", message)
        return True

    async def _answer_callback_query(self, parameters: dict[str, Any], files: _Files) -> bool:
        query_id = str(parameters.get("callback_query_id", ""))
        query = self._queries.get(query_id)
        if query is None or query.answered:
            raise ApiError(400, QUERY_INVALID)
        text = parameters.get("text")
        if text is not None and len(text) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        query.answered = True
        self.callback_answers.append(
            CallbackAnswer(query_id, text or None, bool(parameters.get("show_alert")))
        )
        return True

    async def _send_chat_action(self, parameters: dict[str, Any], files: _Files) -> bool:
        self._writable_chat(parameters)
        if parameters.get("action") not in CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    # ---- helpers ---------------------------------------------------------------------------

    def _writable_chat(self, parameters: dict[str, Any]) -> int:
        chat_id = parameters.get("chat_id")
        if not isinstance(chat_id, int) or chat_id not in self._chats:
            raise ApiError(400, "Bad Request: chat not found")
        if chat_id in self._blocked:
            raise ApiError(403, self._blocked[chat_id])
        return chat_id

    def _editable(self, parameters: dict[str, Any]) -> SentMessage:
        if "inline_message_id" in parameters:
            raise ApiError(400, "Bad Request: the Bot API emulator has no inline messages")
        chat_id = self._writable_chat(parameters)
        current = self._current.get((chat_id, parameters.get("message_id", 0)))
        if current is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return current

    def _store_new(self, message: SentMessage) -> dict[str, Any]:
        self.messages.append(message)
        self._current[(message.chat_id, message.message_id)] = message
        self._tell("new", message)
        return self.message_object(message)

    def _store_edit(self, current: SentMessage, edited: SentMessage) -> dict[str, Any]:
        same = (current.plain_text, current.entities, _inline_part(current.reply_markup))
        if same == (edited.plain_text, edited.entities, edited.reply_markup):
            raise ApiError(400, NOT_MODIFIED)
        self.edits.append(edited)
        self._current[(edited.chat_id, edited.message_id)] = edited
        self._tell("edit", edited)
        return self.message_object(edited)

    def _tell(self, kind: str, message: SentMessage) -> None:
        for listener in self._listeners:
            listener(kind, message)

    @staticmethod
    def _scope_key(scope: dict[str, Any] | None, language_code: str) -> str:
        return json.dumps([scope or {"type": "default"}, language_code], sort_keys=True)


_Files = dict[str, tuple[str, bytes]]


async def _read_request(request: web.Request) -> tuple[dict[str, Any], _Files]:
    """A request's parameters as sent (query, form, multipart or JSON) and its files."""
    raw: dict[str, Any] = dict(request.query)
    files: _Files = {}
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            assert isinstance(part, BodyPartReader)
            if part.filename:
                files[part.name or ""] = (part.filename, bytes(await part.read()))
            else:
                raw[part.name or ""] = await part.text()
    elif request.content_type == "application/json":
        raw.update(await request.json())
    elif request.can_read_body:
        raw.update((key, str(value)) for key, value in (await request.post()).items())
    return raw, files


def _decode(key: str, value: Any) -> Any:
    """A parameter as the emulator's methods read it: numbers, booleans and JSON decoded."""
    if not isinstance(value, str):
        return value
    if key in JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError(400, f"Bad Request: can't parse {key} JSON object") from None
    if key in INT_FIELDS:
        try:
            return int(value)
        except ValueError:
            return value
    if key in BOOL_FIELDS:
        return value.lower() == "true"
    return value


def _formatted(
    text: str | None, parse_mode: str | None, entities: list[dict[str, Any]] | None,
    limit: int, what: str,
) -> tuple[str, list[dict[str, Any]]]:  # fmt: skip
    """The text as the user sees it, with its entities, or the API's refusal."""
    if not text:
        raise ApiError(400, f"Bad Request: {what} text is empty")
    if parse_mode in (None, ""):
        plain, found = text, list(entities or [])
    elif parse_mode.upper() == "HTML":
        try:
            plain, found = parse_html(text)
        except HtmlError as error:
            raise ApiError(400, str(error)) from None
    else:
        raise ApiError(400, f"Bad Request: the Bot API emulator only speaks HTML, not {parse_mode}")
    if not plain.strip():
        raise ApiError(400, f"Bad Request: {what} text is empty")
    if utf16_length(plain) > limit:
        raise ApiError(400, f"Bad Request: {what} is too long")
    return plain, found


def _checked_markup(markup: Any) -> dict[str, Any] | None:
    """Validate a reply markup as the real API does; give it back normalised."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        for row in markup["inline_keyboard"]:
            for button in row:
                if not button.get("text"):
                    raise ApiError(400, "Bad Request: inline keyboard button text is empty")
                kinds = BUTTON_KINDS & set(button)
                if len(kinds) != 1:
                    raise ApiError(
                        400, "Bad Request: text buttons are unallowed in the inline keyboard"
                    )
                if "callback_data" in button and not (
                    1 <= len(str(button["callback_data"]).encode()) <= 64
                ):
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup
    if "keyboard" in markup:
        rows = [
            [b if isinstance(b, dict) else {"text": str(b)} for b in row]
            for row in markup["keyboard"]
        ]
        if not rows or any(not b.get("text") for row in rows for b in row):
            raise ApiError(400, "Bad Request: keyboard button text is empty")
        return {**markup, "keyboard": rows}
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return markup
    raise ApiError(400, 'Bad Request: can\'t find field "inline_keyboard"')


def _inline_part(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    return markup if markup is not None and "inline_keyboard" in markup else None


def _inline_only(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    if markup is not None and "inline_keyboard" not in markup:
        raise ApiError(400, "Bad Request: inline keyboard expected")
    return markup


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG header (Telegram reports them for photos)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return 1, 1


def _gif_size(data: bytes) -> tuple[int, int]:
    """Width and height from a GIF header (Telegram reports them for animations)."""
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    return 1, 1


def _error(error: ApiError) -> web.Response:
    body: dict[str, Any] = {
        "ok": False,
        "error_code": error.status,
        "description": error.description,
    }
    if error.retry_after is not None:
        body["parameters"] = {"retry_after": error.retry_after}
    return web.json_response(body, status=error.status)
