"""The custom CallbackContext every handler receives (PTB's ContextTypes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from telegram.ext import Application, CallbackContext, ExtBot

from bot.content import Content
from bot.db.repo import Repo
from bot.runtime.services import Services
from bot.runtime.update_processor import current_repo

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
        """Repositories over this update's session (see bot/runtime/update_processor.py)."""
        repo = current_repo.get(None)
        if repo is None:
            raise RuntimeError(
                "context.repo exists only while an update is handled "
                "(bot/runtime/update_processor.py); a job opens its own: "
                "Repo(db) over services.session_factory()"
            )
        return repo

    def now(self) -> datetime:
        return self.services.clock.now()


BotApplication = Application[Any, BotContext, Any, Any, Any, Any]


def services_of(application: BotApplication) -> Services:
    services = application.bot_data[SERVICES_KEY]
    assert isinstance(services, Services)
    return services
