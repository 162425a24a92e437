"""Callback data: what each inline button carries, written and read in this one module.

Each kind of button is a frozen dataclass with its own prefix. `encode()` writes
"prefix:field:field"; `decode(data)` reads it back, or returns None for data of
another kind, malformed or forged. The last field takes the rest of the data, so it
may hold colons ("time:07:30"). A trailing field left at its default is not written
("str:all"). Telegram allows at most 64 bytes; `encode` refuses more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, dataclass, fields
from typing import Any, ClassVar, Self, get_type_hints

MAX_BYTES = 64  # Telegram's limit for callback_data


class CallbackData:
    """The base of every button's data (a frozen dataclass of int and str fields)."""

    PREFIX: ClassVar[str]

    def encode(self) -> str:
        values = [getattr(self, spec.name) for spec in fields(self)]  # type: ignore[arg-type]
        defaults = [spec.default for spec in fields(self)]  # type: ignore[arg-type]
        while values and values[-1] == defaults[len(values) - 1]:
            values.pop()
        data = ":".join([self.PREFIX, *map(str, values)])
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def decode(cls, data: str) -> Self | None:
        prefix, colon, rest = data.partition(":")
        if prefix != cls.PREFIX or not colon:
            return None
        specs = fields(cls)  # type: ignore[arg-type]
        parts = rest.split(":", len(specs) - 1)
        hints = get_type_hints(cls)
        values: list[Any] = []
        for index, spec in enumerate(specs):
            if index >= len(parts):
                if spec.default is MISSING:
                    return None
                values.append(spec.default)
                continue
            value = _parse(parts[index], hints[spec.name])
            if value is None:
                return None
            values.append(value)
        build: Callable[..., Self] = cls
        return build(*values)

    @classmethod
    def pattern(cls) -> str:
        """The regular expression PTB routes this kind of button by."""
        return f"^{cls.PREFIX}:"


def _parse(part: str, hint: object) -> int | str | None:
    if not part:
        return None
    if hint is int or hint == int | None:
        return int(part) if part.isascii() and part.isdigit() and len(part) <= 19 else None
    return part


@dataclass(frozen=True)
class OnboardingButton(CallbackData):
    """An answer while setting up: "accept", "flags:none", "pain:3", ..."""

    PREFIX = "onb"
    answer: str


@dataclass(frozen=True)
class TimeButton(CallbackData):
    """A reminder time offered as a button ("07:30")."""

    PREFIX = "time"
    time: str


@dataclass(frozen=True)
class ZoneButton(CallbackData):
    """A time zone offered as a button ("Europe/Berlin")."""

    PREFIX = "zone"
    zone: str


@dataclass(frozen=True)
class DaysButton(CallbackData):
    """The /days menu: "all", "weekdays", "weekends", "done", or "t" with a day to toggle."""

    PREFIX = "days"
    action: str
    day: int | None = None  # 0 = Monday, with "t"


@dataclass(frozen=True)
class SettingsButton(CallbackData):
    """A button of the settings menu (handlers/preferences.py SETTINGS names them)."""

    PREFIX = "set"
    action: str


@dataclass(frozen=True)
class DeleteButton(CallbackData):
    """The answer to "delete everything?": "yes" or "no"."""

    PREFIX = "del"
    answer: str


@dataclass(frozen=True)
class SessionButton(CallbackData):
    """A guided session's button, valid only for the state version it was made for.
    Actions: start, done, pain, skip, stop, new, keep, swap-<exercise>, r<0-10>."""

    PREFIX = "s"
    session_id: int
    version: int
    action: str


@dataclass(frozen=True)
class ReminderButton(CallbackData):
    """A reminder's button, valid until the reminder is snoozed (then it is sent anew).
    Actions: start, snooze, skip, r<0-10> (a check-in reminder's ratings)."""

    PREFIX = "rem"
    delivery_id: int
    snoozes: int
    action: str


@dataclass(frozen=True)
class StretchButton(CallbackData):
    """A stretch card's button: "do" or "card" with an exercise, or "all" (the list)."""

    PREFIX = "str"
    action: str
    exercise_id: str = ""


@dataclass(frozen=True)
class ChatButton(CallbackData):
    """The buttons under "I didn't catch that": "today" or "help"."""

    PREFIX = "chat"
    action: str


KINDS: tuple[type[CallbackData], ...] = (
    OnboardingButton, TimeButton, ZoneButton, DaysButton, SettingsButton, DeleteButton,
    SessionButton, ReminderButton, StretchButton, ChatButton,
)  # fmt: skip


def rating_action(action: str) -> int | None:
    """The 0-10 rating of a rating button's action ("r7"), else None."""
    number = action.removeprefix("r")
    if not action.startswith("r") or not number.isdigit() or int(number) > 10:
        return None
    return int(number)


def rate(rating: int) -> str:
    """The action of a rating button."""
    return f"r{rating}"
