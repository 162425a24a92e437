"""Runs a stored session: apply an event, store the new state, send what it decided.

Used by the session handlers (a reply or a button) and by the due-work loop
(a timer). The state is committed before anything is sent, so a crash can at
worst lose a message, never replay an event.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ExtBot

from bot.coaching.view import EditPrompt, Out, Send, SessionView, Summary
from bot.content import Content
from bot.content.phrases import clock_time, date_text
from bot.content.templates import render
from bot.db.models import GuidedSession, Preferences
from bot.db.repo import Repo
from bot.domain import pain, routine, session
from bot.domain.pain import PainKind
from bot.domain.progress import streak
from bot.domain.schedule import day_end, due_next
from bot.domain.session import (
    CheckedIn,
    Event,
    Finished,
    Item,
    Outcome,
    Phase,
    Rating,
    SessionState,
    SevereStop,
    TimerFired,
    Transition,
)
from bot.domain.timezones import local_day, zone_info
from bot.pictures.sending import Pictures
from bot.runtime.countdown import Countdowns
from bot.runtime.transport import Lane, Skipped

logger = logging.getLogger(__name__)


@dataclass
class Coach:
    bot: ExtBot[Any]
    repo: Repo
    content: Content
    now: datetime
    countdowns: Countdowns
    pictures: Pictures
    lane: Lane = Lane.INTERACTIVE  # TIMER when a timer fired: nobody's reply waits on it

    @property
    def view(self) -> SessionView:
        return SessionView(self.content)

    async def begin(
        self,
        user_id: int,
        preferences: Preferences,
        plan: tuple[Item, ...] = (),
        rating: int | None = None,
    ) -> GuidedSession:
        """A new session for today, starting with the pain check-in, unless the user has
        just set up (the rating given there is the check-in's) or answered the check-in
        already (`rating`, on a reminder). Without a `plan` the routine is planned after
        the check-in; with one ("Do it now") it is that. After a severe rating the
        check-in says why it asks first."""
        today = local_day(self.now, preferences.timezone)
        state = SessionState(plan=plan, single=bool(plan))
        latest = await self.repo.pain.latest(user_id)
        row = await self.repo.sessions.start(user_id, today, state, self.now)
        await self.repo.db.commit()
        if rating is not None:  # a severe one stops at once, with no routine announced
            severe = rating >= pain.SEVERE_PAIN
            opening = None if severe else self.view.check_in_answered(state, rating)
            await self.advance(row, Rating(rating), opening=opening)
            return row
        if latest is not None and pain.latest_rating_answers_check_in(
            latest.kind, latest.rating, latest.recorded_at, self.now
        ):
            opening = self.view.check_in_from_baseline(state, latest.rating)
            await self.advance(row, Rating(latest.rating), opening=opening)
            return row
        if latest is not None and pain.check_in_first(latest.rating):
            question = self.view.check_in_after_severe(latest.rating)
        else:
            question = self.view.check_in(state)
        await self._deliver(row, state, [Send(question)])
        return row

    async def close(self, row: GuidedSession, outcome: Outcome) -> None:
        """End a session without an event: replaced by a new one, or a day old."""
        await self.countdowns.settle(row.id)
        await self.repo.sessions.save(row, self.repo.sessions.state_of(row), self.now, outcome)
        await self._retire_prompt(row)

    async def fire(self, row: GuidedSession, event: TimerFired) -> None:
        """A timer came due. A session from an earlier day is closed instead, quietly:
        after downtime, yesterday's nudge or rest is no use to anyone."""
        preferences = await self.repo.users.preferences(row.user_id)
        assert preferences is not None
        if row.local_date != local_day(self.now, preferences.timezone):
            await self.close(row, Outcome.INCOMPLETE)
            return
        await self.advance(row, event)

    async def show_where(self, row: GuidedSession, text: str, *, resume: bool = False) -> None:
        """Re-send the session's live buttons under `text` (after /today, or a hint)."""
        state = self.repo.sessions.state_of(row)
        if state.phase is Phase.HOLD:  # its countdown edits the hold's message, buttons and all
            await self._send(row.user_id, text, None)
            return
        markup = (
            self.view.resume_keyboard(row.id, state)
            if resume
            else self.view.keyboard(row.id, state)
        )
        await self._retire_prompt(row)
        message = await self._send(row.user_id, text, markup)
        row.prompt_message_id = message.message_id

    async def advance(
        self, row: GuidedSession, event: Event, opening: str | None = None
    ) -> Transition:
        """Apply `event` to the stored session, store the result, and send it (after
        `opening`, if given)."""
        before = self.repo.sessions.state_of(row)
        preferences = await self.repo.users.preferences(row.user_id)
        assert preferences is not None
        plan_text = None
        if before.phase is Phase.CHECK_IN and isinstance(event, Rating):
            if before.plan:  # chosen already: one exercise, "Do it now"
                event = CheckedIn(event.value, before.plan, version=event.version)
            else:
                made, plan_text = await self._plan(row, preferences, event.value)
                event = CheckedIn(event.value, made, version=event.version)
        transition = session.step(before, event, self.now)
        after = transition.state
        if after.version == before.version:  # a hint or a stale event: nothing stored
            for out in self.view.effects(before, after, transition.effects):
                await self.show_where(row, out.text)  # the hint, with the buttons it names
            return transition
        await self._record_pain(row, before, event)
        outcome = _outcome(after, transition)
        await self.repo.sessions.save(row, after, self.now, outcome)
        await self.repo.db.commit()
        summary = None
        if any(isinstance(effect, Finished) for effect in transition.effects):
            summary = await self._summary(row, after, preferences)
        outs = self.view.effects(before, after, transition.effects, summary)
        lead = [opening] if opening is not None else []
        if plan_text is not None and after.phase is not Phase.ABANDONED:  # not for severe pain
            lead.append(plan_text)
        outs = _led_by(lead, outs)
        await self.countdowns.settle(row.id)  # no countdown edit lands after what follows
        await self._deliver(row, after, outs, pictures=preferences.pictures)
        return transition

    async def item_for(self, user_id: int, exercise_id: str, zone_name: str) -> Item:
        """One exercise at the dosage the user has reached."""
        history = await self.repo.sessions.history(user_id, zone_info(zone_name))
        exercise = self.content.catalogue.by_id(exercise_id)
        assert exercise is not None
        return Item(exercise_id, routine.dose_for(exercise.dosage, routine.level_for(history)))

    async def _plan(
        self, row: GuidedSession, preferences: Preferences, rating: int
    ) -> tuple[tuple[Item, ...], str]:
        zone = zone_info(preferences.timezone)
        history = await self.repo.sessions.history(row.user_id, zone)
        previous = await self.repo.pain.latest(row.user_id)  # the check-in is not stored yet
        after_severe = pain.check_in_first(previous.rating if previous else None)
        history = replace(history, latest_pain=rating, after_severe=after_severe)
        today = self.now.astimezone(zone).date()
        made = routine.plan(self.content.catalogue.exercises, history, today)
        items = tuple(Item(p.exercise.id, p.dose) for p in made.exercises)
        return items, self.view.plan(made, today)

    async def _record_pain(self, row: GuidedSession, before: SessionState, event: Event) -> None:
        rating = event.rating if isinstance(event, CheckedIn) else None
        if isinstance(event, Rating):
            rating = event.value
        if rating is None:
            return
        kind = {
            Phase.CHECK_IN: PainKind.BEFORE,
            Phase.PAIN_RATING: PainKind.DURING,
            Phase.CHECK_OUT: PainKind.AFTER,
        }
        exercise = before.exercise_id if before.phase is Phase.PAIN_RATING else None
        await self.repo.pain.record(
            row.user_id, rating, kind[before.phase], self.now, exercise, session_id=row.id
        )

    async def _summary(
        self, row: GuidedSession, state: SessionState, preferences: Preferences
    ) -> Summary:
        zone = zone_info(preferences.timezone)
        after = self.now
        # As the dispatcher decides: a day whose routine is done gets no reminder.
        if preferences.reminders_enabled and await self.repo.reminders.routine_done(
            row.user_id, row.local_date
        ):
            after = max(after, day_end(row.local_date, zone))
        upcoming = due_next(preferences, after)
        reminder_text = None
        if upcoming is not None:
            reminder_text = render(
                self.content.messages.session.next_reminder,
                date=date_text(self.content, upcoming, preferences.timezone),
                time=clock_time(upcoming.astimezone(zone).time()),
            )
        minutes = max(1, round((self.now - row.started_at).total_seconds() / 60))
        # Nothing done today: no streak to show, even if yesterday's still stands.
        days_in_a_row = 0
        if state.done:
            days = await self.repo.sessions.streak_days(row.user_id)
            days_in_a_row = streak(days, row.local_date)
        return Summary(minutes, days_in_a_row, reminder_text)

    async def _deliver(
        self, row: GuidedSession, state: SessionState, outs: list[Out], pictures: bool = False
    ) -> None:
        """Send a transition's messages; the last carries the state's buttons. An exercise's
        card comes under its animation, if the user wants `pictures` (and it can be sent:
        the text goes either way)."""
        markup = self.view.keyboard(row.id, state)
        prompt_done = False
        for index, out in enumerate(outs):
            if isinstance(out, EditPrompt):
                if row.prompt_message_id is not None:
                    await self._edit(row, out.text)
                    row.prompt_message_id = None
                prompt_done = True
                continue
            buttons = markup if index == len(outs) - 1 else None
            if buttons is not None and not prompt_done:
                await self._retire_prompt(row)
                prompt_done = True
            if out.picture is not None and pictures:
                await self._show_picture(row.user_id, out.picture)
            text = out.text
            if out.countdown_until is not None:
                text = self.countdowns.text(out.text, _seconds(out.countdown_until, self.now))
            message = await self._send(row.user_id, text, buttons)
            if buttons is not None:
                row.prompt_message_id = message.message_id
            if out.countdown_until is not None:
                self.countdowns.start(
                    row.id, row.user_id, message.message_id, out.text, out.countdown_until,
                    buttons, _seconds(out.countdown_until, self.now),
                )  # fmt: skip
        if markup is None and not prompt_done:
            await self._retire_prompt(row)
        # The live message id too is state: a timer may fire a moment from now.
        await self.repo.db.commit()

    async def _show_picture(self, chat_id: int, exercise_id: str) -> None:
        exercise = self.content.catalogue.by_id(exercise_id)
        assert exercise is not None
        caption = render(self.content.messages.stretch.picture_caption, name=exercise.name)
        await self.pictures.show(
            self.bot, chat_id, exercise_id, caption, now=self.now, lane=Lane.PICTURE
        )

    async def _send(self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None) -> Message:
        return await self.bot.send_message(
            chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup,
            rate_limit_args=self.lane,
        )  # fmt: skip

    async def _edit(self, row: GuidedSession, text: str) -> None:
        assert row.prompt_message_id is not None
        try:
            await self.bot.edit_message_text(
                text, row.user_id, row.prompt_message_id, parse_mode=ParseMode.HTML,
                rate_limit_args=self.lane,
            )  # fmt: skip
        except BadRequest as error:  # deleted by the user, or already showing this
            logger.debug("could not edit session message: %s", error)

    async def _retire_prompt(self, row: GuidedSession) -> None:
        """Take the buttons off the previous step's message: they no longer apply. Tidy,
        not essential (a tap on them gets a short "that step has passed"), so it waits
        for nobody: at the morning peak it may be skipped (Lane.COSMETIC)."""
        if row.prompt_message_id is None:
            return
        message_id, row.prompt_message_id = row.prompt_message_id, None
        try:
            await self.bot.edit_message_reply_markup(
                row.user_id, message_id, reply_markup=None, rate_limit_args=Lane.COSMETIC
            )
        except Skipped:
            logger.debug("session buttons of message %s left: no budget to spare", message_id)
        except BadRequest as error:
            logger.debug("could not retire session buttons: %s", error)


LONGEST_TEXT = 3500  # Telegram takes 4096 characters; the HTML tags do not count


def _led_by(lead: list[str], outs: list[Out]) -> list[Out]:
    """`lead` (an opening, the day's plan) at the top of the first message, where it reads
    as well and costs no send of its own: each send counts against the bot's 30 a second.
    Apart only if the first message has a countdown under it, or would be too long."""
    if not lead:
        return outs
    first = outs[0] if outs else None
    if isinstance(first, Send) and first.countdown_until is None:
        text = "\n\n".join([*lead, first.text])
        if len(text) <= LONGEST_TEXT:
            return [replace(first, text=text), *outs[1:]]
    return [*(Send(text) for text in lead), *outs]


def _outcome(state: SessionState, transition: Transition) -> Outcome | None:
    if state.phase is Phase.FINISHED:
        return Outcome.FINISHED
    if state.phase is Phase.ABANDONED:
        if any(isinstance(effect, SevereStop) for effect in transition.effects):
            return Outcome.SEVERE_PAIN
        return Outcome.STOPPED
    return None


def _seconds(until: datetime, now: datetime) -> int:
    return max(0, round((until - now).total_seconds()))
