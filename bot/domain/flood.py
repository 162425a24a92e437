"""Per-user flood control: a token bucket per user, in the clock's time.

A person tapping through a routine never comes near the limit; a script or a
stuck key sending hundreds of messages a minute is answered `burst` times,
told once to slow down, then ignored until the bucket refills. The state is
only a guard, not user data: losing it on a restart just forgives everyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

KEEP_AT_MOST = 10_000  # buckets kept; past that, the longest-idle one is forgotten


@dataclass(frozen=True)
class FloodLimit:
    burst: int = 20  # updates a user may send at once
    per_second: float = 1.0  # and then, on average (60 a minute)


class Verdict(Enum):
    ALLOW = "allow"
    WARN = "warn"  # the first update over the limit: say so once
    DROP = "drop"  # the ones after it: ignore


@dataclass
class _Bucket:
    tokens: float
    at: datetime
    warned: bool = False


class FloodGate:
    def __init__(self, limit: FloodLimit) -> None:
        self._limit = limit
        # Least recently seen first (a dict keeps insertion order; each visit re-inserts).
        self._buckets: dict[int, _Bucket] = {}

    def admit(self, user_id: int, now: datetime) -> Verdict:
        bucket = self._buckets.pop(user_id, None)
        if bucket is None:
            if len(self._buckets) >= KEEP_AT_MOST:
                # Bounded memory in O(1): the longest-idle bucket has most likely refilled,
                # and a full bucket is the same as none (at worst its user is forgiven).
                del self._buckets[next(iter(self._buckets))]
            bucket = _Bucket(float(self._limit.burst), now)
        self._buckets[user_id] = bucket
        bucket.tokens = self._refilled(bucket, now)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.warned = False
            return Verdict.ALLOW
        if bucket.warned:
            return Verdict.DROP
        bucket.warned = True
        return Verdict.WARN

    def _refilled(self, bucket: _Bucket, now: datetime) -> float:
        elapsed = max(0.0, (now - bucket.at).total_seconds())
        return min(float(self._limit.burst), bucket.tokens + elapsed * self._limit.per_second)
