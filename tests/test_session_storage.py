"""Pure pieces around the session: the stored form of its state, typed replies,
streaks, and when the next reminder comes (DST included)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain import session_codec
from bot.domain.progress import streak
from bot.domain.schedule import day_end, local_instant, next_reminder
from bot.domain.session import Phase
from bot.domain.weekdays import EVERY_DAY, WEEKENDS
from bot.domain.words import session_word
from tests.test_session_machine import in_phase

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize("phase", list(Phase))
def test_a_stored_state_comes_back_equal_in_every_phase(phase: Phase) -> None:
    state = in_phase(phase)
    assert session_codec.load(session_codec.dump(state)) == state


def test_a_state_stored_before_single_sessions_were_marked_loads_as_a_routine() -> None:
    single = replace(in_phase(Phase.HOLD), single=True)
    assert session_codec.load(session_codec.dump(single)) == single
    older = session_codec.dump(single)
    del older["single"]
    assert session_codec.load(older).single is False


def test_an_unknown_stored_format_is_refused() -> None:
    data = session_codec.dump(in_phase(Phase.HOLD)) | {"format": 99}
    with pytest.raises(ValueError, match="unknown session format 99"):
        session_codec.load(data)


@pytest.mark.parametrize(
    ("typed", "word"),
    [
        ("done", "done"), ("OK", "done"), ("Finished!", "done"), ("✅", "done"),
        ("pain", "pain"), ("it hurts", "pain"), ("Ouch", "pain"),
        ("skip", "skip"), ("Next", "skip"), ("⏭️", "skip"),
        ("stop", "stop"), ("QUIT", "stop"),
        ("start", "start"), ("ready", "start"), ("go on", "start"),
        ("banana", None), ("3", None), ("", None),
    ],
)  # fmt: skip
def test_session_words_are_forgiving(typed: str, word: str | None) -> None:
    assert session_word(typed) == word


def test_a_streak_counts_days_in_a_row_up_to_today_or_yesterday() -> None:
    today = date(2026, 11, 24)
    days = [date(2026, 11, d) for d in (20, 22, 23)]
    assert streak(days, today) == 2  # today still open: 22, 23
    assert streak([*days, today], today) == 3
    assert streak([date(2026, 11, 21)], today) == 0
    assert streak([], today) == 0


def test_a_reminder_time_in_the_spring_gap_fires_when_the_gap_ends() -> None:
    # 29 Mar 2026 in Berlin: 02:00 jumps to 03:00.
    instant = local_instant(date(2026, 3, 29), time(2, 30), BERLIN)
    assert instant == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 03:00 CEST
    assert instant.astimezone(BERLIN).strftime("%H:%M") == "03:00"


def test_a_reminder_time_that_happens_twice_in_autumn_fires_once_at_the_first() -> None:
    # 25 Oct 2026 in Berlin: 03:00 goes back to 02:00, so 02:30 happens twice.
    assert local_instant(date(2026, 10, 25), time(2, 30), BERLIN) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )
    after_first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    following = next_reminder(after_first, time(2, 30), BERLIN, EVERY_DAY)
    assert following == datetime(2026, 10, 26, 1, 30, tzinfo=UTC)  # the next day, not 01:30


def test_next_reminder_follows_weekdays_half_hour_zones_and_pauses() -> None:
    tuesday = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # 08:00 in Berlin
    assert next_reminder(tuesday, time(7, 30), BERLIN, EVERY_DAY) == datetime(
        2026, 11, 25, 6, 30, tzinfo=UTC
    )
    assert next_reminder(tuesday, time(9, 0), BERLIN, EVERY_DAY) == datetime(
        2026, 11, 24, 8, 0, tzinfo=UTC
    )
    assert next_reminder(tuesday, time(7, 30), BERLIN, WEEKENDS) == datetime(
        2026, 11, 28, 6, 30, tzinfo=UTC
    )
    kolkata = ZoneInfo("Asia/Kolkata")
    assert next_reminder(tuesday, time(18, 0), kolkata, EVERY_DAY) == datetime(
        2026, 11, 24, 12, 30, tzinfo=UTC
    )
    paused_until = datetime(2026, 12, 10, 23, 0, tzinfo=UTC)  # 11 Dec in Berlin
    assert next_reminder(
        tuesday, time(7, 30), BERLIN, EVERY_DAY, paused_at=tuesday, paused_until=paused_until
    ) == datetime(2026, 12, 11, 6, 30, tzinfo=UTC)
    assert next_reminder(tuesday, time(7, 30), BERLIN, EVERY_DAY, paused_at=tuesday) is None


def next_reminder_after_day(
    day: date, now: datetime, at: time, zone: ZoneInfo, weekdays: int
) -> datetime | None:
    """As the session summary asks it once `day`'s routine is done."""
    return next_reminder(max(now, day_end(day, zone)), at, zone, weekdays)


def test_once_a_days_routine_is_done_the_next_reminder_is_on_a_later_day() -> None:
    tuesday = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # 08:00 in Berlin
    done_on = date(2026, 11, 24)
    evening, midnight = time(19, 0), time(0, 0)
    wednesday_evening = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
    assert next_reminder_after_day(done_on, tuesday, evening, BERLIN, EVERY_DAY) == (
        wednesday_evening
    )  # not Tuesday's, at 19:00: it is not sent
    assert next_reminder_after_day(done_on, tuesday, midnight, BERLIN, EVERY_DAY) == datetime(
        2026, 11, 24, 23, 0, tzinfo=UTC
    )  # Wednesday's first minute is Wednesday's
    assert next_reminder_after_day(done_on, tuesday, evening, BERLIN, WEEKENDS) == datetime(
        2026, 11, 28, 18, 0, tzinfo=UTC
    )
    late = wednesday_evening + timedelta(hours=1)  # yesterday's routine, finished today
    assert next_reminder_after_day(done_on, late, evening, BERLIN, EVERY_DAY) == (
        wednesday_evening + timedelta(days=1)
    )
