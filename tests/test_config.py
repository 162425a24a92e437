"""Bad settings stop the bot with one clear line, and never print the token."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings

TOKEN = "123456789:AAHsecret-token-value-0123456789ab"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No stray variables, and no .env from the developer's checkout."""
    for name in list(os.environ):
        if name.upper() in {
            "BOT_TOKEN", "TELEGRAM_BASE_URL", "DATABASE_URL", "ADMIN_IDS", "WEBHOOK_URL",
            "WEBHOOK_SECRET", "WEBHOOK_LISTEN", "WEBHOOK_PORT", "LOG_LEVEL", "METRICS_PORT",
        }:  # fmt: skip
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults_need_only_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    settings = load_settings()
    assert settings.bot_token.get_secret_value() == TOKEN
    assert settings.database_url == "sqlite+aiosqlite:///data/bot.db"
    assert settings.bot_api_base_url == "https://api.telegram.org/bot"
    assert settings.admin_ids == frozenset()
    assert settings.log_level == "INFO"
    assert TOKEN not in repr(settings)


def test_values_are_read_from_a_dot_env_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"BOT_TOKEN={TOKEN}\nADMIN_IDS=1, 22,333\nLOG_LEVEL=debug\n")
    settings = load_settings()
    assert settings.admin_ids == {1, 22, 333}
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "BOT_TOKEN is missing: expected the token from BotFather"),
        ({"BOT_TOKEN": "not-a-token"}, "BOT_TOKEN is not valid: expected the token from BotFather"),
        ({"DATABASE_URL": "mysql://localhost/bot"}, "DATABASE_URL is not valid: expected an async"),
        ({"DATABASE_URL": "sqlite:///bot.db"}, "DATABASE_URL is not valid"),
        ({"ADMIN_IDS": "12, bob"}, "ADMIN_IDS is not valid: expected comma-separated"),
        ({"TELEGRAM_BASE_URL": "not a url"}, "TELEGRAM_BASE_URL is not valid"),
        (
            {"WEBHOOK_URL": "http://bot.example.com/hook"},
            "WEBHOOK_URL is not valid: expected an https",
        ),
        (
            {"WEBHOOK_URL": "https://bot.example.com/hook"},
            "WEBHOOK_SECRET is missing (webhook mode needs it)",
        ),
        ({"WEBHOOK_PORT": "70000"}, "WEBHOOK_PORT is not valid: expected a port number"),
        ({"WEBHOOK_SECRET": "has spaces"}, "WEBHOOK_SECRET is not valid"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL is not valid: expected one of DEBUG"),
        ({"SENDS_PER_SECOND": "0"}, "SENDS_PER_SECOND is not valid"),
        ({"SENDS_PER_SECOND": "fast"}, "SENDS_PER_SECOND is not valid"),
    ],
)
def test_a_bad_setting_is_named_in_one_line(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], expected: str
) -> None:
    if "BOT_TOKEN" not in environment and environment:
        monkeypatch.setenv("BOT_TOKEN", TOKEN)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert str(error.value).startswith(expected)
    assert "\n" not in str(error.value)


def run_cli(*args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], **environment}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_the_process_exits_non_zero_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    result = run_cli()
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: BOT_TOKEN is missing: expected the token from BotFather, "
        "like 123456789:AAEhBP0av28bYd3fX"
    ]


def test_the_token_is_never_echoed_even_when_another_setting_is_wrong() -> None:
    result = run_cli(BOT_TOKEN=TOKEN, DATABASE_URL="oracle://x")
    assert result.returncode == 2
    assert "DATABASE_URL is not valid" in result.stderr
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stderr + result.stdout
    malformed = "12:" + "x" * 5 + "leaked-secret"
    result = run_cli(BOT_TOKEN=malformed)
    assert result.returncode == 2
    assert "leaked-secret" not in result.stderr + result.stdout


def test_migrate_needs_no_token_and_creates_the_database_folder(tmp_path: Path) -> None:
    database = tmp_path / "nested" / "folder" / "bot.db"
    result = run_cli("migrate", DATABASE_URL=f"sqlite+aiosqlite:///{database}")
    assert result.returncode == 0, result.stderr
    assert database.exists()
    assert "database is up to date" in result.stdout
