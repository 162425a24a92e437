"""How every Bot API call goes out: 429s are waited out, passing failures are retried.

python-telegram-bot sends every request of the Application's bot through one
rate limiter (its `BaseRateLimiter` hook), so handlers, timers and reminders
all get the same patience without a retry loop of their own:

- 429 `retry after N`: wait N seconds and try again; the chat is held for that
  long, so the other calls to it wait too instead of earning another 429;
- a network failure, a timeout or a 5xx: try again after a short backoff;
- anything else (400, 403, ...) is the caller's to handle, at once.

And, with a `SendBudget`, it keeps under Telegram's ~30 messages a second for
the whole bot, so that Telegram never has to say 429: bulk sends (reminders,
summaries: `rate_limit_args=Lane.BULK`) leave a reserve for people waiting for
a reply, who never queue behind a fan-out.

A call that failed before Telegram carried it out is sent once more, which is
what makes it arrive. One that Telegram carried out but whose answer was lost
cannot be told apart from that, and may arrive twice: the Bot API has no
idempotency key.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from enum import Enum
from typing import Any

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

from bot.runtime.monitoring import Metrics

logger = logging.getLogger(__name__)

ATTEMPTS = 6  # a call that failed this many times in a row is given up
BACKOFF = 0.25  # seconds before the first retry of a failure; doubles every time
LONGEST_WAIT = 60.0  # no single wait is longer than this
UNTOUCHED = {"getUpdates"}  # PTB's polling loop has its own retries

# What Telegram counts against the bot's ~30 messages a second.
COUNTED = {
    "sendMessage", "sendPhoto", "sendDocument", "editMessageText", "editMessageReplyMarkup",
    "editMessageCaption",
}  # fmt: skip

JsonResult = bool | dict[str, Any] | list[dict[str, Any]]
Monotonic = Callable[[], float]  # seconds, for spacing calls: time.monotonic
Sleep = Callable[[float], Awaitable[None]]  # waits that many seconds: asyncio.sleep


class Lane(Enum):
    """Who waits for a call: a person (the default) or nobody in particular."""

    INTERACTIVE = "interactive"
    BULK = "bulk"


class SendBudget:
    """A token bucket for the whole bot, in real time (Telegram's clock).

    Its burst is smaller than Telegram's (5, not about 30), so over any stretch of
    time it sends fewer than Telegram's bucket allows, whatever that bucket held
    when ours started. Bulk sends only take a token while `reserve` more are left
    for replies to people. `monotonic` and `sleep` are the real ones but in tests,
    which count the waits in fake seconds instead of spending them.
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
        self._reserve = reserve
        self._monotonic = monotonic
        self._sleep = sleep
        self._tokens = burst
        self._at = monotonic()

    async def take(self, lane: Lane) -> None:
        need = 1 + (self._reserve if lane is Lane.BULK else 0)
        while True:
            now = self._monotonic()
            self._tokens = min(self._burst, self._tokens + (now - self._at) * self._rate)
            self._at = now
            if self._tokens >= need:
                self._tokens -= 1
                return
            await self._sleep((need - self._tokens) / self._rate)


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
        for attempt in range(1, self._attempts):
            await self._wait_for(chat)
            if budget is not None:
                await budget.take(lane)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as flood:
                if self._metrics is not None:
                    self._metrics.flood_waits.inc()
                # As PTB's own AIORateLimiter reads it (the public attribute warns until PTB 23).
                wait = min(flood._retry_after.total_seconds(), LONGEST_WAIT)
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
