"""Time zones from what people type or share: an IANA name, a city, "UTC+2", a location.

A zone is stored as text: an IANA name ("Europe/Berlin") or a fixed offset in
the form "UTC+05:30". `zone_info` turns either back into a tzinfo.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import cache

from timezonefinder import TimezoneFinder

# Well-known cities that are not themselves the name of an IANA zone.
CITY_ALIASES = {
    "delhi": "Asia/Kolkata", "new delhi": "Asia/Kolkata", "mumbai": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata", "bengaluru": "Asia/Kolkata", "chennai": "Asia/Kolkata",
    "calcutta": "Asia/Kolkata", "beijing": "Asia/Shanghai", "shenzhen": "Asia/Shanghai",
    "san francisco": "America/Los_Angeles", "seattle": "America/Los_Angeles",
    "washington": "America/New_York", "boston": "America/New_York", "miami": "America/New_York",
    "atlanta": "America/New_York", "houston": "America/Chicago", "dallas": "America/Chicago",
    "munich": "Europe/Berlin", "hamburg": "Europe/Berlin", "frankfurt": "Europe/Berlin",
    "cologne": "Europe/Berlin", "barcelona": "Europe/Madrid", "milan": "Europe/Rome",
    "geneva": "Europe/Zurich", "manchester": "Europe/London", "edinburgh": "Europe/London",
    "st petersburg": "Europe/Moscow", "kiev": "Europe/Kyiv", "osaka": "Asia/Tokyo",
    "kyoto": "Asia/Tokyo", "rio de janeiro": "America/Sao_Paulo", "rio": "America/Sao_Paulo",
    "montreal": "America/Toronto", "ottawa": "America/Toronto", "melbourne": "Australia/Melbourne",
    "canberra": "Australia/Sydney", "auckland": "Pacific/Auckland", "hanoi": "Asia/Bangkok",
    "ho chi minh city": "Asia/Ho_Chi_Minh", "saigon": "Asia/Ho_Chi_Minh",
}  # fmt: skip

_OFFSET = re.compile(
    r"^(?:utc|gmt)?\s*(?P<sign>[+-])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?$"
)
# "52.52, 13.40" or "52.52 13.40": latitude and longitude typed where a location
# cannot be shared (Telegram Desktop). A decimal point tells them from "UTC 5 3".
_COORDINATES = re.compile(r"^(?P<lat>-?\d{1,2}\.\d+)\s*[,; ]\s*(?P<lng>-?\d{1,3}\.\d+)$")
_MIN_OFFSET, _MAX_OFFSET = timedelta(hours=-12), timedelta(hours=14)  # the real world's range


@cache
def _zones_by_lower_name() -> dict[str, str]:
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


@cache
def _zones_by_city() -> dict[str, str]:
    """'berlin' -> 'Europe/Berlin', 'new york' -> 'America/New_York', plus CITY_ALIASES."""
    cities: dict[str, str] = {}
    for name in sorted(zoneinfo.available_timezones()):
        region, _, city = name.rpartition("/")
        if region and not name.startswith(("Etc/", "SystemV/", "US/")):
            cities.setdefault(city.replace("_", " ").casefold(), name)
    cities.update(CITY_ALIASES)
    return cities


def _offset_name(offset: timedelta) -> str:
    if not offset:
        return "UTC"
    sign = "+" if offset > timedelta(0) else "-"
    hours, minutes = divmod(abs(offset) // timedelta(minutes=1), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


# North America's zone abbreviations, as people type them: "EST" means New York's time,
# summer included, not the tz database's fixed-offset EST. ("MST" stays the fixed zone:
# Arizona keeps it all year.)
_ABBREVIATIONS = {
    "est": "America/New_York", "edt": "America/New_York", "et": "America/New_York",
    "cst": "America/Chicago", "cdt": "America/Chicago", "ct": "America/Chicago",
    "mdt": "America/Denver", "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles",
    "pt": "America/Los_Angeles",
}  # fmt: skip


def parse_timezone(text: str) -> str | None:
    """The zone someone means (a name, a city, an offset or coordinates), as a storable
    name, or None if it is not one."""
    cleaned = " ".join(text.strip().split())
    folded = cleaned.casefold()
    if folded in ("utc", "gmt", "z", "zulu"):
        return "UTC"
    if folded in _ABBREVIATIONS:
        return _ABBREVIATIONS[folded]
    if match := _OFFSET.match(folded):
        minutes = int(match["minutes"] or 0)
        if minutes >= 60:
            return None
        offset = timedelta(hours=int(match["hours"]), minutes=minutes)
        offset = -offset if match["sign"] == "-" else offset
        return _offset_name(offset) if _MIN_OFFSET <= offset <= _MAX_OFFSET else None
    if match := _COORDINATES.match(folded):
        return zone_at(float(match["lat"]), float(match["lng"]))
    by_name = _zones_by_lower_name().get(folded.replace(" ", "_"))
    if by_name is not None:
        return by_name
    return _zones_by_city().get(folded.replace("_", " "))


def zone_info(name: str) -> tzinfo:
    """The tzinfo of a stored zone name (IANA or "UTC+HH:MM")."""
    if name == "UTC":
        return UTC
    if match := _OFFSET.match(name.casefold()):
        offset = timedelta(hours=int(match["hours"]), minutes=int(match["minutes"] or 0))
        return timezone(-offset if match["sign"] == "-" else offset, name)
    return zoneinfo.ZoneInfo(name)


def local_day(instant: datetime, zone: str) -> date:
    """The user's calendar day at `instant`: what streaks and "today" are made of."""
    return instant.astimezone(zone_info(zone)).date()


@cache
def _finder() -> TimezoneFinder:
    return TimezoneFinder()


def zone_at(latitude: float, longitude: float) -> str | None:
    """The zone at a shared location, offline; at sea, the nautical zone there."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    name = _finder().timezone_at(lat=latitude, lng=longitude)
    if name is None:
        return None
    if name.startswith("Etc/GMT"):  # open sea: a whole-hour offset, stored in our own form
        return _offset_name(zone_info(name).utcoffset(None) or timedelta(0))
    return name
