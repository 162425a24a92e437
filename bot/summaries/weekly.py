"""The weekly summary: the week's chart and one honest sentence.

Claimed by the reminders job (bot/reminders/dispatcher.py) like a reminder;
a week with no session gets a gentle nudge, not praise, and no empty chart.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from telegram import InputFile
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.content.templates import render
from bot.db.repo import Repo
from bot.domain.progress import SessionRecord
from bot.domain.timezones import local_day
from bot.runtime.services import Services
from bot.runtime.transport import Lane, unreachable
from bot.summaries.chart import ChartLabels, render_chart

logger = logging.getLogger(__name__)

WEEK = 7


async def send_weekly_summary(bot: ExtBot[Any], services: Services, user_id: int) -> None:
    texts = services.content.messages.progress
    async with services.session_factory() as db:
        repo = Repo(db)
        preferences = await repo.users.preferences(user_id)
        if preferences is None:  # erased meanwhile
            return
        today = local_day(services.clock.now(), preferences.timezone)
        records = await repo.sessions.records(user_id, limit=50)
    week = [r for r in records if r.day > today - timedelta(days=WEEK)]
    finished = [r for r in week if r.finished]
    try:
        if not finished:
            text = f"{texts.weekly_none}\n\n{texts.weekly_footer}"
            await bot.send_message(
                user_id, text, parse_mode=ParseMode.HTML, rate_limit_args=Lane.BULK
            )
            return
        labels = ChartLabels(
            texts.weekly_title, texts.chart_before, texts.chart_after, texts.chart_y_axis,
            texts.chart_session_day,
        )  # fmt: skip
        png = await asyncio.to_thread(render_chart, week, today, labels, WEEK)
        change = _change(week) or texts.no_rating
        caption = render(texts.weekly_done, sessions=len(finished), change=change)
        await bot.send_photo(
            user_id, InputFile(png, filename="week.png"),
            caption=f"{caption}\n\n{texts.weekly_footer}", parse_mode=ParseMode.HTML,
            rate_limit_args=Lane.BULK,
        )  # fmt: skip
    except TelegramError as error:
        if not unreachable(error):
            logger.warning("weekly summary for %s not sent: %s", user_id, error)
            return
        async with services.session_factory() as db:  # blocked, deactivated or gone
            await Repo(db).users.mark_blocked(user_id, services.clock.now())
            await db.commit()


def _change(week: list[SessionRecord]) -> str | None:
    changes = [
        r.pain_after - r.pain_before
        for r in week
        if r.pain_before is not None and r.pain_after is not None
    ]
    return f"{sum(changes) / len(changes):+.1f}" if changes else None
