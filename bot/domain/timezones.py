"""Time zones from what people type or share: an IANA name, a city, "UTC+2", a location.

A zone is stored as text: an IANA name ("Europe/Berlin") or a fixed offset in
the form "UTC+05:30". `zone_info` turns either back into a tzinfo.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

if TYPE_CHECKING:
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
    folded = folded.rstrip(".!?")
    if folded in _ABBREVIATIONS:
        return _ABBREVIATIONS[folded]
    if folded in _MORE_ABBREVIATIONS:
        return _MORE_ABBREVIATIONS[folded]
    if match := _OFFSET.match(folded):
        minutes = int(match["minutes"] or 0)
        if minutes >= 60:
            return None
        offset = timedelta(hours=int(match["hours"]), minutes=minutes)
        offset = -offset if match["sign"] == "-" else offset
        return _offset_name(offset) if _MIN_OFFSET <= offset <= _MAX_OFFSET else None
    if match := _COORDINATES.match(folded):
        return zone_at(float(match["lat"]), float(match["lng"]))
    return _place(folded) or (None if zone_choices(folded) else _by_parts(folded))


# -- what people type beyond a zone's name: countries, abbreviations, typos ------------

# Abbreviations that name one zone as people use them ("BST" is London's summer time).
_MORE_ABBREVIATIONS = {
    "bst": "Europe/London", "aest": "Australia/Sydney", "aedt": "Australia/Sydney",
    "acst": "Australia/Adelaide", "awst": "Australia/Perth", "jst": "Asia/Tokyo",
    "kst": "Asia/Seoul", "hkt": "Asia/Hong_Kong", "sgt": "Asia/Singapore",
    "nzst": "Pacific/Auckland", "nzdt": "Pacific/Auckland", "sast": "Africa/Johannesburg",
    "msk": "Europe/Moscow", "pht": "Asia/Manila", "wib": "Asia/Jakarta",
    "akst": "America/Anchorage", "hst": "Pacific/Honolulu",
}  # fmt: skip
# Abbreviations that name several zones: the person picks one.
_AMBIGUOUS = {
    "ist": ("Asia/Kolkata", "Asia/Jerusalem", "Europe/Dublin"),
    "ast": ("America/Halifax", "Asia/Riyadh"),
}  # fmt: skip
_PLACE_ALIASES = {
    "nyc": "America/New_York", "ny": "America/New_York", "new york city": "America/New_York",
    "la": "America/Los_Angeles", "sf": "America/Los_Angeles", "dc": "America/New_York",
    "philly": "America/New_York", "philadelphia": "America/New_York",
    "vegas": "America/Los_Angeles", "las vegas": "America/Los_Angeles",
}  # fmt: skip
_COUNTRY_ALIASES = {
    "usa": "US", "us": "US", "america": "US", "united states of america": "US", "uk": "GB",
    "england": "GB", "scotland": "GB", "wales": "GB", "great britain": "GB",
    "united kingdom": "GB", "northern ireland": "GB", "holland": "NL", "deutschland": "DE",
    "south korea": "KR", "korea": "KR", "uae": "AE", "czechia": "CZ",
}  # fmt: skip
MAX_CHOICES = 6
_CITY_TYPO_MIN = 90  # rapidfuzz ratio for a close spelling of a city ("Londn")


def _tab(name: str) -> list[list[str]]:
    """The rows of one of the tz database's .tab files (shipped by the tzdata package)."""
    text = resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def _countries() -> dict[str, str]:
    """'india' -> 'IN', 'britain' -> 'GB', 'uk' -> 'GB' ... and _COUNTRY_ALIASES."""
    names: dict[str, str] = {}
    for code, name in (row[:2] for row in _tab("iso3166.tab")):
        plain, _, inside = name.partition(" (")
        names[plain.casefold()] = code
        if inside:
            names[inside.rstrip(")").casefold()] = code
    names.update(_COUNTRY_ALIASES)
    return names


@cache
def _zones_by_country() -> dict[str, tuple[str, ...]]:
    """Each country's zones, one per distinct UTC offset (those covering most of a region
    first, then the first listed)."""
    main: dict[str, list[str]] = {}  # "Eastern (most areas)": first
    other: dict[str, list[str]] = {}
    for code, _coordinates, name, *comment in _tab("zone.tab"):
        if not name.startswith("Antarctica/"):
            note = comment[0] if comment else ""
            most = "(most" in note or note.startswith("most")
            (main if most else other).setdefault(code, []).append(name)
    zones = {code: [*main.get(code, []), *other.get(code, [])] for code in {*main, *other}}
    moment = datetime(2026, 1, 15, 12, tzinfo=UTC)  # a fixed day: the same answer each run
    result = {}
    for code, names in zones.items():
        seen: dict[timedelta | None, str] = {}
        for name in names:
            seen.setdefault(moment.astimezone(zoneinfo.ZoneInfo(name)).utcoffset(), name)
        result[code] = tuple(seen.values())
    return result


def _country_zones(folded: str) -> tuple[str, ...]:
    code = _countries().get(folded)
    return _zones_by_country().get(code, ()) if code else ()


def _place(folded: str) -> str | None:
    """A zone from a place name alone: a zone, a city, a one-zone country."""
    key = folded.replace("_", " ")
    found = (
        _zones_by_lower_name().get(folded.replace(" ", "_"))
        or _PLACE_ALIASES.get(key)
        or _zones_by_city().get(key)
    )
    if found is None and len(zones := _country_zones(key)) == 1:
        found = zones[0]
    return found


def zone_choices(text: str) -> tuple[str, ...]:
    """The zones an ambiguous answer may mean ("IST", "USA", "Australia"); empty when it
    names one zone or none."""
    folded = " ".join(text.strip().split()).casefold().rstrip(".!?")
    if folded in _AMBIGUOUS:
        return _AMBIGUOUS[folded]
    zones = _country_zones(folded)
    return zones[:MAX_CHOICES] if len(zones) > 1 else ()


def _by_parts(folded: str) -> str | None:
    """ "Paris, France", "Berlin Germany", "londn": a part, or a close spelling."""
    parts = [part.strip() for part in folded.split(",") if part.strip()]
    words = folded.replace(",", " ").split()
    candidates = [*parts, *(" ".join(words[:k]) for k in range(len(words) - 1, 0, -1))]
    for candidate in candidates:
        if (found := _place(candidate)) is not None:
            return found
    if len(folded) < 4:
        return None
    best = process.extractOne(
        folded, _zones_by_city().keys(), scorer=fuzz.ratio, score_cutoff=_CITY_TYPO_MIN
    )
    return _zones_by_city()[best[0]] if best else None


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
    from timezonefinder import TimezoneFinder  # its data loads on the first shared location

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
