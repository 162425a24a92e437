"""What every handler and job may use, built once in the composition root."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field, replace

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.content import Content
from bot.domain.flood import FloodGate, FloodLimit
from bot.pictures.sending import Pictures
from bot.runtime.clock import Clock
from bot.runtime.countdown import Countdowns
from bot.runtime.monitoring import Metrics
from bot.runtime.transport import Monotonic, Sleep
from bot.runtime.user_turns import UserTurns


@dataclass(frozen=True)
class Timing:
    """How often the background jobs wake up (tests make them quick)."""

    due_work_every: float = 1.0  # seconds between looks for due timers
    countdown_every: float = 5.0  # seconds between edits of a hold's countdown
    request_timeout: float = 5.0  # seconds to wait for the Bot API's answer to a call
    # Seconds a card waits for its exercise's picture (send budget, retries and all)
    # before its text goes without it: sent by file_id, and uploaded (once per picture).
    # At the morning peak the budget is the wait: the picture gives way, not the card.
    picture_patience: float = 1.5
    upload_patience: float = 10.0
    flood: FloodLimit = field(default_factory=FloodLimit)  # how fast one user may send updates
    # Keep to SENDS_PER_SECOND (off in tests that send at machine speed to an emulator
    # without Telegram's overall limit).
    send_budget: bool = True
    # The real time that spaces Bot API calls (bot/transport.py): tests pass a fake pair
    # that counts the waits in fake seconds instead of spending them.
    monotonic: Monotonic = time.monotonic
    sleep: Sleep = asyncio.sleep

    def at_speed(self, speed: float) -> Timing:
        """For a clock running `speed` times faster (bot/runtime/clock.py FastClock): look for due
        timers and edit countdowns as often in the clock's time as at normal speed."""
        return replace(
            self,
            due_work_every=max(0.05, self.due_work_every / speed),
            countdown_every=max(0.05, self.countdown_every / speed),
        )


@dataclass(frozen=True)
class Services:
    settings: Settings
    content: Content
    clock: Clock
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    countdowns: Countdowns
    timing: Timing
    flood_gate: FloodGate
    user_turns: UserTurns
    pictures: Pictures
    metrics: Metrics = field(default_factory=Metrics)
