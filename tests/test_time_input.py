"""Parsing reminder times and time zones as people type or share them."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.domain.times import parse_time
from bot.domain.timezones import parse_timezone, zone_at, zone_info


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
        ("midnight", time(0, 0)), ("1230", None), ("7 3", None),
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
    ],
)  # fmt: skip
def test_parse_timezone(text: str, expected: str | None) -> None:
    assert parse_timezone(text) == expected


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
