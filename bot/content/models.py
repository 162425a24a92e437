"""Typed content: exercises (from the seed text) and the message catalogue.

Editors change content/*.yaml; these models are the contract those files must
meet. Unknown keys are refused, so a typo never silently drops a text.
"""

from __future__ import annotations

import re
from typing import Annotated, Self

from pydantic import Field, model_validator

from bot.content.chat import ChatFile
from bot.content.templates import Label, Template
from bot.content.triage import TriageFile
from bot.domain.exercises import Exercise
from bot.domain.figure import Motion
from bot.domain.strict import Strict


class Tip(Strict):
    title: str = Field(min_length=1)
    text: str = Field(min_length=1)


class ExerciseCatalogue(Strict):
    """content/exercises.yaml."""

    exercises: list[Exercise] = Field(min_length=1)
    benefits: list[Tip] = []
    safety_tips: list[Tip] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> Self:
        seen: dict[str, str] = {}
        for exercise in self.exercises:
            for label in (exercise.id, exercise.name, *exercise.aliases):
                key = label.casefold()
                if key in seen and seen[key] != exercise.id:
                    raise ValueError(f"{label!r} names both {seen[key]} and {exercise.id}")
                seen[key] = exercise.id
        return self

    def by_id(self, exercise_id: str) -> Exercise | None:
        return next((e for e in self.exercises if e.id == exercise_id), None)


_COMMAND = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


T = Template  # short names for the many fields below
L = Label


class StartTexts(Strict):
    welcome: Annotated[str, T("name")]
    welcome_back: Annotated[str, T("name")]
    continue_setup: Annotated[str, T()]
    reminders_back_on: Annotated[str, T()]


class OnboardingTexts(Strict):
    accept_button: Annotated[str, L()]
    disclaimer_hint: Annotated[str, T()]
    disclaimer_declined: Annotated[str, T()]
    red_flags: Annotated[str, T()]
    red_flags_none_button: Annotated[str, L()]
    red_flags_some_button: Annotated[str, L()]
    red_flags_hint: Annotated[str, T()]
    red_flags_advice: Annotated[str, T()]
    cleared_button: Annotated[str, L()]
    clearance_hint: Annotated[str, T()]
    baseline_pain: Annotated[str, T()]
    pain_hint: Annotated[str, T()]
    reminder_time: Annotated[str, T()]
    time_noted: Annotated[str, T("time")]
    severe_noted: Annotated[str, T()]
    timezone: Annotated[str, T()]
    location_button: Annotated[str, L()]
    done: Annotated[str, T("summary")]


class PreferenceTexts(Strict):
    summary: Annotated[str, T("time", "zone", "days")]
    no_time: Annotated[str, T()]
    on_needs_time: Annotated[str, T()]
    time_while_paused: Annotated[str, T("status")]
    time_usage: Annotated[str, T()]
    time_invalid: Annotated[str, T("text")]
    time_set: Annotated[str, T("time")]
    time_set_early: Annotated[str, T("time")]
    timezone_usage: Annotated[str, T()]
    timezone_choice: Annotated[str, T("text")]
    timezone_invalid: Annotated[str, T("text")]
    location_unknown: Annotated[str, T()]
    timezone_set: Annotated[str, T("zone", "local_time")]
    days_menu: Annotated[str, T("days")]
    days_usage: Annotated[str, T()]
    days_set: Annotated[str, T("days")]
    day_on: Annotated[str, L("day")]
    day_off: Annotated[str, L("day")]
    every_day_button: Annotated[str, L()]
    weekdays_button: Annotated[str, L()]
    weekends_button: Annotated[str, L()]
    done_button: Annotated[str, L()]
    keep_one_day: Annotated[str, L()]  # a pop-up answer: plain text
    pause_usage: Annotated[str, T()]
    paused_until: Annotated[str, T("date")]
    paused: Annotated[str, T()]
    resumed: Annotated[str, T("summary")]
    not_paused: Annotated[str, T("summary")]
    pause_while_off: Annotated[str, T()]
    stopped: Annotated[str, T()]
    settings: Annotated[str, T("time", "zone", "days", "status", "summary", "pictures")]
    status_on: Annotated[str, T()]
    summary_on: Annotated[str, T("day")]
    summary_off: Annotated[str, T()]
    summary_on_button: Annotated[str, L()]
    summary_off_button: Annotated[str, L()]
    summary_turned_on: Annotated[str, T("day")]
    summary_turned_off: Annotated[str, T()]
    pictures_on: Annotated[str, T()]
    pictures_off: Annotated[str, T()]
    pictures_on_button: Annotated[str, L()]
    pictures_off_button: Annotated[str, L()]
    pictures_turned_on: Annotated[str, T()]
    pictures_turned_off: Annotated[str, T()]
    status_paused_until: Annotated[str, T("date")]
    status_paused: Annotated[str, T()]
    status_stopped: Annotated[str, T()]
    status_waiting_clearance: Annotated[str, T()]
    status_setup: Annotated[str, T()]
    time_button: Annotated[str, L()]
    timezone_button: Annotated[str, L()]
    days_button: Annotated[str, L()]
    pause_button: Annotated[str, L()]
    resume_button: Annotated[str, L()]
    stop_button: Annotated[str, L()]
    start_button: Annotated[str, L()]
    export_button: Annotated[str, L()]
    delete_button: Annotated[str, L()]


class PrivacyTexts(Strict):
    export_caption: Annotated[str, T()]
    delete_confirm: Annotated[str, T()]
    delete_yes_button: Annotated[str, L()]
    delete_no_button: Annotated[str, L()]
    delete_hint: Annotated[str, T()]
    deleted: Annotated[str, T()]
    delete_cancelled: Annotated[str, T()]


class CalendarTexts(Strict):
    day_names: list[Annotated[str, L()]] = Field(min_length=7, max_length=7)
    month_names: list[Annotated[str, L()]] = Field(min_length=12, max_length=12)
    every_day: Annotated[str, T()]
    weekdays: Annotated[str, T()]
    weekends: Annotated[str, T()]
    date: Annotated[str, T("weekday", "day", "month")]
    moment: Annotated[str, T("time", "weekday")]


class MenuTexts(Strict):
    expired: Annotated[str, L()]  # a pop-up answer: plain text


class HelpTexts(Strict):
    header: Annotated[str, T()]
    command_line: Annotated[str, T("command", "description")]
    footer: Annotated[str, T()]


class FallbackTexts(Strict):
    start_first: Annotated[str, T()]
    not_understood: Annotated[str, T()]
    today_button: Annotated[str, L()]
    exercises_button: Annotated[str, L()]
    help_button: Annotated[str, L()]
    unknown_command: Annotated[str, T()]


class SafetyTexts(Strict):
    emergency: Annotated[str, T("said", "number")]
    urgent: Annotated[str, T("said", "number")]
    caution: Annotated[str, T("said")]
    other_part: Annotated[str, T("said")]
    held: Annotated[str, T()]
    held_setup: Annotated[str, T()]
    held_no_session: Annotated[str, T()]
    crisis: Annotated[str, T("number")]
    emergency_number_unset: Annotated[str, L()]
    said_and: Annotated[str, L("first", "second")]
    clearance: Annotated[str, T()]
    confirm: Annotated[str, T()]
    confirm_yes_button: Annotated[str, L()]
    confirm_no_button: Annotated[str, L()]
    confirm_hint: Annotated[str, T()]
    not_yet: Annotated[str, T()]
    welcome_back: Annotated[str, T()]


class ChatTexts(Strict):
    greeting: Annotated[str, T("name")]
    thanks: Annotated[str, T()]
    pause: Annotated[str, T()]
    cancel: Annotated[str, T()]
    stop: Annotated[str, T()]
    stop_off: Annotated[str, T()]


class ErrorTexts(Strict):
    generic: Annotated[str, T()]


class SessionTexts(Strict):
    not_set_up: Annotated[str, T()]
    not_cleared: Annotated[str, T()]
    routine_opening: Annotated[str, T()]
    exercise_opening: Annotated[str, T("name")]
    check_in: Annotated[str, T("opening")]
    check_in_from_baseline: Annotated[str, T("opening", "rating")]
    check_in_answered: Annotated[str, T("opening", "rating")]
    check_in_after_severe: Annotated[str, T("rating")]
    plan: Annotated[str, T("minutes")]
    plan_line: Annotated[str, T("number", "name", "dose")]
    plan_gentler: Annotated[str, T()]
    left_out: Annotated[str, T("name", "when")]
    hurt_today: Annotated[str, L()]
    hurt_on_day: Annotated[str, L("day")]
    nothing_planned: Annotated[str, T()]
    dose_reps: Annotated[str, T("reps")]
    dose_sets: Annotated[str, T("sets", "reps")]
    dose_hold: Annotated[str, T("seconds")]
    dose_holds: Annotated[str, T("seconds", "repeats")]
    per_side: Annotated[str, T("dose", "limb")]
    limb_side: Annotated[str, L()]
    limb_leg: Annotated[str, L()]
    side_left: Annotated[str, L()]
    side_right: Annotated[str, L()]
    side_limb: Annotated[str, L("side", "limb")]
    where: Annotated[str, T("side")]
    intro: Annotated[str, T("number", "total", "name", "purpose", "steps", "dose", "safety")]
    step_line: Annotated[str, T("number", "text")]
    hold: Annotated[str, T("name", "where", "seconds")]
    hold_left: Annotated[str, T("seconds")]
    hold_done: Annotated[str, T("name", "where")]
    switch: Annotated[str, T("side", "seconds")]
    reps: Annotated[str, T("name", "set", "sets", "reps", "where")]
    rest: Annotated[str, T("seconds", "set", "sets", "name")]
    pain_question: Annotated[str, T()]
    mild_pain: Annotated[str, T()]
    skipped_for_pain: Annotated[str, T("name")]
    severe_stop: Annotated[str, T()]
    check_out: Annotated[str, T()]
    check_out_single: Annotated[str, T("name")]
    check_out_nothing_done: Annotated[str, T()]
    finished: Annotated[str, T("done", "skipped", "before", "after", "minutes", "streak")]
    streak_days: Annotated[str, T("days")]
    streak_one: Annotated[str, T()]
    streak_none: Annotated[str, T()]
    no_rating: Annotated[str, T()]
    none: Annotated[str, T()]
    next_reminder: Annotated[str, T("date", "time")]
    no_reminder: Annotated[str, T()]
    stopped: Annotated[str, T()]
    nudge: Annotated[str, T()]
    nudge_check_out: Annotated[str, T()]
    idle_paused: Annotated[str, T()]
    hint_rating: Annotated[str, T()]
    hint_intro: Annotated[str, T()]
    hint_working: Annotated[str, T()]
    hint_hold: Annotated[str, T()]
    hint_wait: Annotated[str, T()]
    hint_choice: Annotated[str, T()]
    hint_paused: Annotated[str, T()]
    resume_offer: Annotated[str, T("name")]
    again_today: Annotated[str, T()]
    in_progress: Annotated[str, T("number", "total", "name")]
    in_progress_check_in: Annotated[str, T()]
    in_progress_check_out: Annotated[str, T()]
    stale: Annotated[str, L()]  # a pop-up answer: plain text
    start_button: Annotated[str, L()]
    done_button: Annotated[str, L()]
    pain_button: Annotated[str, L()]
    skip_button: Annotated[str, L()]
    stop_button: Annotated[str, L()]
    go_on_button: Annotated[str, L()]
    resume_button: Annotated[str, L()]
    restart_button: Annotated[str, L()]


class ReminderTexts(Strict):
    text: Annotated[str, T("name", "count", "minutes")]
    late: Annotated[str, T()]
    start_button: Annotated[str, L()]
    snooze_button: Annotated[str, L()]
    skip_button: Annotated[str, L()]
    snoozed: Annotated[str, T("time")]
    skipped: Annotated[str, T()]
    started: Annotated[str, T()]
    snoozed_already: Annotated[str, L()]  # a pop-up answer: plain text
    check_in: Annotated[str, T("name", "rating")]
    rated: Annotated[str, T("rating")]


class StretchTexts(Strict):
    picture_caption: Annotated[str, T("name")]  # over the exercise's animation
    card: Annotated[str, T("name", "purpose", "steps", "dose", "safety")]
    do_button: Annotated[str, L()]
    all_button: Annotated[str, L()]
    usage: Annotated[str, T()]
    catalogue: Annotated[str, T()]
    stretch_label: Annotated[str, L("name")]
    strength_label: Annotated[str, L("name")]
    ambiguous: Annotated[str, T()]
    for_area: Annotated[str, T()]
    not_found: Annotated[str, T("text")]
    swap_offer: Annotated[str, T("name", "current")]
    swap_offer_single: Annotated[str, T("name", "current")]
    swap_button: Annotated[str, L("name")]
    keep_button: Annotated[str, L()]
    kept: Annotated[str, T("name")]


class ProgressTexts(Strict):
    chart_title: Annotated[str, L()]  # chart labels: plain text
    chart_before: Annotated[str, L()]
    chart_after: Annotated[str, L()]
    chart_y_axis: Annotated[str, L()]
    chart_session_day: Annotated[str, L()]
    summary: Annotated[str, T("streak", "best", "week", "month", "completion", "change")]
    trouble: Annotated[str, T("name")]
    days: Annotated[str, T("days")]
    one_day: Annotated[str, T()]
    no_days: Annotated[str, T()]
    no_change: Annotated[str, T()]
    no_data: Annotated[str, T()]
    history_header: Annotated[str, T()]
    history_line: Annotated[str, T("date", "done", "before", "after", "note")]
    history_unfinished: Annotated[str, T()]
    history_severe: Annotated[str, T("rating")]
    history_safety: Annotated[str, T()]
    history_none: Annotated[str, T()]
    no_rating: Annotated[str, T()]
    weekly_title: Annotated[str, L()]
    weekly_done: Annotated[str, T("sessions", "change")]
    weekly_none: Annotated[str, T()]
    weekly_footer: Annotated[str, T()]


class AdminTexts(Strict):
    stats_command: Annotated[str, Field(min_length=1, max_length=256)]
    stats: Annotated[str, T("users", "active", "blocked", "sessions", "reminders", "errors")]


class FloodTexts(Strict):
    slow_down: str


class Messages(Strict):
    """content/messages.yaml: every text a user reads, grouped by feature."""

    # Menu descriptions, in menu order: the one source for /help and setMyCommands.
    commands: dict[str, Annotated[str, Field(min_length=1, max_length=256)]]
    start: StartTexts
    onboarding: OnboardingTexts
    preferences: PreferenceTexts
    privacy: PrivacyTexts
    calendar: CalendarTexts
    menus: MenuTexts
    help: HelpTexts
    fallback: FallbackTexts
    safety: SafetyTexts
    chat: ChatTexts
    errors: ErrorTexts
    session: SessionTexts
    reminders: ReminderTexts
    stretch: StretchTexts
    progress: ProgressTexts
    admin: AdminTexts
    flood: FloodTexts

    @model_validator(mode="after")
    def _command_names(self) -> Self:
        for command in self.commands:
            if not _COMMAND.match(command):
                raise ValueError(f"command {command!r} must be 1-32 of a-z, 0-9 and _")
        return self


class Content(Strict):
    """Everything loaded from content/."""

    catalogue: ExerciseCatalogue
    messages: Messages
    triage: TriageFile
    chat: ChatFile
    motions: dict[str, Motion]  # content/poses.yaml, by exercise id: the pictures' figures
