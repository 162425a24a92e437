"""Today's routine: which exercises, how much of each, and why.

Pure: it takes the catalogue and a summary of the user's history and returns
a plan with its reasons, so the reasons can be shown ("left out Bridge: it
hurt on Tue") and the rules tested directly.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.domain.exercises import Dosage, Exercise, Range

SESSIONS_PER_LEVEL = 3  # pain-free sessions before the dosage grows a step
HIGH_PAIN = 6  # at or above: a gentler, shorter routine (stretches only)
MODERATE_AFTER_SEVERE = 4  # at or above, just after a severe rating: the gentler one too
REST_AFTER_PAIN = timedelta(days=7)  # an exercise that hurt is left out this long
SECONDS_PER_REP = 4  # for the time estimate
REST_BETWEEN_SETS = 30  # seconds
SECONDS_PER_INTRO = 20  # reading the steps and getting into position


@dataclass(frozen=True)
class History:
    """What the planner needs to know about the user's past sessions."""

    pain_free_sessions: int = 0  # completed sessions in a row without a pain report
    latest_pain: int | None = None  # the latest 0-10 rating (before a session, or baseline)
    hurt_on: dict[str, date] = field(default_factory=dict)  # exercise id -> last painful day
    after_severe: bool = False  # the rating before the latest was severe (7 or more)


@dataclass(frozen=True)
class Dose:
    """The amount of one exercise for today; None where the exercise has no such part."""

    reps: int | None
    sets: int
    hold_seconds: int | None
    repeats: int  # holds per side (or in all)
    sides: tuple[str, ...]  # "left" and "right" in the order done (per-side work), else ("",)


@dataclass(frozen=True)
class PlannedExercise:
    exercise: Exercise
    dose: Dose

    @property
    def seconds(self) -> int:
        """A rough duration, for "about 12 minutes"."""
        dose = self.dose
        per_set = (dose.reps or 0) * SECONDS_PER_REP + (dose.hold_seconds or 0) * dose.repeats
        work = per_set * dose.sets * len(dose.sides)
        return SECONDS_PER_INTRO + work + REST_BETWEEN_SETS * (dose.sets - 1)


@dataclass(frozen=True)
class LeftOut:
    exercise: Exercise
    hurt_on: date


@dataclass(frozen=True)
class Routine:
    exercises: list[PlannedExercise]
    left_out: list[LeftOut]
    gentler: bool  # high pain recently: stretches only, at the lowest dosage
    level: int

    @property
    def minutes(self) -> int:
        return max(1, round(sum(item.seconds for item in self.exercises) / 60))


def _step(span: Range | None, level: int, levels: int) -> int | None:
    """A value `level` steps of `levels` from the range's low end towards its high end."""
    if span is None:
        return None
    return span.min + round((span.max - span.min) * min(level, levels) / levels)


MAX_LEVEL = 5


def dose_for(dosage: Dosage, level: int) -> Dose:
    """The dosage at a progression level: 0 is the seed's low end, MAX_LEVEL its high end.

    Reps and holds grow first; the extra set comes only at the top levels.
    """
    sets_level = 1 if level >= MAX_LEVEL - 1 else 0
    repeats = dosage.repeats or (Range(min=1, max=2) if dosage.repeat_as_needed else None)
    return Dose(
        reps=_step(dosage.reps, level, MAX_LEVEL),
        sets=_step(dosage.sets, sets_level, 1) or 1,
        hold_seconds=_step(dosage.hold_seconds, level, MAX_LEVEL),
        repeats=_step(repeats, sets_level, 1) or 1,
        sides=_sides(dosage),
    )


def _sides(dosage: Dosage) -> tuple[str, ...]:
    """Each side in turn, in the order the steps name them (left first unless named)."""
    if not dosage.per_side:
        return ("",)
    return tuple(dosage.side_names or ("left", "right"))


def level_for(history: History) -> int:
    """How far the dosage has grown: a step per SESSIONS_PER_LEVEL pain-free sessions."""
    return min(history.pain_free_sessions // SESSIONS_PER_LEVEL, MAX_LEVEL)


def _gentler(history: History) -> bool:
    """High pain now, or moderate pain the first time after a severe rating."""
    latest = history.latest_pain
    if latest is None:
        return False
    return latest >= HIGH_PAIN or (history.after_severe and latest >= MODERATE_AFTER_SEVERE)


def plan(exercises: list[Exercise], history: History, today: date) -> Routine:
    """Pick today's routine from the catalogue and the user's history."""
    gentler = _gentler(history)
    level = 0 if gentler else level_for(history)
    chosen: list[PlannedExercise] = []
    left_out: list[LeftOut] = []
    for exercise in exercises:
        hurt = history.hurt_on.get(exercise.id)
        if hurt is not None and today - hurt < REST_AFTER_PAIN:
            left_out.append(LeftOut(exercise, hurt))
        elif not gentler or exercise.kind == "stretch":
            chosen.append(PlannedExercise(exercise, dose_for(exercise.dosage, level)))
    return Routine(exercises=chosen, left_out=left_out, gentler=gentler, level=level)


@dataclass(frozen=True)
class Block:
    """One stretch of work: a hold, or a set of repetitions, on one side."""

    kind: str  # "hold" or "reps"
    amount: int  # seconds for a hold, repetitions for reps
    side: str  # "left", "right" or ""
    set: int  # 1-based
    sets: int
    repeat: int  # 1-based, for holds repeated per side
    repeats: int


def blocks(dose: Dose) -> list[Block]:
    """The work of one exercise in order.

    Holds go repeat by repeat, both sides each time ("hold, then switch legs;
    repeat 2-3 times per leg"); reps go set by set, each side in turn.
    """
    if dose.hold_seconds is not None and dose.reps is None:
        return [
            Block("hold", dose.hold_seconds, side, 1, 1, repeat, dose.repeats)
            for repeat in range(1, dose.repeats + 1)
            for side in dose.sides
        ]
    assert dose.reps is not None
    return [
        Block("reps", dose.reps, side, set_number, dose.sets, 1, 1)
        for set_number in range(1, dose.sets + 1)
        for side in dose.sides
    ]


def pain_free_run(finished: Sequence[int], painful: Collection[int]) -> int:
    """How many of the finished sessions (ids, newest first) in a row had no pain report."""
    run = 0
    for session_id in finished:
        if session_id in painful:
            break
        run += 1
    return run
