"""The one source of "now", injected so tests can move time by hand."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    """Anything that can tell the current instant as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FastClock:
    """The wall clock run `speed` times faster from the moment it is made: the demo's
    `--speed`, so that holds, rests and nudges come sooner for a preview. (`monotonic`
    measures the real time gone by; tests pass a fake one.)"""

    def __init__(self, speed: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        if speed <= 0:
            raise ValueError("speed must be above 0")
        self.speed = speed
        self._monotonic = monotonic
        self._start = datetime.now(UTC)
        self._started = monotonic()

    def now(self) -> datetime:
        gone = self._monotonic() - self._started
        return self._start + timedelta(seconds=gone * self.speed)
