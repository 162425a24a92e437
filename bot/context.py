"""The custom CallbackContext every handler receives (PTB's ContextTypes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from telegram.ext import Application, CallbackContext, ExtBot

from bot.content import Content
from bot.db.repo import Repo
from bot.services import Services
from bot.update_processor import current_session

SERVICES_KEY = "services"


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Adds the update's repositories, the content, the settings and the clock."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self._repo: Repo | None = None

    @property
    def services(self) -> Services:
        return cast(Services, self.application.bot_data[SERVICES_KEY])

    @property
    def content(self) -> Content:
        return self.services.content

    @property
    def repo(self) -> Repo:
        """Repositories over this update's session (see bot/update_processor.py)."""
        if self._repo is None:
            self._repo = Repo(current_session.get())
        return self._repo

    def now(self) -> datetime:
        return self.services.clock.now()
