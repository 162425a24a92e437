"""A fake Telegram Bot API for end-to-end tests: the real bot, acting users, no network."""

from tests.fakebotapi.people import FakeGroup, FakeUser
from tests.fakebotapi.records import ApiCall, CallbackAnswer, SentMessage
from tests.fakebotapi.server import FakeBotAPI

__all__ = ["ApiCall", "CallbackAnswer", "FakeBotAPI", "FakeGroup", "FakeUser", "SentMessage"]
