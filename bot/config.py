"""Settings from the environment and `.env`, validated once at start-up.

Every variable named in DESIGN.md's interface contract is here and nothing else.
A bad value stops the process with one line naming the variable; the token is a
`SecretStr`, so it never shows up in a repr, a log line or an error message.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AnyHttpUrl,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/bot.db"
SUPPORTED_DATABASE_SCHEMES = ("sqlite+aiosqlite", "postgresql+asyncpg")
TELEGRAM_BASE_URL = "https://api.telegram.org/bot"
_TOKEN_PATTERN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,}$")

# What each variable expects, for the one-line error when it is wrong.
EXPECTED = {
    "BOT_TOKEN": "the token from BotFather, like 123456789:AAEhBP0av28bYd3fX",
    "TELEGRAM_BASE_URL": "an http(s) URL such as https://api.telegram.org/bot",
    "DATABASE_URL": (
        "an async SQLAlchemy URL starting with "
        + " or ".join(f"{s}://" for s in SUPPORTED_DATABASE_SCHEMES)
    ),
    "ADMIN_IDS": "comma-separated Telegram user ids, like 12345,67890",
    "WEBHOOK_URL": "an https URL Telegram can reach, like https://bot.example.com/telegram",
    "WEBHOOK_SECRET": "1-256 characters of A-Z, a-z, 0-9, _ and -",
    "WEBHOOK_LISTEN": "an address to listen on, like 0.0.0.0",
    "WEBHOOK_PORT": "a port number from 1 to 65535",
    "METRICS_PORT": "a port number from 1 to 65535",
    "LOG_LEVEL": "one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
    "REMINDER_GRACE_MINUTES": "a whole number of minutes from 0 to 1440, like 120",
    "DATA_DIR": "a folder the bot may keep files in, like data",
}


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line for the operator."""


class DatabaseSettings(BaseSettings):
    """The part of the settings that migrations need (no bot token required)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    database_url: str = DEFAULT_DATABASE_URL

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        scheme = value.split("://", 1)[0] if "://" in value else ""
        if scheme not in SUPPORTED_DATABASE_SCHEMES:
            raise ValueError("unsupported scheme")
        return value


class Settings(DatabaseSettings):
    """Everything the running bot is configured with."""

    bot_token: SecretStr
    telegram_base_url: AnyHttpUrl = AnyHttpUrl(TELEGRAM_BASE_URL)
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    webhook_url: AnyHttpUrl | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    # GET /healthz and /metrics on this port (on WEBHOOK_LISTEN's address), any mode.
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    log_level: str = "INFO"
    # The local emergency number named in urgent safety advice (999, 911, 112...); unset,
    # the advice says "your local emergency number".
    emergency_number: str | None = Field(default=None, pattern=r"^[0-9+ ]{2,16}$")
    # A reminder missed by less than this (downtime) is still sent, late.
    reminder_grace_minutes: int = Field(default=120, ge=0, le=1440)
    # Messages a second this process sends at most, under Telegram's ~30 for one bot;
    # with several replicas, split it between them (two replicas: 15 each).
    sends_per_second: float = Field(default=30.0, gt=0, le=1000)
    # Files the bot makes and keeps between runs (the exercise pictures, in pictures/).
    data_dir: Path = Path("data")

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        if not _TOKEN_PATTERN.match(value.get_secret_value().strip()):
            raise ValueError("malformed token")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(re.fullmatch(r"\d+", part) for part in parts):
                raise ValueError("not a list of ids")
            return frozenset(int(part) for part in parts)
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("bad secret")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in logging.getLevelNamesMapping() or level in ("NOTSET", "WARN", "FATAL"):
            raise ValueError("unknown level")
        return level

    @model_validator(mode="after")
    def _webhook_needs_https_and_a_secret(self) -> Settings:
        if self.webhook_url is not None and self.webhook_url.scheme != "https":
            raise ValueError("WEBHOOK_URL")
        if self.webhook_url is not None and self.webhook_secret is None:
            raise ValueError("WEBHOOK_SECRET")
        return self

    @property
    def bot_api_base_url(self) -> str:
        """The base URL as python-telegram-bot wants it (the token is appended)."""
        return str(self.telegram_base_url)


def _explain(error: ValidationError) -> str:
    """Turn pydantic's report into one line naming the first bad variable."""
    first = error.errors()[0]
    field = str(first["loc"][0]).upper() if first["loc"] else ""
    problem = "is missing" if first["type"] == "missing" else "is not valid"
    if field == "":  # a model-level check names its variable (see the webhook check)
        field = str(first.get("ctx", {}).get("error", "WEBHOOK_URL"))
        if field == "WEBHOOK_SECRET":
            problem = "is missing (webhook mode needs it)"
    return f"{field} {problem}: expected {EXPECTED.get(field, 'a valid value')}"


def load_settings(**overrides: Any) -> Settings:
    """Read and validate the settings, raising SettingsError with a one-line reason."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise SettingsError(_explain(error)) from None


def load_database_settings(**overrides: Any) -> DatabaseSettings:
    """Read only what migrations need, raising SettingsError with a one-line reason."""
    try:
        return DatabaseSettings(**overrides)
    except ValidationError as error:
        raise SettingsError(_explain(error)) from None
