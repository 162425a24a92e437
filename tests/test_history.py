"""What the planner and the statistics read from stored sessions, decided in the domain."""

from __future__ import annotations

from datetime import date

from bot.domain.progress import record_of
from bot.domain.routine import pain_free_run
from bot.domain.session import Outcome, SessionState

DAY = date(2026, 12, 3)


def test_pain_free_run_counts_the_newest_sessions_until_one_with_pain() -> None:
    assert pain_free_run([9, 8, 7, 6], painful={7}) == 2
    assert pain_free_run([9, 8], painful=set()) == 2
    assert pain_free_run([9, 8], painful={9}) == 0
    assert pain_free_run([], painful={1}) == 0


def test_a_session_that_never_got_past_the_check_in_is_no_record() -> None:
    assert record_of(DAY, Outcome.STOPPED, SessionState()) is None


def test_a_finished_session() -> None:
    state = SessionState(pain_before=3, pain_after=2, done=("bridge",), painful=(("cat", 4),))
    record = record_of(DAY, Outcome.FINISHED, state)
    assert record is not None
    assert record.finished
    assert (record.pain_before, record.pain_after) == (3, 2)
    assert record.done == ("bridge",)
    assert record.painful == ("cat",)
    assert record.stopped_by_pain is None
    assert not record.stopped_for_safety


def test_a_session_stopped_by_severe_pain_keeps_the_rating_that_stopped_it() -> None:
    state = SessionState(pain_before=2, painful=(("bridge", 3), ("cat", 8)))
    record = record_of(DAY, Outcome.SEVERE_PAIN, state)
    assert record is not None
    assert not record.finished
    assert record.stopped_by_pain == 8


def test_a_session_stopped_for_safety() -> None:
    record = record_of(DAY, Outcome.SAFETY, SessionState(pain_before=2))
    assert record is not None
    assert record.stopped_for_safety
    assert record.stopped_by_pain is None
