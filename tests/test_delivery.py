"""What becomes of a reminder that has come due (bot/domain/delivery.py), decided without
a database: the repository only fetches the facts and stores the verdict."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.delivery import DeliveryStatus, Due, Verdict, too_late, verdict

NOW = datetime(2026, 12, 3, 7, 30, tzinfo=UTC)
GRACE = timedelta(hours=2)


def due(
    late: timedelta = timedelta(0),
    blocked: bool = False,
    recorded: DeliveryStatus | None = None,
    routine_done: bool = False,
) -> Due:
    return Due(NOW - late, blocked, recorded, routine_done)


def test_a_timely_reminder_is_sent_and_recorded_as_claimed() -> None:
    assert verdict(due(), NOW, GRACE) is Verdict.SEND
    assert Verdict.SEND.status is DeliveryStatus.CLAIMED


def test_a_blocked_person_gets_no_more_reminders_and_nothing_is_recorded() -> None:
    decided = verdict(due(blocked=True, recorded=DeliveryStatus.SNOOZED), NOW, GRACE)
    assert decided is Verdict.STOP
    assert decided.status is None


@pytest.mark.parametrize("recorded", sorted(set(DeliveryStatus) - {DeliveryStatus.SNOOZED}))
def test_a_day_already_settled_is_left_alone(recorded: DeliveryStatus) -> None:
    decided = verdict(due(recorded=recorded), NOW, GRACE)
    assert decided is Verdict.LEAVE
    assert decided.status is None


def test_a_snoozed_reminder_comes_again() -> None:
    assert verdict(due(recorded=DeliveryStatus.SNOOZED), NOW, GRACE) is Verdict.SEND


def test_too_late_is_recorded_as_missed_not_sent() -> None:
    assert verdict(due(late=GRACE), NOW, GRACE) is Verdict.SEND  # at the edge: still sent
    decided = verdict(due(late=GRACE + timedelta(seconds=1)), NOW, GRACE)
    assert decided is Verdict.MISSED
    assert decided.status is DeliveryStatus.MISSED


def test_missed_wins_over_done() -> None:
    late_and_done = due(late=GRACE * 2, routine_done=True)
    assert verdict(late_and_done, NOW, GRACE) is Verdict.MISSED


def test_a_day_whose_routine_is_done_is_recorded_done_not_sent() -> None:
    decided = verdict(due(routine_done=True), NOW, GRACE)
    assert decided is Verdict.DONE
    assert decided.status is DeliveryStatus.DONE


def test_too_late() -> None:
    assert not too_late(NOW - GRACE, NOW, GRACE)
    assert too_late(NOW - GRACE - timedelta(microseconds=1), NOW, GRACE)
