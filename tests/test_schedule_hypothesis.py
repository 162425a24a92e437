"""Property tests of the reminder schedule across zones, DST both ways, weekdays and pauses."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.domain.schedule import local_instant, next_reminder
from bot.domain.weekdays import has_day

ZONES = [
    "Europe/Berlin", "America/New_York", "America/Sao_Paulo", "Australia/Sydney",
    "Australia/Lord_Howe", "Asia/Kolkata", "Asia/Kathmandu", "Pacific/Chatham",
    "America/St_Johns", "UTC", "Pacific/Apia", "Europe/London",
]  # fmt: skip

zones = st.sampled_from(ZONES).map(ZoneInfo)
instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)
)
times = st.times().map(lambda t: t.replace(second=0, microsecond=0))
masks = st.integers(min_value=1, max_value=0b1111111)
FAST = settings(max_examples=300, deadline=None)


def wall(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


@FAST
@given(day=st.dates(date(2020, 1, 1), date(2035, 12, 31)), at=times, zone=zones)
def test_a_local_time_maps_to_that_day_at_that_time_or_just_after_a_gap(
    day: date, at: time, zone: ZoneInfo
) -> None:
    instant = local_instant(day, at, zone)
    wanted = datetime.combine(day, at)
    shown = wall(instant, zone)
    if shown != wanted:  # only in a spring-forward gap: the first minute after it
        assert shown > wanted
        assert shown - wanted <= timedelta(hours=1)
        assert wall(instant - timedelta(minutes=1), zone) < wanted
    else:  # on a fall-back day, the first of the two moments showing that time
        for shift in (30, 60):  # Lord Howe moves its clocks by half an hour
            assert wall(instant - timedelta(minutes=shift), zone) != wanted


@FAST
@given(after=instants, at=times, zone=zones, mask=masks)
def test_the_next_reminder_is_later_on_a_chosen_day_and_none_is_skipped(
    after: datetime, at: time, zone: ZoneInfo, mask: int
) -> None:
    following = next_reminder(after, at, zone, mask)
    assert following is not None
    assert following > after
    local_day = following.astimezone(zone).date()
    assert has_day(mask, local_day.weekday())
    day = after.astimezone(zone).date()
    while day < local_day:  # every chosen day before it was already over
        if has_day(mask, day.weekday()):
            assert local_instant(day, at, zone) <= after
        day += timedelta(days=1)


@FAST
@given(start=instants, at=times, zone=zones, mask=masks)
def test_reminders_in_a_row_fall_on_distinct_days_in_order(
    start: datetime, at: time, zone: ZoneInfo, mask: int
) -> None:
    seen: list[datetime] = []
    instant = start
    for _ in range(10):
        following = next_reminder(instant, at, zone, mask)
        assert following is not None
        seen.append(following)
        instant = following
    days = [s.astimezone(zone).date() for s in seen]
    assert seen == sorted(seen)
    assert len(set(days)) == len(days)  # once a day, fall-back days included


@FAST
@given(
    after=instants, at=times, zone=zones, mask=masks,
    paused_for=st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=60)),
)  # fmt: skip
@example(  # a week-long pause ending 1 µs after a reminder's minute (found by hypothesis)
    after=datetime(2021, 12, 27, 7, 7, 0, 1, tzinfo=UTC), at=time(7, 7), zone=ZoneInfo("UTC"),
    mask=0b1111111, paused_for=timedelta(days=7),
)  # fmt: skip
def test_a_pause_holds_reminders_back_until_it_ends(
    after: datetime, at: time, zone: ZoneInfo, mask: int, paused_for: timedelta
) -> None:
    until = after + paused_for
    following = next_reminder(after, at, zone, mask, paused_at=after, paused_until=until)
    assert following is not None
    assert following >= until
    assert following == next_reminder(until - timedelta(microseconds=1), at, zone, mask)
    assert next_reminder(after, at, zone, mask, paused_at=after) is None


def transition_days(zone: ZoneInfo, year: int) -> list[date]:
    """The local days of a year on which the zone's clocks change."""
    days = []
    day = date(year, 1, 1)
    while day.year == year:
        start = datetime.combine(day, time(0), tzinfo=zone).utcoffset()
        end = datetime.combine(day, time(23, 59), tzinfo=zone).utcoffset()
        if start != end:
            days.append(day)
        day += timedelta(days=1)
    return days


def test_every_quarter_hour_of_every_clock_change_fires_once_and_right() -> None:
    """Exhaustive where random examples rarely land: each DST change day, 2025-2028."""
    checked = 0
    for name in ZONES:
        zone = ZoneInfo(name)
        for year in range(2025, 2029):
            for day in transition_days(zone, year):
                for minutes in range(0, 24 * 60, 15):
                    at = time(minutes // 60, minutes % 60)
                    instant = local_instant(day, at, zone)
                    shown = wall(instant, zone)
                    wanted = datetime.combine(day, at)
                    assert shown >= wanted
                    if shown == wanted:  # the first of two, if it happens twice
                        for shift in (30, 60):
                            assert wall(instant - timedelta(minutes=shift), zone) != wanted
                    else:  # in the gap: the moment the clock jumps past it
                        assert wall(instant - timedelta(minutes=1), zone) < wanted
                    before = instant - timedelta(minutes=1)
                    assert next_reminder(before, at, zone, 0b1111111) == instant
                    checked += 1
    assert checked > 5000  # the zones above really do change their clocks
