"""What a session looks like in the chat: texts from content, buttons for each state.

Every button carries the session id and the state version it was made for
(`s:<session>:<version>:<action>`), so a button from an earlier step, another
session or another user is recognised and answered without acting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.content import Content
from bot.content.templates import Html, label, render
from bot.domain.callbacks import SessionButton
from bot.domain.exercises import Exercise
from bot.domain.routine import Block, Dose, Routine
from bot.domain.session import (
    SWITCH_SECONDS,
    AskCheckOut,
    AskPainRating,
    BeginHold,
    BeginReps,
    BeginRest,
    Effect,
    Finished,
    Hint,
    HoldDone,
    IdlePaused,
    MildPainAdvice,
    Nudge,
    Phase,
    SessionState,
    SevereStop,
    ShowIntro,
    SkippedForPain,
    Stale,
    Stopped,
    SwitchSides,
)


@dataclass(frozen=True)
class Send:
    """A new message. The last one of a batch carries the state's buttons."""

    text: str
    countdown_until: datetime | None = None  # a hold: a countdown line runs under the text
    picture: str | None = None  # the id of an exercise whose animation goes first


@dataclass(frozen=True)
class EditPrompt:
    """Replace the text of the message with the live buttons (and take them off)."""

    text: str


Out = Send | EditPrompt


@dataclass(frozen=True)
class Summary:
    """What the end-of-session summary needs beyond the state."""

    minutes: int
    streak: int
    next_reminder: str | None  # already rendered, or None when reminders are off


class SessionView:
    def __init__(self, content: Content) -> None:
        self.content = content
        self.texts = content.messages.session

    def check_in(self, state: SessionState) -> str:
        """The pain question that opens a session."""
        return render(self.texts.check_in, opening=Html(self._opening(state)))

    def check_in_from_baseline(self, state: SessionState, rating: int) -> str:
        """The opening when the rating from setting up, minutes ago, answers the check-in."""
        opening = Html(self._opening(state))
        return render(self.texts.check_in_from_baseline, opening=opening, rating=rating)

    def check_in_answered(self, state: SessionState, rating: int) -> str:
        """The opening when the check-in was answered on the reminder."""
        opening = Html(self._opening(state))
        return render(self.texts.check_in_answered, opening=opening, rating=rating)

    def check_in_after_severe(self, rating: int) -> str:
        """The pain question after a severe rating: why it comes before anything else."""
        return render(self.texts.check_in_after_severe, rating=rating)

    def _opening(self, state: SessionState) -> str:
        """Today's routine, or "Do it now"'s one exercise (planned before the check-in)."""
        if state.plan:
            return render(self.texts.exercise_opening, name=self.exercise(state, 0).name)
        return self.texts.routine_opening

    def exercise(self, state: SessionState, index: int) -> Exercise:
        found = self.content.catalogue.by_id(state.plan[index].exercise_id)
        assert found is not None  # plans are made from the catalogue
        return found

    # --- buttons -------------------------------------------------------------------

    def keyboard(self, session_id: int, state: SessionState) -> InlineKeyboardMarkup | None:
        """The buttons for the state the session is in now."""
        t = self.texts

        def button(text: str, action: str) -> InlineKeyboardButton:
            return InlineKeyboardButton(
                label(text), callback_data=SessionButton(session_id, state.version, action).encode()
            )

        ratings = [
            [button(str(n), f"r{n}") for n in range(0, 6)],
            [button(str(n), f"r{n}") for n in range(6, 11)],
        ]
        match state.phase:
            case Phase.CHECK_IN | Phase.PAIN_RATING:
                rows = ratings
            case Phase.CHECK_OUT:
                rows = [*ratings, [button(t.skip_button, "skip")]]
            case Phase.INTRO:
                rows = [[button(t.start_button, "start"), button(t.skip_button, "skip")],
                        [button(t.stop_button, "stop")]]  # fmt: skip
            case Phase.HOLD:
                rows = [[button(t.done_button, "done"), button(t.pain_button, "pain")],
                        [button(t.stop_button, "stop")]]  # fmt: skip
            case Phase.REPS:
                rows = [[button(t.done_button, "done"), button(t.pain_button, "pain")],
                        [button(t.skip_button, "skip"), button(t.stop_button, "stop")]]  # fmt: skip
            case Phase.SWITCH | Phase.REST:
                rows = [[button(t.start_button, "start"), button(t.stop_button, "stop")]]
            case Phase.PAIN_CHOICE:
                rows = [[button(t.go_on_button, "start"), button(t.skip_button, "skip")]]
            case Phase.PAUSED:
                rows = [[button(t.resume_button, "start"), button(t.stop_button, "stop")]]
            case _:
                return None
        return InlineKeyboardMarkup(rows)

    def resume_keyboard(self, session_id: int, state: SessionState) -> InlineKeyboardMarkup:
        def button(text: str, action: str) -> InlineKeyboardButton:
            return InlineKeyboardButton(
                label(text), callback_data=SessionButton(session_id, state.version, action).encode()
            )

        return InlineKeyboardMarkup(
            [[button(self.texts.resume_button, "start"), button(self.texts.restart_button, "new")]]
        )

    # --- texts -----------------------------------------------------------------------

    def dose(self, exercise: Exercise, dose: Dose) -> str:
        t = self.texts
        if dose.reps is not None:
            text = (
                render(t.dose_sets, sets=dose.sets, reps=dose.reps)
                if dose.sets > 1
                else render(t.dose_reps, reps=dose.reps)
            )
        else:
            text = (
                render(t.dose_holds, seconds=dose.hold_seconds, repeats=dose.repeats)
                if dose.repeats > 1
                else render(t.dose_hold, seconds=dose.hold_seconds)
            )
        if len(dose.sides) > 1:
            text = render(t.per_side, dose=Html(text), limb=self.limb(exercise))
        return text

    def limb(self, exercise: Exercise) -> str:
        return self.texts.limb_leg if exercise.dosage.per_side == "leg" else self.texts.limb_side

    def where(self, exercise: Exercise, block: Block) -> Html:
        if not block.side:
            return Html("")
        return Html(render(self.texts.where, side=self.side(exercise, block.side)))

    def side(self, exercise: Exercise, side: str) -> str:
        """The side as the user reads it: "left leg", or the exercise's own name for it."""
        names = exercise.dosage.side_names
        if names is not None:
            return names[side]
        name = self.texts.side_left if side == "left" else self.texts.side_right
        return label(self.texts.side_limb, side=name, limb=self.limb(exercise))  # plain text

    def when(self, day: date, today: date) -> str:
        """When a left-out exercise hurt, as the plan says it: earlier today, or on Tue."""
        if day == today:
            return self.texts.hurt_today
        names = self.content.messages.calendar.day_names
        return label(self.texts.hurt_on_day, day=names[day.weekday()])  # plain text

    def plan(self, routine: Routine, today: date) -> str:
        t = self.texts
        if not routine.exercises:
            lines = [t.nothing_planned]
        else:
            lines = [render(t.plan, minutes=routine.minutes)]
            lines += [
                render(
                    t.plan_line,
                    number=number,
                    name=planned.exercise.name,
                    dose=Html(self.dose(planned.exercise, planned.dose)),
                )
                for number, planned in enumerate(routine.exercises, start=1)
            ]
        if routine.gentler:
            lines.append("\n" + t.plan_gentler)
        lines += [
            render(t.left_out, name=left.exercise.name, when=self.when(left.hurt_on, today))
            for left in routine.left_out
        ]
        return "\n".join(lines)

    def intro(self, state: SessionState, index: int) -> str:
        exercise = self.exercise(state, index)
        steps = "\n".join(
            render(self.texts.step_line, number=number, text=step)
            for number, step in enumerate(exercise.steps, start=1)
        )
        return render(
            self.texts.intro,
            number=index + 1,
            total=len(state.plan),
            name=exercise.name,
            purpose=exercise.purpose,
            steps=Html(steps),
            dose=Html(self.dose(exercise, state.plan[index].dose)),
            safety=exercise.safety,
        )

    def hold(self, state: SessionState, index: int, block: Block) -> str:
        """The hold's text; the countdown line under it is added as it runs."""
        exercise = self.exercise(state, index)
        where = self.where(exercise, block)
        return render(self.texts.hold, name=exercise.name, where=where, seconds=block.amount)

    def where_you_are(self, state: SessionState) -> str:
        """Where a session under way stands, and what its step expects (after /today)."""
        t = self.texts
        if state.phase is Phase.CHECK_IN:
            where = t.in_progress_check_in
        elif state.phase is Phase.CHECK_OUT:
            where = t.in_progress_check_out
        else:
            exercise = self.exercise(state, state.item)
            where = render(
                t.in_progress, number=state.item + 1, total=len(state.plan), name=exercise.name
            )
        return f"{where}\n{self.hint(state.phase)}"

    def hint(self, phase: Phase) -> str:
        t = self.texts
        match phase:
            case Phase.CHECK_IN | Phase.PAIN_RATING | Phase.CHECK_OUT:
                return t.hint_rating
            case Phase.INTRO:
                return t.hint_intro
            case Phase.PAIN_CHOICE:
                return t.hint_choice
            case Phase.PAUSED:
                return t.hint_paused
            case Phase.HOLD:  # no Skip button on a hold
                return t.hint_hold
            case Phase.SWITCH | Phase.REST:
                return t.hint_wait
            case _:
                return t.hint_working

    def finished(self, state: SessionState, summary: Summary) -> str:
        t = self.texts

        def names(ids: tuple[str, ...]) -> str:
            found = [self.content.catalogue.by_id(i) for i in ids]
            return ", ".join(e.name for e in found if e is not None) or t.none

        if summary.streak > 1:
            streak = render(t.streak_days, days=summary.streak)
        else:
            streak = t.streak_one if summary.streak == 1 else t.streak_none
        text = render(
            t.finished,
            done=names(state.done),
            skipped=names(state.skipped),
            before=state.pain_before if state.pain_before is not None else Html(t.no_rating),
            after=state.pain_after if state.pain_after is not None else Html(t.no_rating),
            minutes=summary.minutes,
            streak=Html(streak),
        )
        return f"{text}\n\n{summary.next_reminder or t.no_reminder}"

    def effects(
        self, before: SessionState, after: SessionState, effects: list[Effect],
        summary: Summary | None = None,
    ) -> list[Out]:  # fmt: skip
        """The messages for a transition's effects, in order."""
        t = self.texts
        out: list[Out] = []
        for effect in effects:
            match effect:
                case ShowIntro(item=index):
                    exercise_id = after.plan[index].exercise_id
                    out.append(Send(self.intro(after, index), picture=exercise_id))
                case BeginHold(item=index, block=block, until=until):
                    out.append(Send(self.hold(after, index, block), until))
                case HoldDone(item=index, block=block):
                    exercise = self.exercise(before, index)
                    where = self.where(exercise, block)
                    out.append(EditPrompt(render(t.hold_done, name=exercise.name, where=where)))
                case SwitchSides(item=index, next_block=block):
                    exercise = self.exercise(after, index)
                    side = self.side(exercise, block.side)
                    text = render(t.switch, side=side, seconds=SWITCH_SECONDS)
                    out.append(Send(text))
                case BeginReps(item=index, block=block):
                    exercise = self.exercise(after, index)
                    text = render(
                        t.reps, name=exercise.name, set=block.set, sets=block.sets,
                        reps=block.amount, where=self.where(exercise, block),
                    )  # fmt: skip
                    out.append(Send(text))
                case BeginRest(item=index, seconds=seconds, next_block=block):
                    name = self.exercise(after, index).name
                    text = render(
                        t.rest, seconds=seconds, set=block.set, sets=block.sets, name=name
                    )
                    out.append(Send(text))
                case AskPainRating():
                    out.append(Send(t.pain_question))
                case MildPainAdvice():
                    out.append(Send(t.mild_pain))
                case SkippedForPain(item=index):
                    out.append(
                        Send(render(t.skipped_for_pain, name=self.exercise(before, index).name))
                    )
                case SevereStop():
                    out.append(Send(t.severe_stop))
                case AskCheckOut() if not after.done:  # all skipped: nothing to cheer
                    out.append(Send(t.check_out_nothing_done))
                case AskCheckOut() if after.single:
                    name = self.exercise(after, 0).name
                    out.append(Send(render(t.check_out_single, name=name)))
                case AskCheckOut():
                    out.append(Send(t.check_out))
                case Finished():
                    assert summary is not None
                    out.append(Send(self.finished(after, summary)))
                case Stopped():
                    out.append(Send(t.stopped))
                case Nudge(phase=Phase.CHECK_OUT):
                    out.append(Send(t.nudge_check_out))
                case Nudge():
                    out.append(Send(t.nudge))
                case IdlePaused():
                    out.append(Send(t.idle_paused))
                case Hint(phase=phase):
                    out.append(Send(self.hint(phase)))
                case Stale():
                    pass  # a button: its query is answered; a timer: nothing to say
        return out
