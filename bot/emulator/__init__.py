"""A local Telegram Bot API emulator: the real bot talks to it over HTTP, people act in it.

One implementation for the end-to-end tests (tests/) and for `python -m bot demo`
(bot/demo/); as strict as the real API ("Telegram facts" in DESIGN.md).
"""

from bot.emulator.botapi import BotApiSpec
from bot.emulator.people import EmulatedGroup, EmulatedUser
from bot.emulator.records import ApiCall, ApiViolation, CallbackAnswer, SentMessage
from bot.emulator.server import BotApiEmulator

__all__ = [
    "ApiCall",
    "ApiViolation",
    "BotApiEmulator",
    "BotApiSpec",
    "CallbackAnswer",
    "EmulatedGroup",
    "EmulatedUser",
    "SentMessage",
]
