"""The guided session as a pure state machine.

`step(state, event, now)` returns the next state and the effects the handler
must render (messages to send, a timer to arm). The state is plain data and is
stored after every event, so a restart or a second replica loses nothing.

Every change bumps `version`. A timer or a button carries the version it was
made for; one that arrives after the state has moved on is obsolete. That is
how a late timer, a double tap or yesterday's button is told apart from a
real event.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.pain import MODERATE_PAIN, SEVERE_PAIN
from bot.domain.routine import Block, Dose, blocks

SWITCH_SECONDS = 5  # to change legs between holds
REST_SECONDS = 30  # between sets
NUDGE_AFTER = timedelta(minutes=5)  # no reply for this long: one gentle nudge
PAUSE_AFTER_NUDGE = timedelta(minutes=25)  # still nothing: pause the session


class Phase(StrEnum):
    CHECK_IN = "check_in"  # pain before, 0-10
    INTRO = "intro"  # the exercise card; waiting for Start
    HOLD = "hold"  # a timed hold is running
    SWITCH = "switch"  # a few seconds to change sides before the next hold
    REPS = "reps"  # a set of repetitions; waiting for Done
    REST = "rest"  # a timed rest between sets
    PAIN_RATING = "pain_rating"  # "pain" reported: how bad?
    PAIN_CHOICE = "pain_choice"  # mild pain: go on gently, or skip?
    CHECK_OUT = "check_out"  # pain after, 0-10
    PAUSED = "paused"  # idle too long; /today resumes it the same day
    FINISHED = "finished"
    ABANDONED = "abandoned"


ACTIVE = frozenset(Phase) - {Phase.FINISHED, Phase.ABANDONED}
WORKING = frozenset({Phase.INTRO, Phase.HOLD, Phase.SWITCH, Phase.REPS, Phase.REST})
# Where another exercise can take the current one's place.
SWAPPABLE = WORKING | {Phase.PAIN_CHOICE, Phase.PAUSED}


class Outcome(StrEnum):
    """How a session ended (stored in sessions.outcome; None while it is open)."""

    FINISHED = "finished"
    STOPPED = "stopped"  # by the user, or replaced by a new session
    SEVERE_PAIN = "severe_pain"  # a rating of SEVERE_PAIN or more
    INCOMPLETE = "incomplete"  # left open until the day was over
    SAFETY = "safety"  # a red flag in something typed (bot/domain/triage.py)


class Timer(StrEnum):
    HOLD_END = "hold_end"
    SWITCH_END = "switch_end"
    REST_END = "rest_end"
    NUDGE = "nudge"
    IDLE = "idle"


@dataclass(frozen=True)
class Item:
    """One exercise of the session's plan."""

    exercise_id: str
    dose: Dose


# --- events -----------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    # The version a button was made for; None for typed replies (they mean "now").
    version: int | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class CheckedIn(Event):
    """The pain rating before the session, with the plan made from it."""

    rating: int
    plan: tuple[Item, ...]


@dataclass(frozen=True)
class Start(Event):
    """Begin the exercise (or go on after mild pain, or resume after a pause)."""


@dataclass(frozen=True)
class Done(Event):
    pass


@dataclass(frozen=True)
class Pain(Event):
    pass


@dataclass(frozen=True)
class Skip(Event):
    pass


@dataclass(frozen=True)
class Stop(Event):
    pass


@dataclass(frozen=True)
class Rating(Event):
    value: int


@dataclass(frozen=True)
class Swap(Event):
    """Do this exercise now, in place of the current one ("child's pose instead?")."""

    item: Item


@dataclass(frozen=True)
class TimerFired(Event):
    timer: Timer


# --- effects: what the handler renders, in order -------------------------------------


@dataclass(frozen=True)
class ShowIntro:
    item: int  # index into the plan


@dataclass(frozen=True)
class BeginHold:
    item: int
    block: Block
    until: datetime


@dataclass(frozen=True)
class HoldDone:
    item: int
    block: Block


@dataclass(frozen=True)
class SwitchSides:
    item: int
    next_block: Block


@dataclass(frozen=True)
class BeginReps:
    item: int
    block: Block


@dataclass(frozen=True)
class BeginRest:
    item: int
    seconds: int
    next_block: Block


@dataclass(frozen=True)
class AskPainRating:
    item: int | None


@dataclass(frozen=True)
class MildPainAdvice:
    item: int


@dataclass(frozen=True)
class SkippedForPain:
    item: int


@dataclass(frozen=True)
class SevereStop:
    rating: int


@dataclass(frozen=True)
class AskCheckOut:
    pass


@dataclass(frozen=True)
class Finished:
    pass


@dataclass(frozen=True)
class Stopped:
    pass


@dataclass(frozen=True)
class Nudge:
    phase: Phase


@dataclass(frozen=True)
class IdlePaused:
    pass


@dataclass(frozen=True)
class Hint:
    """The event means nothing now: say what the bot expects instead."""

    phase: Phase


@dataclass(frozen=True)
class Stale:
    """A button or timer for a state that has moved on: answer briefly, do nothing."""


Effect = (
    ShowIntro | BeginHold | HoldDone | SwitchSides | BeginReps | BeginRest
    | AskPainRating | MildPainAdvice | SkippedForPain | SevereStop | AskCheckOut | Finished
    | Stopped | Nudge | IdlePaused | Hint | Stale
)  # fmt: skip


def stopping_rating(state: SessionState) -> int | None:
    """The severe rating that stopped a session (at the check-in or during an exercise)."""
    ratings = [state.pain_before or 0, *(rating for _, rating in state.painful)]
    severe = [rating for rating in ratings if rating >= SEVERE_PAIN]
    return max(severe) if severe else None


# --- state ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionState:
    phase: Phase = Phase.CHECK_IN
    plan: tuple[Item, ...] = ()
    item: int = 0  # the current exercise
    block: int = 0  # the current block of that exercise
    version: int = 0
    timer: Timer | None = None
    due_at: datetime | None = None
    pain_before: int | None = None
    pain_after: int | None = None
    done: tuple[str, ...] = ()  # exercise ids completed
    skipped: tuple[str, ...] = ()
    painful: tuple[tuple[str, int], ...] = ()  # (exercise id, rating) reported during the session
    single: bool = False  # one exercise asked for by name ("Do it now"), not the day's routine

    @property
    def active(self) -> bool:
        return self.phase in ACTIVE

    def current_blocks(self) -> list[Block]:
        return blocks(self.plan[self.item].dose)

    @property
    def exercise_id(self) -> str:
        return self.plan[self.item].exercise_id


@dataclass(frozen=True)
class Transition:
    state: SessionState
    effects: list[Effect]


def _moved(state: SessionState, **changes: object) -> SessionState:
    """A new state: next version, and no timer unless the change arms one."""
    changes.setdefault("timer", None)
    changes.setdefault("due_at", None)
    return replace(state, version=state.version + 1, **changes)  # type: ignore[arg-type]


def _waiting(state: SessionState, now: datetime, **changes: object) -> SessionState:
    """A new state that waits for the user: arm the idle nudge."""
    return _moved(state, timer=Timer.NUDGE, due_at=now + NUDGE_AFTER, **changes)


def step(state: SessionState, event: Event, now: datetime) -> Transition:
    """The next state and what to do, for `event` arriving at `now`."""
    if not state.active:
        return Transition(state, [Stale()])
    if event.version is not None and event.version != state.version:
        return Transition(state, [Stale()])
    if isinstance(event, TimerFired):
        if event.timer != state.timer:
            return Transition(state, [Stale()])
        return _on_timer(state, event.timer, now)
    if isinstance(event, Stop):
        return Transition(_moved(state, phase=Phase.ABANDONED), [Stopped()])
    return _on_reply(state, event, now)


def _on_reply(state: SessionState, event: Event, now: datetime) -> Transition:
    phase = state.phase
    match event:
        case CheckedIn(rating=rating, plan=plan) if phase is Phase.CHECK_IN:
            if rating >= SEVERE_PAIN:
                return Transition(
                    _moved(state, phase=Phase.ABANDONED, pain_before=rating), [SevereStop(rating)]
                )
            started = replace(state, plan=plan, pain_before=rating)
            return _next_exercise(started, now, first=True)
        case Pain() if phase in WORKING:
            return Transition(
                _waiting(state, now, phase=Phase.PAIN_RATING),
                [AskPainRating(state.item)],
            )
        case Skip() if phase in WORKING or phase in (Phase.PAIN_CHOICE, Phase.PAIN_RATING):
            return _next_exercise(replace(state, skipped=(*state.skipped, state.exercise_id)), now)
        case Rating(value=value) if phase is Phase.PAIN_RATING:
            return _on_pain_rating(state, value, now)
        case Swap(item=new) if phase in SWAPPABLE:
            rest = tuple(
                i for i in state.plan[state.item + 1 :] if i.exercise_id != new.exercise_id
            )
            # The exercise swapped away comes at the end of a routine; "Do it now"'s one
            # exercise simply gives way (its offer says so).
            current = state.plan[state.item]
            later = () if state.single or current.exercise_id == new.exercise_id else (current,)
            plan = (*state.plan[: state.item], new, *rest, *later)
            swapped = _waiting(state, now, phase=Phase.INTRO, plan=plan, block=0)
            return Transition(swapped, [ShowIntro(state.item)])
        case Start() | Done() if phase is Phase.PAIN_CHOICE:
            return _begin_block(state, now)
        case Start() | Done() if phase is Phase.INTRO:
            return _begin_block(state, now)
        case Done() if phase is Phase.HOLD:  # finished the hold early
            return _after_block(state, now)
        case Done() if phase is Phase.REPS:
            return _after_block(state, now)
        case Start() | Done() if phase in (Phase.REST, Phase.SWITCH):  # ready before the timer
            return _begin_block(state, now)
        case Start() | Done() if phase is Phase.PAUSED:
            return Transition(
                _waiting(state, now, phase=Phase.INTRO, block=0), [ShowIntro(state.item)]
            )
        case Rating(value=value) if phase is Phase.CHECK_OUT:
            return _finish(replace(state, pain_after=value))
        case Skip() | Done() if phase is Phase.CHECK_OUT:
            return _finish(state)
    return Transition(state, [Hint(phase)])


def _on_timer(state: SessionState, timer: Timer, now: datetime) -> Transition:
    match timer:
        case Timer.HOLD_END:
            return _after_block(state, now)
        case Timer.SWITCH_END | Timer.REST_END:
            return _begin_block(state, now)
        case Timer.NUDGE:
            nudged = _moved(state, timer=Timer.IDLE, due_at=now + PAUSE_AFTER_NUDGE)
            return Transition(nudged, [Nudge(state.phase)])
        case Timer.IDLE if state.phase is Phase.CHECK_OUT:  # every exercise is behind them
            return _finish(state)
        case Timer.IDLE:
            paused = _moved(state, phase=Phase.PAUSED)
            return Transition(paused, [IdlePaused()])


def _on_pain_rating(state: SessionState, value: int, now: datetime) -> Transition:
    reported = replace(state, painful=(*state.painful, (state.exercise_id, value)))
    if value >= SEVERE_PAIN:
        return Transition(_moved(reported, phase=Phase.ABANDONED), [SevereStop(value)])
    if value >= MODERATE_PAIN:
        skipped = replace(reported, skipped=(*reported.skipped, state.exercise_id))
        moved_on = _next_exercise(skipped, now)
        return Transition(moved_on.state, [SkippedForPain(state.item), *moved_on.effects])
    return Transition(
        _waiting(reported, now, phase=Phase.PAIN_CHOICE), [MildPainAdvice(state.item)]
    )


def _begin_block(state: SessionState, now: datetime) -> Transition:
    block = state.current_blocks()[state.block]
    if block.kind == "hold":
        until = now + timedelta(seconds=block.amount)
        holding = _moved(state, phase=Phase.HOLD, timer=Timer.HOLD_END, due_at=until)
        return Transition(holding, [BeginHold(state.item, block, until)])
    return Transition(_waiting(state, now, phase=Phase.REPS), [BeginReps(state.item, block)])


def _after_block(state: SessionState, now: datetime) -> Transition:
    """One block is done: the next block of the exercise, or the next exercise."""
    work = state.current_blocks()
    finished = work[state.block]
    if state.block + 1 >= len(work):
        done = replace(state, done=(*state.done, state.exercise_id))
        moved_on = _next_exercise(done, now)
        effects: list[Effect] = [HoldDone(state.item, finished)] if finished.kind == "hold" else []
        return Transition(moved_on.state, [*effects, *moved_on.effects])
    upcoming = work[state.block + 1]
    if finished.kind == "hold":
        until = now + timedelta(seconds=SWITCH_SECONDS)
        switching = _moved(
            state, phase=Phase.SWITCH, block=state.block + 1, timer=Timer.SWITCH_END, due_at=until
        )
        return Transition(
            switching, [HoldDone(state.item, finished), SwitchSides(state.item, upcoming)]
        )
    if upcoming.set != finished.set:
        until = now + timedelta(seconds=REST_SECONDS)
        resting = _moved(
            state, phase=Phase.REST, block=state.block + 1, timer=Timer.REST_END, due_at=until
        )
        return Transition(resting, [BeginRest(state.item, REST_SECONDS, upcoming)])
    other_side = _waiting(state, now, phase=Phase.REPS, block=state.block + 1)
    return Transition(other_side, [BeginReps(state.item, upcoming)])


def _next_exercise(state: SessionState, now: datetime, first: bool = False) -> Transition:
    following = 0 if first else state.item + 1
    if following >= len(state.plan):
        return Transition(_waiting(state, now, phase=Phase.CHECK_OUT), [AskCheckOut()])
    intro = _waiting(state, now, phase=Phase.INTRO, item=following, block=0)
    return Transition(intro, [ShowIntro(following)])


def _finish(state: SessionState) -> Transition:
    return Transition(_moved(state, phase=Phase.FINISHED), [Finished()])
