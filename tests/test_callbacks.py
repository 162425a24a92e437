"""Callback data: each kind of button round-trips, stays within Telegram's 64 bytes, and
refuses data that is not its own."""

from __future__ import annotations

import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content import load_content
from bot.domain.callbacks import (
    KINDS,
    MAX_BYTES,
    CallbackData,
    ChatButton,
    DaysButton,
    DeleteButton,
    OnboardingButton,
    ReminderButton,
    SessionButton,
    SettingsButton,
    StretchButton,
    TimeButton,
    ZoneButton,
    rating_action,
)
from bot.handlers.onboarding import BUTTON_ANSWERS
from bot.handlers.settings import SETTINGS

BIGGEST_ID = 2**63 - 1  # a BIGINT primary key
BIGGEST_VERSION = 2**31 - 1  # session_timers.version is an INTEGER
LONGEST_EXERCISE = max((e.id for e in load_content().catalogue.exercises), key=len)
LONGEST_ZONE = max(zoneinfo.available_timezones(), key=len)
ACTION = st.text(st.characters(codec="utf-8", exclude_characters=":"), min_size=1, max_size=6)


def test_every_kind_has_its_own_prefix() -> None:
    prefixes = [kind.PREFIX for kind in KINDS]
    assert len(set(prefixes)) == len(prefixes)
    assert all(":" not in prefix for prefix in prefixes)


@given(st.integers(0, BIGGEST_ID), st.integers(0, BIGGEST_VERSION), ACTION)
def test_session_buttons_round_trip(session_id: int, version: int, action: str) -> None:
    button = SessionButton(session_id, version, action)
    assert SessionButton.decode(button.encode()) == button


@given(st.integers(0, 10**9), st.integers(0, 9), ACTION)
def test_reminder_buttons_round_trip(delivery_id: int, snoozes: int, action: str) -> None:
    button = ReminderButton(delivery_id, snoozes, action)
    assert ReminderButton.decode(button.encode()) == button


@pytest.mark.parametrize(
    "button",
    [
        OnboardingButton("pain:10"), TimeButton("07:30"), ZoneButton("America/New_York"),
        DaysButton("t", 6), DaysButton("done"), SettingsButton("summary_off"),
        DeleteButton("yes"), StretchButton("all"), StretchButton("do", "bridge"),
        ChatButton("today"),
    ],
)  # fmt: skip
def test_each_kind_round_trips(button: CallbackData) -> None:
    assert type(button).decode(button.encode()) == button


def test_the_data_people_already_have_still_reads_the_same() -> None:
    """Buttons sent before this module existed are still in chats: same format."""
    assert SessionButton(12, 3, "done").encode() == "s:12:3:done"
    assert ReminderButton(5, 0, "r7").encode() == "rem:5:0:r7"
    assert StretchButton("all").encode() == "str:all"
    assert StretchButton("card", "bridge").encode() == "str:card:bridge"
    assert DaysButton("t", 2).encode() == "days:t:2"
    assert TimeButton("06:30").encode() == "time:06:30"
    assert OnboardingButton("flags:none").encode() == "onb:flags:none"


def test_the_largest_real_buttons_fit_in_64_bytes() -> None:
    largest = [
        SessionButton(BIGGEST_ID, BIGGEST_VERSION, f"swap-{LONGEST_EXERCISE}"),
        ReminderButton(BIGGEST_ID, 9, "snooze"),
        StretchButton("card", LONGEST_EXERCISE),
        ZoneButton(LONGEST_ZONE),
        *(SettingsButton(action) for action in SETTINGS),
        *(OnboardingButton(answer) for answer in BUTTON_ANSWERS),
    ]
    for button in largest:
        assert len(button.encode().encode()) <= MAX_BYTES, button


def test_data_over_64_bytes_is_refused_when_written() -> None:
    with pytest.raises(ValueError, match="over 64 bytes"):
        SessionButton(1, 1, "x" * 60).encode()


@pytest.mark.parametrize(
    "data",
    ["", "s", "s:", "s:1", "s:1:2", "s:x:2:done", "s:1:-2:done", "s:1:2:", "s:\u0661:2:done",
     "rem:1:0:start", "set:time", "days:t:x", "stop"],
)  # fmt: skip
def test_session_buttons_refuse_what_is_not_theirs(data: str) -> None:
    assert SessionButton.decode(data) is None


def test_a_field_with_a_default_may_be_left_out_but_not_a_required_one() -> None:
    assert DaysButton.decode("days:all") == DaysButton("all")
    assert DaysButton.decode("days:t:x") is None
    assert StretchButton.decode("str:") is None
    assert ReminderButton.decode("rem:1:start") is None


@pytest.mark.parametrize(
    ("action", "rating"), [("r0", 0), ("r10", 10), ("r11", None), ("r", None), ("x7", None)]
)
def test_rating_actions(action: str, rating: int | None) -> None:
    assert rating_action(action) == rating
