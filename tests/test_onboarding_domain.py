"""The pure pieces of onboarding and preferences: answers, steps, weekdays, pauses."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.domain import onboarding
from bot.domain.onboarding import (
    Accepted,
    Answer,
    Cleared,
    Confirmed,
    Pain,
    RedFlags,
    ReminderAt,
    Step,
    Zone,
)
from bot.domain.pause import is_paused, pause_end
from bot.domain.weekdays import EVERY_DAY, WEEKDAYS, WEEKENDS, day_group, days_in, parse_days
from bot.domain.words import parse_rating


@pytest.mark.parametrize(
    ("step", "text", "answer"),
    [
        (Step.DISCLAIMER, "OK", Accepted()), (Step.DISCLAIMER, "I understand.", Accepted()),
        (Step.DISCLAIMER, "\N{THUMBS UP SIGN}", Accepted()), (Step.DISCLAIMER, "maybe", None),
        (Step.RED_FLAGS, "No", RedFlags(False)), (Step.RED_FLAGS, "none of these", RedFlags(False)),
        (Step.RED_FLAGS, "yes", RedFlags(True)), (Step.RED_FLAGS, "what?", None),
        (Step.RED_FLAGS, "Yes, at least one", RedFlags(True)),
        (Step.RED_FLAGS, "ok", None), (Step.RED_FLAGS, "got it", None),  # assent, not "yes"
        (Step.CLEARANCE, "I’ve been cleared", Cleared()), (Step.CLEARANCE, "yes", None),
        (Step.CLEARANCE_CONFIRM, "yes", Confirmed(True)),
        (Step.CLEARANCE_CONFIRM, "not yet", Confirmed(False)),
        (Step.CLEARANCE_CONFIRM, "No", Confirmed(False)),
        (Step.CLEARANCE_CONFIRM, "ok", None),  # assent is not a confirmation
        (Step.BASELINE_PAIN, "3", Pain(3)), (Step.BASELINE_PAIN, "7/10", Pain(7)),
        (Step.BASELINE_PAIN, "0", Pain(0)), (Step.BASELINE_PAIN, "11", None),
        (Step.BASELINE_PAIN, "-1", None), (Step.BASELINE_PAIN, "bad", None),
        (Step.REMINDER_TIME, "7:30 am", ReminderAt(time(7, 30))),
        (Step.REMINDER_TIME, "25:99", None), (Step.REMINDER_TIME, "tomorrow", None),
        (Step.TIMEZONE, "Berlin", Zone("Europe/Berlin")),
        (Step.TIMEZONE, "UTC+5:30", Zone("UTC+05:30")),
        (Step.TIMEZONE, "Mars/Olympus", None), (Step.TIMEZONE, "UTC+15", None),
    ],
)  # fmt: skip
def test_typed_replies_are_read_as_the_current_steps_answer(
    step: Step, text: str, answer: onboarding.Answer | None
) -> None:
    assert onboarding.interpret(step, text) == answer


def test_the_steps_run_in_order_and_red_flags_wait_for_clearance() -> None:
    path: list[tuple[Step, Answer]] = [
        (Step.DISCLAIMER, Accepted()),
        (Step.RED_FLAGS, RedFlags(present=False)),
        (Step.BASELINE_PAIN, Pain(2)),
        (Step.REMINDER_TIME, ReminderAt(time(7, 30))),
        (Step.TIMEZONE, Zone("UTC")),
    ]
    following: list[Step | None] = [step for step, _ in path[1:]] + [None]
    for (step, answer), expected in zip(path, following, strict=True):
        assert onboarding.next_step(step, answer) == expected
    assert onboarding.next_step(Step.RED_FLAGS, RedFlags(present=True)) is Step.CLEARANCE
    # Clearance takes two deliberate steps; "not yet" goes back to waiting.
    assert onboarding.next_step(Step.CLEARANCE, Cleared()) is Step.CLEARANCE_CONFIRM
    assert onboarding.next_step(Step.CLEARANCE_CONFIRM, Confirmed(False)) is Step.CLEARANCE
    answered = frozenset({Step.DISCLAIMER, Step.RED_FLAGS})
    assert onboarding.next_step(Step.CLEARANCE_CONFIRM, Confirmed(True), answered) is (
        Step.BASELINE_PAIN
    )
    # Flagged before the disclaimer was accepted: that comes first once cleared.
    assert onboarding.next_step(Step.CLEARANCE_CONFIRM, Confirmed(True)) is Step.DISCLAIMER


def test_questions_answered_early_are_passed_over() -> None:
    time_known = frozenset({Step.REMINDER_TIME})
    assert onboarding.next_step(Step.BASELINE_PAIN, Pain(2), time_known) is Step.TIMEZONE
    both_known = frozenset({Step.REMINDER_TIME, Step.TIMEZONE})
    assert onboarding.next_step(Step.BASELINE_PAIN, Pain(2), both_known) is None
    zone_known = frozenset({Step.TIMEZONE})
    assert onboarding.next_step(Step.REMINDER_TIME, ReminderAt(time(7)), zone_known) is None
    assert onboarding.next_step(Step.DISCLAIMER, Accepted(), both_known) is Step.RED_FLAGS


def test_an_answer_to_another_step_is_refused() -> None:
    assert not onboarding.fits(Step.TIMEZONE, Pain(3))
    with pytest.raises(ValueError, match="does not answer"):
        onboarding.next_step(Step.DISCLAIMER, Pain(3))


@pytest.mark.parametrize(
    ("text", "rating"),
    [
        ("0", 0),
        ("10", 10),
        (" 4 ", 4),
        ("4 out of 10", 4),
        ("pain 6", 6),
        ("11", None),
        ("", None),
        ("three", 3),
        ("it's like a 3", 3),
        ("about 5/10", 5),
        ("Ten!", 10),
        ("maybe a seven", 7),
        ("a lot", None),
        ("3 4", None),
        ("pain", None),
    ],
)
def test_pain_ratings(text: str, rating: int | None) -> None:
    assert parse_rating(text) == rating


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("every day", [0, 1, 2, 3, 4, 5, 6]), ("weekdays", [0, 1, 2, 3, 4]), ("Weekends", [5, 6]),
        ("mon wed fri", [0, 2, 4]), ("Mon, Tue", [0, 1]), ("tues thurs", [1, 3]),
        ("monday-wednesday", [0, 1, 2]), ("sa su", [5, 6]),
        ("", None), ("someday", None), ("fri-mon", None), ("m", None),
    ],
)  # fmt: skip
def test_parse_days(text: str, days: list[int] | None) -> None:
    mask = parse_days(text)
    assert (days_in(mask) if mask is not None else None) == days


def test_day_groups() -> None:
    assert [day_group(m) for m in (EVERY_DAY, WEEKDAYS, WEEKENDS, 0b101)] == [
        "every_day", "weekdays", "weekends", None,
    ]  # fmt: skip


def test_a_pause_ends_at_the_start_of_a_local_day() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # 23:30 UTC on Monday is already Tuesday in Berlin: three days later is Friday 00:00.
    now = datetime(2026, 3, 23, 23, 30, tzinfo=UTC)
    end = pause_end(now, berlin, 3)
    assert end == datetime(2026, 3, 27, 0, 0, tzinfo=berlin)
    # Across the spring-forward night the local midnight is still right.
    assert pause_end(now, berlin, 7).utcoffset() == berlin.utcoffset(datetime(2026, 3, 31))
    with pytest.raises(ValueError, match="1-365"):
        pause_end(now, berlin, 0)
    # Wednesday 15:00 in Berlin, after that day's 07:30 reminder: "/pause 3" skips the
    # next three (Thursday to Saturday); before it, today's is the first of the three.
    wednesday = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
    assert pause_end(wednesday, berlin, 3, time(7, 30)) == datetime(2026, 11, 29, tzinfo=berlin)
    assert pause_end(wednesday, berlin, 3, time(18, 0)) == datetime(2026, 11, 28, tzinfo=berlin)


def test_is_paused() -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    later = datetime(2026, 3, 5, tzinfo=UTC)
    assert not is_paused(now, None, None)
    assert is_paused(now, now, None)  # until /resume
    assert is_paused(now, now, later)
    assert not is_paused(later, now, later)
