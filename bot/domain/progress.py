"""Progress from a user's sessions: streaks over local days, and the numbers /progress shows.

Pure: it takes plain records of past sessions (already in the user's local
days), so DST and time-zone changes are settled before it is called.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.session import Outcome, SessionState, stopping_rating


def streak(
    days_done: Iterable[date], today: date, rest_day: Callable[[date], bool] = lambda _: False
) -> int:
    """Days in a row with a session, ending today (or yesterday, if today is still open).

    A rest day (not one of the user's reminder days, or paused) neither counts
    nor breaks the streak.
    """
    done = set(days_done)
    day = today if today in done else today - timedelta(days=1)
    count = 0
    for _ in range(3660):  # ten years back at most
        if day in done:
            count += 1
        elif not rest_day(day):
            break
        day -= timedelta(days=1)
    return count


def best_streak(
    days_done: Iterable[date], rest_day: Callable[[date], bool] = lambda _: False
) -> int:
    """The longest run of session days, rest days bridging the gaps."""
    done = sorted(set(days_done))
    best = run = 0
    previous: date | None = None
    for day in done:
        bridged = previous is not None and all(
            rest_day(previous + timedelta(days=k)) for k in range(1, (day - previous).days)
        )
        run = run + 1 if bridged else 1
        best = max(best, run)
        previous = day
    return best


@dataclass(frozen=True)
class SessionRecord:
    """One past session, as the statistics need it."""

    day: date  # the user's local day
    finished: bool
    pain_before: int | None
    pain_after: int | None
    done: tuple[str, ...]
    skipped: tuple[str, ...]
    painful: tuple[str, ...]
    stopped_by_pain: int | None = None  # the severe rating that stopped it
    stopped_for_safety: bool = False  # a red flag in something typed stopped it


@dataclass(frozen=True)
class Stats:
    current_streak: int
    best_streak: int
    sessions_this_week: int
    sessions_this_month: int
    completion_rate: float | None  # finished / started; None without sessions
    average_pain_change: float | None  # after - before, over sessions with both
    most_skipped: str | None  # exercise id skipped or painful most often (at least twice)


def stats(
    records: list[SessionRecord],
    exercise_days: Iterable[date],
    today: date,
    rest_day: Callable[[date], bool] = lambda _: False,
) -> Stats:
    """The numbers of `records` (recent sessions) and the streaks of `exercise_days` (all
    days with an exercise done: a streak can be older than the records)."""
    exercise_days = list(exercise_days)
    finished_days = [r.day for r in records if r.finished]
    week_start = today - timedelta(days=today.weekday())
    changes = [
        r.pain_after - r.pain_before
        for r in records
        if r.pain_before is not None and r.pain_after is not None
    ]
    troubles = Counter(e for r in records for e in (*r.skipped, *r.painful))
    worst = troubles.most_common(1)
    return Stats(
        current_streak=streak(exercise_days, today, rest_day),
        best_streak=best_streak(exercise_days, rest_day),
        sessions_this_week=sum(1 for r in records if r.finished and r.day >= week_start),
        sessions_this_month=sum(
            1
            for r in records
            if r.finished and (r.day.year, r.day.month) == (today.year, today.month)
        ),
        completion_rate=len(finished_days) / len(records) if records else None,
        average_pain_change=sum(changes) / len(changes) if changes else None,
        most_skipped=worst[0][0] if worst and worst[0][1] >= 2 else None,
    )


def record_of(day: date, outcome: Outcome | None, state: SessionState) -> SessionRecord | None:
    """A stored session as the statistics see it; None if it never got past the check-in."""
    if state.pain_before is None:
        return None
    return SessionRecord(
        day=day, finished=outcome == Outcome.FINISHED,
        stopped_by_pain=stopping_rating(state) if outcome == Outcome.SEVERE_PAIN else None,
        stopped_for_safety=outcome == Outcome.SAFETY,
        pain_before=state.pain_before, pain_after=state.pain_after,
        done=state.done, skipped=state.skipped,
        painful=tuple(exercise for exercise, _ in state.painful),
    )  # fmt: skip
