"""Pain policy: the thresholds, the kinds of rating, and when to ask before exercising."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

SEVERE_PAIN = 7  # and above: stop the session
MODERATE_PAIN = 4  # and above: skip the exercise and avoid it for a while
FRESH_BASELINE = timedelta(minutes=15)  # a rating from setting up this recent is today's


class PainKind(StrEnum):
    """When a 0-10 rating was given (the pain_ratings.kind column)."""

    BASELINE = "baseline"  # while setting up
    BEFORE = "before"  # a session's check-in
    DURING = "during"  # during an exercise (the rating names it)
    AFTER = "after"  # a session's check-out


def check_in_first(latest_rating: int | None) -> bool:
    """After a severe rating (wherever it was given), the next reminder, /today and "Do it
    now" ask how the back is before offering any exercise, and say why."""
    return latest_rating is not None and latest_rating >= SEVERE_PAIN


def latest_rating_answers_check_in(
    kind: PainKind, rating: int, rated_at: datetime, now: datetime
) -> bool:
    """Whether the user's latest pain rating can stand for the check-in: only the one
    given while setting up (no session since), minutes ago, as asking again
    would be a chore. A severe one is asked again: it would stop the session at once,
    and it may have been a slip of the finger."""
    fresh = timedelta(0) <= now - rated_at <= FRESH_BASELINE
    return kind == PainKind.BASELINE and rating < SEVERE_PAIN and fresh
