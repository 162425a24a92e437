"""Streaks: consecutive local days with a finished session."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta


def streak(days_done: Iterable[date], today: date) -> int:
    """Days in a row with a session, ending today (or yesterday, if today is still open)."""
    done = set(days_done)
    day = today if today in done else today - timedelta(days=1)
    count = 0
    while day in done:
        count += 1
        day -= timedelta(days=1)
    return count
