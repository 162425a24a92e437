"""Keyboards shared by several features (their data: bot/domain/callbacks.py)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from bot.content import Content
from bot.content.templates import label
from bot.domain.callbacks import DaysButton, OnboardingButton, TimeButton, ZoneButton
from bot.domain.weekdays import has_day
from bot.handlers.menus import keyboard

TIME_CHOICES = ("06:30", "07:00", "07:30", "08:00", "09:00", "12:00", "18:00", "19:00", "20:00")


def time_keyboard() -> InlineKeyboardMarkup:
    buttons = [(choice, TimeButton(choice).encode()) for choice in TIME_CHOICES]
    return keyboard(buttons[0:3], buttons[3:6], buttons[6:9])


def pain_keyboard() -> InlineKeyboardMarkup:
    """0-10 in two rows, for the rating asked while setting up."""
    buttons = [(str(rating), OnboardingButton(f"pain:{rating}").encode()) for rating in range(11)]
    return keyboard(buttons[:6], buttons[6:])


def location_keyboard(content: Content) -> ReplyKeyboardMarkup:
    """A reply keyboard whose button shares the user's location (typing works too)."""
    button = KeyboardButton(content.messages.onboarding.location_button, request_location=True)
    return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)


def days_keyboard(content: Content, mask: int) -> InlineKeyboardMarkup:
    texts = content.messages.preferences
    names = content.messages.calendar.day_names
    days = [
        (
            label(texts.day_on if has_day(mask, day) else texts.day_off, day=name),
            DaysButton("t", day).encode(),
        )
        for day, name in enumerate(names)
    ]
    return keyboard(
        days[:4],
        days[4:],
        [
            (texts.every_day_button, DaysButton("all").encode()),
            (texts.weekdays_button, DaysButton("weekdays").encode()),
            (texts.weekends_button, DaysButton("weekends").encode()),
        ],
        [(texts.done_button, DaysButton("done").encode())],
    )


def zone_keyboard(zones: tuple[str, ...]) -> InlineKeyboardMarkup:
    """One button a zone ("America/New York"), for a name that fits several."""
    return keyboard(*[[(zone.replace("_", " "), ZoneButton(zone).encode())] for zone in zones])
