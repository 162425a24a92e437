"""Dates, times and days in the words of content/messages.yaml."""

from __future__ import annotations

from datetime import datetime, time

from bot.content.models import Content
from bot.content.templates import render
from bot.domain.timezones import zone_info
from bot.domain.weekdays import day_group, days_in


def clock_time(at: time) -> str:
    return at.strftime("%H:%M")


def days_text(content: Content, mask: int) -> str:
    calendar = content.messages.calendar
    group = day_group(mask)
    if group is not None:
        return str(getattr(calendar, group))
    return ", ".join(calendar.day_names[day] for day in days_in(mask))


def date_text(content: Content, instant: datetime, zone: str) -> str:
    calendar = content.messages.calendar
    local = instant.astimezone(zone_info(zone))
    return render(
        calendar.date,
        weekday=calendar.day_names[local.weekday()],
        day=local.day,
        month=calendar.month_names[local.month - 1],
    )


def local_moment(content: Content, now: datetime, zone: str) -> str:
    """ "09:41 on Tue": what the clock says in `zone` right now."""
    calendar = content.messages.calendar
    local = now.astimezone(zone_info(zone))
    return render(
        calendar.moment, time=clock_time(local.time()), weekday=calendar.day_names[local.weekday()]
    )
