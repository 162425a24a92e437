"""How every Bot API call goes out: 429s are waited out, passing failures are retried.

python-telegram-bot sends every request of the Application's bot through one
rate limiter (its `BaseRateLimiter` hook), so handlers, timers and reminders
all get the same patience without a retry loop of their own:

- 429 `retry after N`: wait N seconds and try again; the chat is held for that
  long, so the other calls to it wait too instead of earning another 429;
- a network failure, a timeout or a 5xx: try again after a short backoff;
- anything else (400, 403, ...) is the caller's to handle, at once.

And, with a `SendBudget`, it keeps under Telegram's ~30 messages a second for
the whole bot, so that Telegram never has to say 429, and serves the calls by
lane (`rate_limit_args`): replies to people first, then timers' essential
messages, then bulk sends (reminders, summaries), and countdown edits only with
budget to spare: they are skipped (`Skipped`), never queued.

A call that failed before Telegram carried it out is sent once more, which is
what makes it arrive. One that Telegram carried out but whose answer was lost
cannot be told apart from that, and may arrive twice: the Bot API has no
idempotency key.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from enum import Enum
from typing import Any

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter

from bot.runtime.monitoring import Metrics

logger = logging.getLogger(__name__)

ATTEMPTS = 6  # a call that failed this many times in a row is given up
BACKOFF = 0.25  # seconds before the first retry of a failure; doubles every time
LONGEST_WAIT = 60.0  # no single wait is longer than this
UNTOUCHED = {"getUpdates"}  # PTB's polling loop has its own retries

# What Telegram counts against the bot's ~30 messages a second.
COUNTED = {
    "sendMessage", "sendPhoto", "sendDocument", "sendAnimation", "editMessageText",
    "editMessageReplyMarkup", "editMessageCaption",
}  # fmt: skip

JsonResult = bool | dict[str, Any] | list[dict[str, Any]]
Monotonic = Callable[[], float]  # seconds, for spacing calls: time.monotonic
Sleep = Callable[[float], Awaitable[None]]  # waits that many seconds: asyncio.sleep


class Lane(Enum):
    """Who waits for a call, most urgent first: the send budget serves them in this order."""

    INTERACTIVE = 0  # a reply to something a person just did (the default)
    TIMER = 1  # a timer's essential message: a hold's end, the next step, a rest's end
    BULK = 2  # reminders and summaries: nobody is looking at the chat right now
    PICTURE = 3  # an exercise's picture above its card: now, or the card goes without it
    COSMETIC = 4  # a countdown's edit: skipped, never queued, when the budget is short


# Lanes whose calls are made now or never: skipped (`Skipped`), not queued, not retried.
NOW_OR_NEVER = frozenset({Lane.PICTURE, Lane.COSMETIC})


# How long a waiting call of each lane may be overtaken by more urgent ones: waiting calls
# go in order of arrival plus this. Below capacity nothing waits that long, so replies
# simply go first; past it, a timer or a reminder that has waited this long goes before a
# reply that has only just come, and everyone slows a little rather than some starving.
PATIENCE = {
    Lane.INTERACTIVE: 0.0, Lane.TIMER: 0.5, Lane.BULK: 2.0, Lane.PICTURE: 0.0, Lane.COSMETIC: 0.0,
}  # fmt: skip


class Skipped(TelegramError):
    """A now-or-never call not made: the budget had nothing to spare for it just now."""


class SendBudget:
    """A token bucket for the whole bot, in real time (Telegram's clock), served by lane.

    Its burst is smaller than Telegram's (5, not about 30), so over any stretch of
    time it sends fewer than Telegram's bucket allows, whatever that bucket held
    when ours started. Waiting calls are served in order of arrival plus their
    lane's PATIENCE, so a reply goes before any timer or bulk send that has waited
    less than that, and past capacity nobody starves. Each lane below
    INTERACTIVE also leaves tokens for those above it: a timer takes one while
    `reserve` / 2 more are left, bulk while `reserve` more are, a picture only when
    nobody waits and a timer could go, and a countdown edit only when nobody waits
    and a token more than bulk's is spare; those two are else skipped at once.
    `monotonic` and `sleep` are the real ones but in tests, which count the waits
    in fake seconds instead of spending them.
    """

    def __init__(
        self,
        per_second: float,
        burst: float = 5.0,
        reserve: float = 2.0,
        *,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._rate = per_second
        self._burst = burst
        self._need = {
            Lane.INTERACTIVE: 1.0,
            Lane.TIMER: 1 + reserve / 2,
            Lane.BULK: 1 + reserve,
            Lane.PICTURE: 1 + reserve / 2,
            Lane.COSMETIC: min(burst, 2 + reserve),
        }
        self._monotonic = monotonic
        self._sleep = sleep
        self._tokens = burst
        self._at = monotonic()
        # A heap of (when it is due to go, arrival, lane, turn): earliest due first.
        self._waiting: list[tuple[float, int, Lane, asyncio.Future[None]]] = []
        self._arrivals = itertools.count()
        self._arrived = asyncio.Event()
        self._server: asyncio.Task[None] | None = None

    def _refill(self) -> None:
        now = self._monotonic()
        self._tokens = min(self._burst, self._tokens + (now - self._at) * self._rate)
        self._at = now

    async def take(self, lane: Lane) -> None:
        """Wait for this lane's turn (PICTURE, COSMETIC: now or never, raising Skipped)."""
        self._refill()
        if not self._waiting and self._tokens >= self._need[lane]:
            self._tokens -= 1
            return
        if lane in NOW_OR_NEVER:
            raise Skipped(f"no send budget to spare for a {lane.name.lower()} call")
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        due = self._monotonic() + PATIENCE[lane]
        heapq.heappush(self._waiting, (due, next(self._arrivals), lane, turn))
        self._arrived.set()
        if self._server is None or self._server.done():
            self._server = asyncio.create_task(self._serve())
        await turn

    async def _serve(self) -> None:
        """Hand tokens to the waiting calls, most urgent first, as the bucket refills."""
        while self._waiting:
            _, _, lane, turn = self._waiting[0]
            if turn.done():  # its caller gave up
                heapq.heappop(self._waiting)
                continue
            self._refill()
            need = self._need[lane]
            if self._tokens >= need:
                heapq.heappop(self._waiting)
                self._tokens -= 1
                turn.set_result(None)
                continue
            # Until there is enough for it, or a more urgent call arrives meanwhile.
            self._arrived.clear()
            refilled = asyncio.ensure_future(self._sleep((need - self._tokens) / self._rate))
            arrival = asyncio.ensure_future(self._arrived.wait())
            await asyncio.wait({refilled, arrival}, return_when=asyncio.FIRST_COMPLETED)
            for task in (refilled, arrival):
                task.cancel()


class PatientCalls(BaseRateLimiter[Lane]):
    """Retries what Telegram asks to retry; holds a chat for as long as Telegram says;
    with a budget, keeps the whole bot under Telegram's overall rate. (`monotonic` and
    `sleep`: as for `SendBudget`.)"""

    def __init__(
        self,
        metrics: Metrics | None = None,
        budget: SendBudget | None = None,
        attempts: int = ATTEMPTS,
        backoff: float = BACKOFF,
        *,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._metrics = metrics
        self._budget = budget
        self._attempts = attempts
        self._backoff = backoff
        self._monotonic = monotonic
        self._sleep = sleep
        self._held_until: dict[str, float] = {}  # chat id -> monotonic time

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JsonResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Lane | None,
    ) -> JsonResult:
        if endpoint in UNTOUCHED:
            return await callback(*args, **kwargs)
        chat = str(data.get("chat_id", ""))
        lane = rate_limit_args or Lane.INTERACTIVE
        budget = self._budget if endpoint in COUNTED else None
        if lane in NOW_OR_NEVER:
            return await self._now_or_never(callback, args, kwargs, chat, budget, lane)
        for attempt in range(1, self._attempts):
            await self._wait_for(chat)
            if budget is not None:
                await budget.take(lane)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as flood:
                wait = self._flood_wait(flood)
                logger.warning("%s to chat %s: 429, waiting %.1f s", endpoint, chat, wait)
                if chat:
                    self._hold(chat, wait)
                else:
                    await self._sleep(wait)
            except BadRequest:  # a NetworkError in PTB's hierarchy, but final
                raise
            except NetworkError as error:  # dropped connection, timeout, 5xx
                wait = min(self._backoff * 2 ** (attempt - 1), LONGEST_WAIT)
                logger.warning(
                    "%s to chat %s failed (%s), retry %s in %.2f s",
                    endpoint, chat, error, attempt, wait,
                )  # fmt: skip
                await self._sleep(wait)
        await self._wait_for(chat)
        if budget is not None:
            await budget.take(lane)
        return await callback(*args, **kwargs)  # the last attempt: its failure is final

    async def _now_or_never(
        self,
        callback: Callable[..., Coroutine[Any, Any, JsonResult]],
        args: Any,
        kwargs: dict[str, Any],
        chat: str,
        budget: SendBudget | None,
        lane: Lane,
    ) -> JsonResult:
        """No waiting for a held chat or the budget, and no retry. By the time a wait was
        over, an edit would be stale, and a card would have waited for its picture."""
        if self._held_until.get(chat, 0.0) > self._monotonic():
            raise Skipped("the chat is held after a 429")
        if budget is not None:
            await budget.take(lane)
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as flood:
            self._hold(chat, self._flood_wait(flood))
            raise Skipped(f"429 for a {lane.name.lower()} call") from flood
        except BadRequest:  # final, and the caller's to handle
            raise
        except NetworkError as error:  # not tried again: a later one would be stale
            raise Skipped(f"a {lane.name.lower()} call failed on its way: {error}") from error

    def _flood_wait(self, flood: RetryAfter) -> float:
        """Count a 429 and say how long to wait it out."""
        if self._metrics is not None:
            self._metrics.flood_waits.inc()
        # As PTB's own AIORateLimiter reads it (the public attribute warns until PTB 23).
        return min(flood._retry_after.total_seconds(), LONGEST_WAIT)

    def _hold(self, chat: str, seconds: float) -> None:
        until = self._monotonic() + seconds
        self._held_until[chat] = max(until, self._held_until.get(chat, 0.0))

    async def _wait_for(self, chat: str) -> None:
        until = self._held_until.get(chat)
        if until is None:
            return
        left = until - self._monotonic()
        if left > 0:
            await self._sleep(left)
        if self._held_until.get(chat) == until:  # nobody extended the hold meanwhile
            del self._held_until[chat]


def unreachable(error: Exception) -> bool:
    """Telegram says this user cannot be written to: blocked, deactivated, or no chat."""
    return isinstance(error, Forbidden) or (
        isinstance(error, BadRequest) and "chat not found" in error.message.lower()
    )
