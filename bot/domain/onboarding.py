"""Onboarding as a small state machine: one question at a time, in a fixed order.

The handler stores the step in the database after every answer, so a restart
in the middle of onboarding resumes at the same question.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from enum import StrEnum

from bot.domain.times import parse_time
from bot.domain.timezones import parse_timezone
from bot.domain.words import (
    CLEARED,
    CONFIRMED,
    NOT_YET,
    means_no,
    means_yes,
    means_yes_it_does,
    normalise,
    parse_rating,
)


class Step(StrEnum):
    DISCLAIMER = "disclaimer"
    RED_FLAGS = "red_flags"
    CLEARANCE = "clearance"  # red flags reported: wait until a professional clears them
    CLEARANCE_CONFIRM = "clearance_confirm"  # "cleared": asked once more, to be sure
    BASELINE_PAIN = "baseline_pain"
    REMINDER_TIME = "reminder_time"
    TIMEZONE = "timezone"


class ScreenAnswer(StrEnum):
    """The answer to the set-up safety screen (the preferences.red_flags column)."""

    NONE = "none"
    PRESENT = "present"  # see a professional first
    CLEARED = "cleared"  # a professional has checked them


class Awaiting(StrEnum):
    """A one-off question (from /time, /timezone, /delete) the next typed reply answers."""

    TIME = "time"
    TIMEZONE = "timezone"
    DELETE = "delete"


# Waiting for a professional's clearance: no routine, no reminders.
AWAITING_CLEARANCE = frozenset({Step.CLEARANCE, Step.CLEARANCE_CONFIRM})


@dataclass(frozen=True)
class Accepted:
    """The disclaimer was read and accepted."""


@dataclass(frozen=True)
class RedFlags:
    present: bool


@dataclass(frozen=True)
class Cleared:
    """A professional has cleared the user to exercise."""


@dataclass(frozen=True)
class Confirmed:
    """The second step of clearance: yes, a professional has checked them (or not yet)."""

    yes: bool


@dataclass(frozen=True)
class Pain:
    rating: int


@dataclass(frozen=True)
class ReminderAt:
    at: time


@dataclass(frozen=True)
class Zone:
    name: str


Answer = Accepted | RedFlags | Cleared | Confirmed | Pain | ReminderAt | Zone

# Which answer each step takes.
_EXPECTS: dict[Step, type[Answer] | tuple[type[Answer], ...]] = {
    Step.DISCLAIMER: Accepted,
    Step.RED_FLAGS: RedFlags,
    Step.CLEARANCE: Cleared,
    Step.CLEARANCE_CONFIRM: Confirmed,
    Step.BASELINE_PAIN: Pain,
    Step.REMINDER_TIME: ReminderAt,
    Step.TIMEZONE: Zone,
}


def interpret(step: Step, text: str) -> Answer | None:
    """Read a typed reply as the answer to `step`, or None if it is not one."""
    match step:
        case Step.DISCLAIMER:
            return Accepted() if means_yes(text) else None
        case Step.RED_FLAGS:
            if means_no(text):
                return RedFlags(present=False)
            return RedFlags(present=True) if means_yes_it_does(text) else None
        case Step.CLEARANCE:
            return Cleared() if normalise(text) in CLEARED else None
        case Step.CLEARANCE_CONFIRM:
            if means_yes_it_does(text) or normalise(text) in CONFIRMED:
                return Confirmed(yes=True)
            return Confirmed(yes=False) if means_no(text) or normalise(text) in NOT_YET else None
        case Step.BASELINE_PAIN:
            rating = parse_rating(text)
            return None if rating is None else Pain(rating)
        case Step.REMINDER_TIME:
            at = parse_time(text)
            return None if at is None else ReminderAt(at)
        case Step.TIMEZONE:
            zone = parse_timezone(text)
            return None if zone is None else Zone(zone)


def fits(step: Step, answer: Answer) -> bool:
    """Whether `answer` answers `step` (a button from another step does not)."""
    return isinstance(answer, _EXPECTS[step])


# The order of the questions, clearance aside (only red flags lead there). After a
# confirmed clearance, setting up goes on from the first question not yet answered.
_FOLLOWING: dict[Step, Step | None] = {
    Step.DISCLAIMER: Step.RED_FLAGS,
    Step.RED_FLAGS: Step.BASELINE_PAIN,
    Step.CLEARANCE: Step.CLEARANCE_CONFIRM,
    Step.CLEARANCE_CONFIRM: Step.DISCLAIMER,
    Step.BASELINE_PAIN: Step.REMINDER_TIME,
    Step.REMINDER_TIME: Step.TIMEZONE,
    Step.TIMEZONE: None,
}


def next_step(step: Step, answer: Answer, answered: frozenset[Step] = frozenset()) -> Step | None:
    """The step after answering `step`; None when onboarding is complete. Steps in
    `answered` (given another way, like /time while setting up) are not asked again."""
    if not fits(step, answer):
        raise ValueError(f"{answer!r} does not answer {step}")
    if step is Step.RED_FLAGS and isinstance(answer, RedFlags) and answer.present:
        return Step.CLEARANCE
    if isinstance(answer, Confirmed) and not answer.yes:
        return Step.CLEARANCE
    following: Step | None = _FOLLOWING[step]
    while following in answered:
        following = _FOLLOWING[following]
    return following
