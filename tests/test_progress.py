"""Streaks, statistics, the chart, and /progress and /history end to end."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.content import load_content
from bot.db.models import Preferences, User
from bot.domain.progress import SessionRecord, best_streak, stats, streak
from bot.domain.timezones import local_day
from bot.emulator import BotApiEmulator, EmulatedUser
from bot.runtime.context import BotApplication
from bot.summaries.chart import ChartLabels, draw_chart, render_chart
from tests.conftest import Database, FakeClock
from tests.journeys import coach_through, set_up_earlier, start_today

TODAY = date(2026, 11, 24)  # a Tuesday
TEXTS = load_content().messages.progress
LABELS = ChartLabels(
    TEXTS.chart_title, TEXTS.chart_before, TEXTS.chart_after, TEXTS.chart_y_axis,
    TEXTS.chart_session_day,
)  # fmt: skip


def record(
    day: date, finished: bool = True, before: int = 4, after: int = 2, **extra: tuple[str, ...]
) -> SessionRecord:
    return SessionRecord(
        day=day, finished=finished, pain_before=before, pain_after=after,
        done=extra.get("done", ("bridge",)), skipped=extra.get("skipped", ()),
        painful=extra.get("painful", ()),
    )  # fmt: skip


def days_ago(*numbers: int) -> list[date]:
    return [TODAY - timedelta(days=n) for n in numbers]


def test_a_streak_counts_local_days_and_rest_days_bridge_it() -> None:
    assert streak(days_ago(0, 1, 2), TODAY) == 3
    assert streak(days_ago(1, 2), TODAY) == 2  # today still open
    assert streak(days_ago(0, 2), TODAY) == 1  # a missed day breaks it
    weekends_off = lambda day: day.weekday() >= 5  # noqa: E731
    # Fri 20, Mon 23, Tue 24: the weekend between is a rest day.
    assert streak(days_ago(0, 1, 4), TODAY, weekends_off) == 3
    paused = lambda day: date(2026, 11, 10) <= day <= date(2026, 11, 21)  # noqa: E731
    assert streak([*days_ago(0, 1, 2), date(2026, 11, 9)], TODAY, paused) == 4
    assert best_streak([*days_ago(10, 11, 12, 13), *days_ago(0, 1)]) == 4


def test_statistics_of_a_month() -> None:
    records = [
        record(TODAY),
        record(TODAY - timedelta(days=1), skipped=("bridge",)),
        record(TODAY - timedelta(days=2), finished=False, painful=("bridge",)),
        record(TODAY - timedelta(days=9), before=6, after=5),
    ]
    numbers = stats(records, days_ago(0, 1, 9), TODAY)
    assert numbers.current_streak == 2
    assert numbers.sessions_this_week == 2  # Mon 23 and Tue 24
    assert numbers.sessions_this_month == 3
    assert numbers.completion_rate == 0.75
    assert numbers.average_pain_change == pytest.approx((-2 - 2 - 2 - 1) / 4)
    assert numbers.most_skipped == "bridge"
    assert stats([], [], TODAY).completion_rate is None


def test_streaks_come_from_every_exercise_day_not_only_the_recent_records() -> None:
    years = [TODAY - timedelta(days=n) for n in range(1, 1200)]  # since 2023, every day
    numbers = stats([record(TODAY - timedelta(days=1))], years, TODAY)
    assert (numbers.current_streak, numbers.best_streak) == (1199, 1199)
    assert numbers.completion_rate == 1.0  # of the records: one session, finished


def test_the_chart_of_a_realistic_month_is_a_png_of_sensible_size() -> None:
    month = [
        record(TODAY - timedelta(days=n), finished=n % 5 != 0, before=3 + n % 4, after=1 + n % 3)
        for n in range(0, 30)
        if n % 7 != 3
    ]
    png = render_chart(month, TODAY, LABELS)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (800, 500)
    assert 10_000 < len(png) < 300_000


def test_the_legend_covers_no_day_of_the_chart() -> None:
    painful_today = [record(TODAY, finished=True, before=10, after=9)]
    figure = draw_chart(painful_today, TODAY, LABELS)
    figure.draw_without_rendering()
    (axes,) = figure.axes
    legend = axes.get_legend()
    assert legend is not None
    assert len(legend.get_texts()) == 3  # both lines and the session days
    plot, key = axes.get_window_extent(), legend.get_window_extent()
    assert key.y0 >= plot.y1  # above the plot, not on today's bar in its top corner
    title = axes.title.get_window_extent()
    assert key.y1 <= title.y0  # and under the title


@pytest.fixture
async def ada(bot: BotApplication, fake: BotApiEmulator, clock: FakeClock) -> EmulatedUser:
    user = fake.user(user_id=9101, first_name="Ada")
    await set_up_earlier(user, clock)
    return user


async def test_progress_and_history_before_any_session(ada: EmulatedUser) -> None:
    await ada.send("/progress")
    assert (await ada.receive()).plain_text.startswith("📈 No sessions yet")
    await ada.send("/history")
    assert (await ada.receive()).plain_text == "No sessions yet. Send /today to start one."


async def test_progress_sends_the_chart_and_the_numbers(
    ada: EmulatedUser, clock: FakeClock
) -> None:
    first = await start_today(ada, rating="4")
    await coach_through(ada, clock, first, typed=True, after_rating="2")
    await ada.send("/progress")
    photo = await ada.receive()
    assert photo.method == "sendPhoto"
    assert photo.photo is not None
    assert photo.photo.startswith(b"\x89PNG")
    assert "Streak: 1 day (best 1 day)" in photo.plain_text
    assert "Sessions: 1 this week, 1 this month" in photo.plain_text
    assert "Pain change per session: -2.0" in photo.plain_text
    await ada.send("/history")
    history = await ada.receive()
    assert history.plain_text == "🗒 Your last sessions\nTue 24 Nov: 7 done, pain 4 → 2"


SUNDAY_EVENING = datetime(2026, 11, 29, 17, 0, tzinfo=UTC)  # 18:00 in Berlin


async def test_the_weekly_summary_comes_on_sunday_evening_with_the_week(
    ada: EmulatedUser, clock: FakeClock, db: Database
) -> None:
    first = await start_today(ada, rating="5")
    await coach_through(ada, clock, first, typed=True, after_rating="3")
    await ada.send("/stop")  # no daily reminders in the way; the summary stays on
    await ada.receive()
    async with db.connect() as connection:
        due = await connection.scalar(select(Preferences.next_summary_at))
    assert due == SUNDAY_EVENING
    clock.advance(seconds=(SUNDAY_EVENING - clock.now()).total_seconds() - 60)
    await ada.no_message(within=0.3)
    clock.advance(seconds=60)
    summary = await ada.receive()
    assert summary.method == "sendPhoto"
    assert summary.plain_text.startswith(
        "🗓 Your week: 1 finished. Pain changed by -2.0 per session on average."
    )
    await ada.no_message(within=0.3)  # once


async def test_a_week_without_sessions_gets_a_nudge_and_turning_it_off_works(
    ada: EmulatedUser, clock: FakeClock, db: Database
) -> None:
    await ada.send("/stop")
    await ada.receive()
    clock.advance(seconds=(SUNDAY_EVENING - clock.now()).total_seconds())
    nudge = await ada.receive()
    assert nudge.method == "sendMessage"
    assert nudge.plain_text.startswith("🗓 Your week: no sessions this time.")
    await ada.send("/settings")
    menu = await ada.receive()
    assert "Weekly summary: on (Sun at 18:00)" in menu.plain_text
    await ada.press(menu, "🗓 Weekly summary: turn off")
    assert (await ada.receive()).plain_text.startswith("🗓 Weekly summaries are off.")
    clock.advance(days=7)
    await ada.no_message(within=0.3)
    await ada.send("weekly summary on")  # typed, like the button
    assert (await ada.receive()).plain_text.startswith("🗓 Weekly summaries are on: Sun at 18:00.")
    await ada.send("Weekly summary Friday")  # and another day
    assert (await ada.receive()).plain_text.startswith("🗓 Weekly summaries are on: Fri at 18:00.")
    async with db.connect() as connection:
        due = await connection.scalar(select(Preferences.next_summary_at))
    assert due == datetime(2026, 12, 11, 17, 0, tzinfo=UTC)  # Fri 11 Dec, 18:00 in Berlin


async def test_a_weekly_summary_to_a_chat_that_is_gone_stops_the_summaries(
    ada: EmulatedUser, fake: BotApiEmulator, clock: FakeClock, db: Database
) -> None:
    await ada.send("/stop")
    await ada.receive()
    fake.inject_error("sendMessage", 400, "Bad Request: chat not found")
    before = len(fake.calls)
    clock.advance(seconds=(SUNDAY_EVENING - clock.now()).total_seconds())
    await fake.wait_until(
        lambda: [c for c in fake.calls[before:] if c.method == "sendMessage"] or None, 5,
        "no attempt",
    )  # fmt: skip
    await db.idle()  # the failed send is recorded
    async with db.connect() as connection:
        assert await connection.scalar(select(Preferences.next_summary_at)) is None
        assert await connection.scalar(select(User.blocked_at)) is not None
    clock.advance(days=7)
    await db.idle()
    await ada.no_message(within=0)


async def test_a_streak_follows_local_days_across_a_time_zone_change(
    ada: EmulatedUser, clock: FakeClock
) -> None:
    await ada.send("/stop")  # no reminders in the way
    await ada.receive()
    first = await start_today(ada)  # Tue 24 Nov, Berlin
    await coach_through(ada, clock, first, typed=True)
    await ada.send("/timezone America/New_York")
    await ada.receive()
    # Thu 26 Nov 03:00 UTC is still Wednesday evening (22:00) in New York.
    clock.advance(seconds=(datetime(2026, 11, 26, 3, 0, tzinfo=UTC) - clock.now()).total_seconds())
    first = await start_today(ada)
    await coach_through(ada, clock, first, typed=True)
    await ada.send("/progress")
    assert "Streak: 2 days (best 2 days)" in (await ada.receive()).plain_text


def test_a_streak_of_late_evenings_across_the_autumn_clock_change() -> None:
    # 23:30 in Berlin on 24, 25 and 26 Oct 2026; the clocks go back on the 25th, so the
    # UTC instants are 21:30, 22:30 and 22:30: a fixed +2 offset would say 24, 26 and 27 Oct.
    instants = [
        datetime(2026, 10, 24, 21, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 22, 30, tzinfo=UTC),
        datetime(2026, 10, 26, 22, 30, tzinfo=UTC),
    ]
    days = [local_day(instant, "Europe/Berlin") for instant in instants]
    assert days == [date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26)]
    assert streak(days, date(2026, 10, 26)) == 3


async def test_skipping_every_exercise_finishes_the_session_without_a_streak(
    ada: EmulatedUser, clock: FakeClock
) -> None:
    await ada.send("/stop")  # no reminders in the way
    await ada.receive()
    first = await start_today(ada)  # a whole routine on Tuesday
    await coach_through(ada, clock, first, typed=True)
    clock.advance(days=1)
    message = await start_today(ada)  # and on Wednesday every exercise skipped
    for _ in range(10):
        if "How is your back now" in message.plain_text:
            assert not message.plain_text.startswith("🎉")  # nothing done: nothing to cheer
            break
        assert "Tap Start" in message.plain_text, message.plain_text
        await ada.send("skip")
        message = await ada.receive()
    await ada.send("2")
    summary = (await ada.receive()).plain_text
    assert "Session complete" in summary
    assert "Done: none\nSkipped: Cat-Cow Stretch, Child’s Pose, Bridge Exercise" in summary
    # Not "1 day; come back tomorrow to make it two": tomorrow would not make it two.
    assert "Streak: not yet: a day counts once you do at least one exercise" in summary
    await ada.send("/progress")
    assert "Streak: 1 day" in (await ada.receive()).plain_text  # Tuesday's; today is open
