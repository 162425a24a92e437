"""The session state machine: every phase x every event, and the flows users go through."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.pain import FRESH_BASELINE, PainKind, check_in_first, latest_rating_answers_check_in
from bot.domain.routine import Block, Dose
from bot.domain.session import (
    NUDGE_AFTER,
    PAUSE_AFTER_NUDGE,
    REST_SECONDS,
    SWITCH_SECONDS,
    AskCheckOut,
    AskPainRating,
    BeginHold,
    BeginReps,
    BeginRest,
    CheckedIn,
    Done,
    Event,
    Finished,
    Hint,
    HoldDone,
    IdlePaused,
    Item,
    MildPainAdvice,
    Nudge,
    Pain,
    Phase,
    Rating,
    SessionState,
    SevereStop,
    ShowIntro,
    Skip,
    SkippedForPain,
    Stale,
    Start,
    Stop,
    Stopped,
    Swap,
    SwitchSides,
    Timer,
    TimerFired,
    step,
    stopping_rating,
)

NOW = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
BRIDGE = Item("bridge", Dose(reps=10, sets=2, hold_seconds=None, repeats=1, sides=("",)))
BIRD_DOG = Item(
    "bird_dog", Dose(reps=10, sets=2, hold_seconds=None, repeats=1, sides=("left", "right"))
)
KNEE = Item(
    "knee_to_chest", Dose(reps=None, sets=1, hold_seconds=20, repeats=2, sides=("left", "right"))
)
PLAN = (BRIDGE, KNEE)


def run(
    state: SessionState, *events: Event, at: datetime = NOW
) -> tuple[SessionState, list[object]]:
    effects: list[object] = []
    for event in events:
        transition = step(state, event, at)
        state = transition.state
        effects.extend(transition.effects)
    return state, effects


def started(plan: tuple[Item, ...] = PLAN) -> SessionState:
    state, _ = run(SessionState(), CheckedIn(2, plan))
    return state


def in_phase(phase: Phase) -> SessionState:
    """A realistic state in each phase, reached through real transitions."""
    base = started()
    reach: dict[Phase, list[Event]] = {
        Phase.CHECK_IN: [],
        Phase.INTRO: [],
        Phase.REPS: [Start()],
        Phase.REST: [Start(), Done()],
        Phase.PAIN_RATING: [Start(), Pain()],
        Phase.PAIN_CHOICE: [Start(), Pain(), Rating(2)],
        Phase.HOLD: [Skip(), Start()],
        Phase.SWITCH: [Skip(), Start(), TimerFired(Timer.HOLD_END)],
        Phase.CHECK_OUT: [Skip(), Skip()],
        Phase.PAUSED: [TimerFired(Timer.NUDGE), TimerFired(Timer.IDLE)],
        Phase.FINISHED: [Skip(), Skip(), Rating(1)],
        Phase.ABANDONED: [Stop()],
    }
    if phase is Phase.CHECK_IN:
        return SessionState()
    state, _ = run(base, *reach[phase])
    assert state.phase is phase
    return state


EVENTS: list[Event] = [
    CheckedIn(3, PLAN), Start(), Done(), Pain(), Skip(), Stop(), Rating(0), Rating(5), Rating(9),
    *(TimerFired(timer) for timer in Timer), Swap(KNEE),
]  # fmt: skip


@pytest.mark.parametrize("phase", list(Phase))
@pytest.mark.parametrize("event", EVENTS, ids=repr)
def test_every_phase_and_event(phase: Phase, event: Event) -> None:
    state = in_phase(phase)
    transition = step(state, event, NOW)
    after, effects = transition.state, transition.effects
    assert effects, "every event gets an answer, even if only a hint"
    if not state.active:
        assert effects == [Stale()]
        assert after == state
    elif effects in ([Stale()],) or isinstance(effects[0], Hint):
        assert after == state  # nothing moves on a stale or meaningless event
    else:
        assert after.version == state.version + 1
    assert (after.timer is None) == (after.due_at is None)
    if isinstance(event, Stop) and state.active:
        assert (after.phase, effects) == (Phase.ABANDONED, [Stopped()])
    if after.phase in (Phase.HOLD, Phase.SWITCH, Phase.REST):
        assert after.timer in (Timer.HOLD_END, Timer.SWITCH_END, Timer.REST_END)


def test_a_timer_other_than_the_armed_one_is_stale() -> None:
    state = in_phase(Phase.HOLD)
    assert step(state, TimerFired(Timer.REST_END), NOW).effects == [Stale()]


def test_reps_sets_and_a_rest_that_announces_the_next_set_by_itself() -> None:
    state, effects = run(started(), Start())
    assert effects == [BeginReps(0, block_of(state, 0))]
    state, effects = run(state, Done())
    assert state.phase is Phase.REST
    assert state.due_at == NOW + timedelta(seconds=REST_SECONDS)
    assert isinstance(effects[0], BeginRest)
    assert effects[0].next_block.set == 2
    state, effects = run(state, TimerFired(Timer.REST_END, version=state.version))
    assert state.phase is Phase.REPS
    assert isinstance(effects[0], BeginReps)
    assert effects[0].block.set == 2
    state, effects = run(state, Done())
    assert (state.phase, state.item, effects) == (Phase.INTRO, 1, [ShowIntro(1)])
    assert state.done == ("bridge",)


def block_of(state: SessionState, index: int) -> Block:
    return state.current_blocks()[index]


def test_per_side_reps_guide_each_side_in_turn() -> None:
    state, effects = run(started((BIRD_DOG,)), Start())
    sides = []
    for _ in range(2):
        reps = effects[0]
        assert isinstance(reps, BeginReps)
        sides.append(reps.block.side)
        state, effects = run(state, Done())
    assert sides == ["left", "right"]
    assert isinstance(effects[0], BeginRest)


def test_holds_end_on_their_own_and_switch_legs_without_a_reply() -> None:
    state, _ = run(started((KNEE,)), Start())
    assert state.due_at == NOW + timedelta(seconds=20)
    sides = []
    for _ in range(3):  # left, right, left; then the fourth hold ends the exercise
        later = state.due_at
        assert later is not None
        state, effects = run(state, TimerFired(Timer.HOLD_END, version=state.version), at=later)
        assert [type(e) for e in effects] == [HoldDone, SwitchSides]
        switch = effects[1]
        assert isinstance(switch, SwitchSides)
        sides.append(switch.next_block.side)
        assert state.due_at == later + timedelta(seconds=SWITCH_SECONDS)
        state, effects = run(state, TimerFired(Timer.SWITCH_END, version=state.version))
        assert isinstance(effects[0], BeginHold)
    assert sides == ["right", "left", "right"]
    state, effects = run(state, TimerFired(Timer.HOLD_END, version=state.version))
    assert [type(e) for e in effects] == [HoldDone, AskCheckOut]
    state, effects = run(state, Rating(1))
    assert (state.phase, state.pain_before, state.pain_after, effects) == (
        Phase.FINISHED, 2, 1, [Finished()],
    )  # fmt: skip


def test_a_late_timer_after_done_and_a_double_tap_change_nothing() -> None:
    holding, _ = run(started((KNEE,)), Start())
    early, _ = run(holding, Done())  # finished the hold before the timer
    late = step(early, TimerFired(Timer.HOLD_END, version=holding.version), NOW)
    assert late.effects == [Stale()]
    assert late.state == early
    reps, _ = run(started(), Start())
    tapped = step(reps, Done(version=reps.version), NOW).state
    double = step(tapped, Done(version=reps.version), NOW)
    assert double.effects == [Stale()]
    assert double.state == tapped


def test_a_button_from_yesterdays_session_is_stale() -> None:
    yesterday, _ = run(started(), Stop())
    assert step(yesterday, Done(version=1), NOW).effects == [Stale()]


@pytest.mark.parametrize(
    ("rating", "expected"),
    [
        (0, MildPainAdvice),
        (3, MildPainAdvice),
        (4, SkippedForPain),
        (6, SkippedForPain),
        (7, SevereStop),
        (10, SevereStop),
    ],
)
def test_pain_branches(rating: int, expected: type) -> None:
    state, effects = run(started(), Start(), Pain())
    assert effects[-1] == AskPainRating(0)
    state, effects = run(state, Rating(rating))
    assert isinstance(effects[0], expected)
    assert state.painful == (("bridge", rating),)
    if expected is MildPainAdvice:
        assert state.phase is Phase.PAIN_CHOICE  # never silently continues
        went_on, effects = run(state, Start())
        assert (went_on.phase, went_on.item) == (Phase.REPS, 0)
        skipped, _ = run(state, Skip())
        assert (skipped.item, skipped.skipped) == (1, ("bridge",))
    elif expected is SkippedForPain:
        assert (state.phase, state.item, state.skipped) == (Phase.INTRO, 1, ("bridge",))
    else:
        assert state.phase is Phase.ABANDONED


def test_severe_pain_at_check_in_stops_before_any_exercise() -> None:
    state, effects = run(SessionState(), CheckedIn(8, PLAN))
    assert (state.phase, effects) == (Phase.ABANDONED, [SevereStop(8)])


def test_idle_nudge_then_pause_then_resume() -> None:
    state = started()
    assert (state.timer, state.due_at) == (Timer.NUDGE, NOW + NUDGE_AFTER)
    state, effects = run(state, TimerFired(Timer.NUDGE, version=state.version))
    assert effects == [Nudge(Phase.INTRO)]
    assert state.timer is Timer.IDLE
    assert state.due_at == NOW + PAUSE_AFTER_NUDGE
    state, effects = run(state, TimerFired(Timer.IDLE, version=state.version))
    assert (state.phase, effects) == (Phase.PAUSED, [IdlePaused()])
    state, effects = run(state, Start())
    assert (state.phase, effects) == (Phase.INTRO, [ShowIntro(0)])


def test_an_unanswered_last_question_finishes_the_session_rather_than_pause_it() -> None:
    state = in_phase(Phase.CHECK_OUT)
    state, effects = run(state, TimerFired(Timer.NUDGE, version=state.version))
    assert effects == [Nudge(Phase.CHECK_OUT)]
    state, effects = run(state, TimerFired(Timer.IDLE, version=state.version))
    assert (state.phase, state.pain_after, effects) == (Phase.FINISHED, None, [Finished()])


def test_a_reply_that_means_nothing_now_gets_a_hint() -> None:
    state = in_phase(Phase.REPS)
    assert step(state, Rating(3), NOW).effects == [Hint(Phase.REPS)]
    assert step(SessionState(), Done(), NOW).effects == [Hint(Phase.CHECK_IN)]


def test_a_swap_puts_the_asked_exercise_in_place_and_the_other_at_the_end() -> None:
    state = started()
    before = [item.exercise_id for item in state.plan]
    assert before[:2] != ["knee_to_chest"]
    state, effects = run(state, Start(), Swap(KNEE))
    assert (state.phase, state.item, effects[-1]) == (Phase.INTRO, 0, ShowIntro(0))
    ids = [item.exercise_id for item in state.plan]
    assert ids[0] == "knee_to_chest"
    assert ids.count("knee_to_chest") == 1
    assert ids[-1] == before[0]  # kept for later, not dropped
    assert sorted(ids) == sorted({*before, "knee_to_chest"})


@pytest.mark.parametrize(
    ("rating", "ago", "answers"),
    [
        (2, timedelta(minutes=1), True), (6, FRESH_BASELINE, True),  # just set up
        (2, FRESH_BASELINE + timedelta(seconds=1), False),  # a while ago: may differ now
        (7, timedelta(minutes=1), False), (10, timedelta(0), False),  # severe: asked again
        (2, timedelta(minutes=-1), False),  # from the future (a clock set back): not trusted
    ],
)  # fmt: skip
def test_the_rating_from_setting_up_answers_a_check_in_minutes_later(
    rating: int, ago: timedelta, answers: bool
) -> None:
    assert latest_rating_answers_check_in(PainKind.BASELINE, rating, NOW - ago, NOW) is answers


def test_a_rating_given_in_a_session_since_setting_up_does_not_answer_a_check_in() -> None:
    assert not latest_rating_answers_check_in(PainKind.BEFORE, 2, NOW - timedelta(minutes=1), NOW)


def test_a_severe_rating_asks_first_and_names_what_stopped_a_session() -> None:
    assert [check_in_first(r) for r in (None, 0, 6, 7, 10)] == [False, False, False, True, True]
    assert stopping_rating(SessionState(pain_before=8)) == 8
    assert (
        stopping_rating(SessionState(pain_before=2, painful=(("bridge", 3), ("cat_cow", 9)))) == 9
    )
    assert stopping_rating(SessionState(pain_before=2, painful=(("bridge", 5),))) is None
