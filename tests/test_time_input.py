"""Parsing reminder times and time zones as people type or share them."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.domain.pause import parse_pause_days
from bot.domain.times import parse_time
from bot.domain.timezones import MAX_CHOICES, parse_timezone, zone_at, zone_choices, zone_info


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7:30", time(7, 30)), ("07:30", time(7, 30)), ("7.30", time(7, 30)),
        ("7:30 am", time(7, 30)), ("7:30am", time(7, 30)), ("7:30 a.m.", time(7, 30)),
        ("7:30 PM", time(19, 30)), ("12 am", time(0, 0)), ("12:15 pm", time(12, 15)),
        ("7", time(7, 0)), ("19h05", time(19, 5)), (" 23:59 ", time(23, 59)), ("0:00", time(0, 0)),
        ("25:99", None), ("24:00", None), ("7:60", None), ("13 pm", None), ("0 am", None),
        ("tomorrow", None), ("", None), ("7:3", None), ("07:30:15", None), ("-7:30", None),
        ("7 30", time(7, 30)), ("19h", time(19, 0)), ("Noon", time(12, 0)),
        ("midnight", time(0, 0)), ("1230", time(12, 30)), ("7 3", None),
        # as people say them
        ("0730", time(7, 30)), ("730", time(7, 30)), ("about 6", time(6, 0)),
        ("around 7ish", time(7, 0)), ("7 o'clock", time(7, 0)), ("at 7pm", time(19, 0)),
        ("half past seven", time(7, 30)), ("quarter to eight", time(7, 45)),
        ("quarter past 7", time(7, 15)), ("seven thirty", time(7, 30)), ("seven", time(7, 0)),
        ("7 in the evening", time(19, 0)), ("half past 6 in the morning", time(6, 30)),
        ("2400", None), ("0760", None), ("half past", None), ("thirty seven", None),
    ],
)  # fmt: skip
def test_parse_time(text: str, expected: time | None) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Europe/Berlin", "Europe/Berlin"), ("europe/berlin", "Europe/Berlin"),
        ("Berlin", "Europe/Berlin"), ("new york", "America/New_York"),
        ("NEW_YORK", "America/New_York"), ("Delhi", "Asia/Kolkata"),
        ("Asia/Kolkata", "Asia/Kolkata"), ("kathmandu", "Asia/Kathmandu"),
        ("UTC", "UTC"), ("gmt", "UTC"), ("UTC+2", "UTC+02:00"), ("utc + 5:30", "UTC+05:30"),
        ("GMT-3", "UTC-03:00"), ("+0545", "UTC+05:45"), ("UTC+14", "UTC+14:00"),
        ("UTC-12", "UTC-12:00"), ("UTC+0", "UTC"),
        ("UTC+15", None), ("UTC-13", None), ("UTC+5:75", None), ("Mars/Olympus", None),
        ("Atlantis", None), ("", None),
        ("EST", "America/New_York"), ("pdt", "America/Los_Angeles"), ("MST", "MST"),
        ("52.52, 13.40", "Europe/Berlin"), ("35.68 139.69", "Asia/Tokyo"),
        ("-33.87,151.21", "Australia/Sydney"), ("40.71, -74.01", "America/New_York"),
        ("0.0, -150.0", "UTC-10:00"), ("95.0, 13.4", None), ("52, 13", None),
        # as people say them
        ("NYC", "America/New_York"), ("new york city", "America/New_York"),
        ("Londn", "Europe/London"), ("Paris, France", "Europe/Paris"),
        ("Berlin Germany", "Europe/Berlin"), ("India", "Asia/Kolkata"), ("UK", "Europe/London"),
        ("germany.", "Europe/Berlin"), ("BST", "Europe/London"), ("JST", "Asia/Tokyo"),
        ("IST", None), ("USA", None), ("Australia", None),  # several: the person picks
    ],
)  # fmt: skip
def test_parse_timezone(text: str, expected: str | None) -> None:
    assert parse_timezone(text) == expected


@pytest.mark.parametrize(
    ("text", "choices"),
    [
        ("IST", ("Asia/Kolkata", "Asia/Jerusalem", "Europe/Dublin")),
        ("usa", ("America/New_York", "America/Chicago", "America/Denver")),
        ("Australia", ("Australia/Sydney", "Australia/Brisbane", "Australia/Perth")),
        ("Berlin", ()),
        ("India", ()),
        ("Atlantis", ()),
    ],
)
def test_a_name_with_several_zones_offers_them(text: str, choices: tuple[str, ...]) -> None:
    offered = zone_choices(text)
    assert offered[: len(choices)] == choices
    assert len(offered) <= MAX_CHOICES
    assert all(parse_timezone(zone) == zone for zone in offered)


@pytest.mark.parametrize(
    ("text", "days"),
    [("3", 3), ("3 days", 3), ("three", 3), ("a week", 7), ("2 weeks", 14), ("for 3 days", 3),
     ("a couple of days", 2), ("365", 365), ("0", None), ("400", None), ("-1", None),
     ("soon", None), ("", None)],
)  # fmt: skip
def test_pause_lengths_as_people_type_them(text: str, days: int | None) -> None:
    assert parse_pause_days(text) == days


def local(zone: str, instant: datetime) -> datetime:
    return instant.astimezone(zone_info(zone))


def test_zone_info_handles_dst_and_odd_offsets() -> None:
    winter = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    summer = datetime(2026, 7, 15, 12, 0, tzinfo=UTC)
    assert local("Europe/Berlin", winter).utcoffset() == timedelta(hours=1)
    assert local("Europe/Berlin", summer).utcoffset() == timedelta(hours=2)
    assert local("Asia/Kolkata", summer).strftime("%H:%M") == "17:30"
    assert local("Asia/Kathmandu", summer).strftime("%H:%M") == "17:45"
    assert local("UTC+05:30", summer).strftime("%H:%M") == "17:30"
    assert local("UTC-03:00", winter).strftime("%H:%M") == "09:00"
    assert local("UTC", winter).strftime("%H:%M") == "12:00"


@pytest.mark.parametrize(
    ("latitude", "longitude", "expected"),
    [
        (52.52, 13.405, "Europe/Berlin"),
        (27.7172, 85.324, "Asia/Kathmandu"),
        (19.076, 72.8777, "Asia/Kolkata"),
        (40.7128, -74.006, "America/New_York"),
        (0.0, -30.0, "UTC-02:00"),  # mid-Atlantic: the nautical zone there
        (-40.0, -140.0, "UTC-09:00"),  # mid-Pacific
        (91.0, 0.0, None),
        (0.0, 181.0, None),
    ],
)
def test_zone_at_a_shared_location(latitude: float, longitude: float, expected: str) -> None:
    assert zone_at(latitude, longitude) == expected
