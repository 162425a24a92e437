"""/progress (a chart and the numbers) and /history (the last sessions)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, time

from telegram import InputFile, Update
from telegram.constants import ParseMode

from bot.content.models import ProgressTexts
from bot.content.phrases import date_text
from bot.content.templates import Html, render
from bot.db.models import Preferences
from bot.domain.pause import is_paused
from bot.domain.progress import SessionRecord, Stats, stats
from bot.domain.schedule import local_instant
from bot.domain.timezones import local_day, zone_info
from bot.domain.weekdays import has_day
from bot.handlers.accounts import require_account
from bot.handlers.menus import send
from bot.runtime.context import BotContext
from bot.summaries.chart import ChartLabels, render_chart

HISTORY_LENGTH = 10


def rest_days(preferences: Preferences) -> Callable[[date], bool]:
    """Days that neither count nor break a streak: not a reminder day, or paused."""
    zone = zone_info(preferences.timezone)

    def rest(day: date) -> bool:
        if not has_day(preferences.weekdays, day.weekday()):
            return True
        moment = local_instant(day, preferences.reminder_time or time(12), zone)
        return is_paused(moment, preferences.paused_at, preferences.paused_until)

    return rest


def _days(context: BotContext, count: int) -> str:
    texts = context.content.messages.progress
    if count == 1:
        return texts.one_day
    return render(texts.days, days=count) if count else texts.no_days


def summary_text(context: BotContext, numbers: Stats) -> str:
    texts = context.content.messages.progress
    change = (
        f"{numbers.average_pain_change:+.1f}"
        if numbers.average_pain_change is not None
        else texts.no_change
    )
    text = render(
        texts.summary,
        streak=Html(_days(context, numbers.current_streak)),
        best=Html(_days(context, numbers.best_streak)),
        week=numbers.sessions_this_week,
        month=numbers.sessions_this_month,
        completion=f"{(numbers.completion_rate or 0):.0%}",
        change=change,
    )
    if numbers.most_skipped is not None:
        exercise = context.content.catalogue.by_id(numbers.most_skipped)
        if exercise is not None:
            text += "\n" + render(texts.trouble, name=exercise.name)
    return text


async def progress_command(update: Update, context: BotContext) -> None:
    """/progress: the 30-day chart with the numbers under it."""
    account = await require_account(update, context)
    if account is None:
        return
    preferences = account.preferences
    texts = context.content.messages.progress
    records = await context.repo.sessions.records(preferences.user_id)
    if not records:
        await send(update, texts.no_data)
        return
    today = local_day(context.now(), preferences.timezone)
    exercise_days = await context.repo.sessions.streak_days(preferences.user_id)
    numbers = stats(records, exercise_days, today, rest_days(preferences))
    labels = ChartLabels(
        texts.chart_title, texts.chart_before, texts.chart_after, texts.chart_y_axis,
        texts.chart_session_day,
    )  # fmt: skip
    # Drawing takes tens of milliseconds of CPU: never on the event loop.
    png = await asyncio.to_thread(render_chart, records, today, labels)
    assert update.effective_chat is not None
    await update.effective_chat.send_photo(
        InputFile(png, filename="progress.png"),
        caption=summary_text(context, numbers),
        parse_mode=ParseMode.HTML,
    )


async def history_command(update: Update, context: BotContext) -> None:
    """/history: the last sessions, one line each."""
    account = await require_account(update, context)
    if account is None:
        return
    texts = context.content.messages.progress
    records = await context.repo.sessions.records(account.user.id, limit=HISTORY_LENGTH)
    if not records:
        await send(update, texts.history_none)
        return
    zone = account.preferences.timezone
    lines = [texts.history_header]
    for record in records:
        day = date_text(context.content, local_instant(record.day, time(12), zone_info(zone)), zone)
        lines.append(
            render(
                texts.history_line,
                date=Html(day),
                done=len(record.done),
                before=record.pain_before
                if record.pain_before is not None
                else Html(texts.no_rating),
                after=record.pain_after if record.pain_after is not None else Html(texts.no_rating),
                note=Html(_note(texts, record)),
            )
        )
    await send(update, "\n".join(lines))


def _note(texts: ProgressTexts, record: SessionRecord) -> str:
    """How a session that did not finish ended, if it was stopped for pain or safety."""
    if record.finished:
        return ""
    if record.stopped_by_pain is not None:
        return render(texts.history_severe, rating=record.stopped_by_pain)
    if record.stopped_for_safety:
        return texts.history_safety
    return texts.history_unfinished
