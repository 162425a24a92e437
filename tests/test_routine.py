"""Routine planning: the default, progression within the seed's ranges, pain rules."""

from __future__ import annotations

from datetime import date

import pytest

from bot.content import load_content
from bot.domain.exercises import Dosage
from bot.domain.routine import MAX_LEVEL, History, dose_for, plan

CATALOGUE = load_content().catalogue
EXERCISES = CATALOGUE.exercises
TODAY = date(2026, 11, 24)


def dosage(exercise_id: str) -> Dosage:
    exercise = CATALOGUE.by_id(exercise_id)
    assert exercise is not None
    return exercise.dosage


def test_the_default_is_all_seven_at_the_low_end_in_about_ten_to_fifteen_minutes() -> None:
    routine = plan(EXERCISES, History(), TODAY)
    assert [item.exercise.id for item in routine.exercises] == [e.id for e in EXERCISES]
    assert 10 <= routine.minutes <= 15
    doses = {item.exercise.id: item.dose for item in routine.exercises}
    assert (doses["bridge"].reps, doses["bridge"].sets) == (10, 2)
    assert doses["childs_pose"].hold_seconds == 20
    assert (doses["knee_to_chest"].repeats, doses["knee_to_chest"].sides) == (2, ("left", "right"))
    assert doses["bird_dog"].sides == ("right", "left")  # as its steps name them
    assert doses["cat_cow"].sets == 1
    assert not routine.gentler
    assert routine.left_out == []


def test_dosage_grows_slowly_and_stays_within_the_seeds_ranges() -> None:
    bridge = [dose_for(dosage("bridge"), level) for level in range(MAX_LEVEL + 3)]
    assert [d.reps for d in bridge] == [10, 11, 12, 13, 14, 15, 15, 15]
    assert [d.sets for d in bridge] == [2, 2, 2, 2, 3, 3, 3, 3]
    holds = [dose_for(dosage("childs_pose"), level).hold_seconds for level in range(MAX_LEVEL + 1)]
    assert holds == [20, 22, 24, 26, 28, 30]
    for exercise in EXERCISES:
        for level in range(MAX_LEVEL + 3):
            dose = dose_for(exercise.dosage, level)
            for value, span in (
                (dose.reps, exercise.dosage.reps),
                (dose.hold_seconds, exercise.dosage.hold_seconds),
            ):
                if span is not None:
                    assert value is not None
                    assert span.min <= value <= span.max


@pytest.mark.parametrize(("sessions", "level"), [(0, 0), (2, 0), (3, 1), (9, 3), (15, 5), (99, 5)])
def test_a_level_per_three_pain_free_sessions(sessions: int, level: int) -> None:
    assert plan(EXERCISES, History(pain_free_sessions=sessions), TODAY).level == level


def test_after_high_pain_the_routine_is_gentler_and_shorter() -> None:
    usual = plan(EXERCISES, History(pain_free_sessions=9, latest_pain=5), TODAY)
    gentle = plan(EXERCISES, History(pain_free_sessions=9, latest_pain=6), TODAY)
    assert gentle.gentler
    assert gentle.level == 0
    assert {item.exercise.kind for item in gentle.exercises} == {"stretch"}
    assert gentle.minutes < usual.minutes


def test_an_exercise_that_hurt_is_left_out_for_a_week_with_its_reason() -> None:
    hurt = History(hurt_on={"bridge": date(2026, 11, 20)})
    routine = plan(EXERCISES, hurt, TODAY)
    assert "bridge" not in [item.exercise.id for item in routine.exercises]
    assert [(gone.exercise.id, gone.hurt_on) for gone in routine.left_out] == [
        ("bridge", date(2026, 11, 20))
    ]
    a_week_later = plan(EXERCISES, hurt, date(2026, 11, 27))
    assert "bridge" in [item.exercise.id for item in a_week_later.exercises]


@pytest.mark.parametrize(
    ("latest", "after_severe", "gentler"),
    [(5, False, False), (6, False, True), (4, True, True), (3, True, False), (None, True, False)],
)
def test_moderate_pain_just_after_a_severe_rating_gets_the_gentle_routine(
    latest: int | None, after_severe: bool, gentler: bool
) -> None:
    history = History(latest_pain=latest, after_severe=after_severe)
    made = plan(EXERCISES, history, date(2026, 11, 24))
    assert made.gentler is gentler
    assert all(p.exercise.kind == "stretch" for p in made.exercises) or not gentler
