"""The custom CallbackContext every handler receives (PTB's ContextTypes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from telegram.ext import CallbackContext, ExtBot

from bot.content import Content
from bot.db.repo import Repo
from bot.services import Services
from bot.update_processor import current_repo

SERVICES_KEY = "services"


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Adds the update's repositories, the content, the settings and the clock."""

    @property
    def services(self) -> Services:
        return cast(Services, self.application.bot_data[SERVICES_KEY])

    @property
    def content(self) -> Content:
        return self.services.content

    @property
    def repo(self) -> Repo:
        """Repositories over this update's session (see bot/update_processor.py)."""
        return current_repo.get()

    def now(self) -> datetime:
        return self.services.clock.now()
