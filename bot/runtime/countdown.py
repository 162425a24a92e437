"""The hold countdown: one message, edited every few seconds while the hold runs.

Only the display lives in memory. The end of the hold is a timer row fired by
the due-work loop (bot/coaching/timers.py), so a restart loses a few edits at most,
never the hold's end.
"""

from __future__ import annotations

import asyncio
import logging
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from telegram import InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import CallbackContext, Job, JobQueue

from bot.content.templates import render
from bot.runtime.clock import Clock
from bot.runtime.monitoring import Metrics
from bot.runtime.transport import Lane, Skipped

logger = logging.getLogger(__name__)


@dataclass
class _Display:
    chat_id: int
    message_id: int
    head: str  # the hold's text above the "N s left" line
    until: datetime
    markup: InlineKeyboardMarkup | None
    shown: int  # the seconds shown now


class Countdowns:
    """Runs at most one countdown per session, on the application's JobQueue."""

    def __init__(
        self,
        job_queue: JobQueue[Any],
        clock: Clock,
        seconds_left: str,
        every: float,
        metrics: Metrics | None = None,
    ) -> None:
        self._job_queue = job_queue
        self._clock = clock
        self._seconds_left = seconds_left  # the content template for "N s left"
        self._every = every
        self._metrics = metrics
        self._jobs: dict[int, Job[Any]] = {}
        self._editing: dict[int, asyncio.Lock] = {}  # session id -> held during an edit

    def start(
        self,
        session_id: int,
        chat_id: int,
        message_id: int,
        head: str,
        until: datetime,
        markup: InlineKeyboardMarkup | None,
        shown: int,
    ) -> None:
        self.stop(session_id)
        display = _Display(chat_id, message_id, head, until, markup, shown)
        self._jobs[session_id] = self._job_queue.run_repeating(
            self._tick, interval=self._every, first=self._every, data=(session_id, display),
            name=f"countdown-{session_id}",
        )  # fmt: skip

    def stop(self, session_id: int) -> None:
        """The session moved on: no more edits (the caller edits the message itself)."""
        job = self._jobs.pop(session_id, None)
        if job is not None:
            job.schedule_removal()

    async def settle(self, session_id: int) -> None:
        """Stop, and wait for an edit already on its way: then nothing of the countdown can
        land after (and over) what the session sends next."""
        self.stop(session_id)
        lock = self._editing.pop(session_id, None)  # not kept: one per hold would pile up
        if lock is not None:
            async with lock:
                pass

    def text(self, head: str, seconds: int) -> str:
        return f"{head}\n{render(self._seconds_left, seconds=seconds)}"

    async def _tick(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        job = context.job
        assert job is not None
        session_id, display = cast(tuple[int, _Display], job.data)
        left = math.ceil((display.until - self._clock.now()).total_seconds())
        if self._jobs.get(session_id) is not job:
            job.schedule_removal()  # replaced or stopped while this tick waited
            return
        if left <= 0:
            self.stop(session_id)  # the due-work loop announces the end
            return
        if left == display.shown:
            return
        lock = self._editing.setdefault(session_id, asyncio.Lock())
        try:
            async with lock:
                if self._jobs.get(session_id) is not job:  # stopped while the lock was held
                    return
                await context.bot.edit_message_text(
                    self.text(display.head, left), display.chat_id, display.message_id,
                    parse_mode=ParseMode.HTML, reply_markup=display.markup,
                    rate_limit_args=Lane.COSMETIC,
                )  # fmt: skip
                display.shown = left
        except Skipped:  # the budget is short: this tick is not shown, the next may be
            if self._metrics is not None:
                self._metrics.countdown_skipped.inc()
        except TelegramError as error:  # deleted, blocked: the display only
            logger.debug("countdown edit for session %s failed: %s", session_id, error)
            self.stop(session_id)
        finally:
            if not lock.locked() and self._jobs.get(session_id) is not job:
                self._editing.pop(session_id, None)
