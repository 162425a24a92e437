"""`python -m bot [run|migrate]`: the command line."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from telegram import Update
from telegram.error import InvalidToken, NetworkError

from bot.config import SettingsError, load_database_settings, load_settings
from bot.content import ContentError, load_content
from bot.db.engine import create_engine
from bot.db.migrations import upgrade
from bot.logging_setup import configure_logging


def run() -> None:
    """Long polling (or webhook mode if WEBHOOK_URL is set) until SIGTERM or Ctrl-C;
    migrations run at start-up."""
    from bot.app import build_application  # keeps `migrate` light

    settings = load_settings()
    secrets = [settings.bot_token.get_secret_value()]
    if settings.webhook_secret is not None:
        secrets.append(settings.webhook_secret.get_secret_value())
    configure_logging(settings.log_level, secrets)
    application = build_application(settings, load_content())
    if settings.webhook_url is not None:
        from bot.webhook import serve

        asyncio.run(serve(application, settings))
        return
    application.run_polling(
        allowed_updates=Update.ALL_TYPES,
        stop_signals=(signal.SIGINT, signal.SIGTERM),
    )


async def _migrate(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


def migrate() -> None:
    """Upgrade the database to the newest schema; needs no bot token."""
    settings = load_database_settings()
    configure_logging("INFO")
    asyncio.run(_migrate(settings.database_url))
    print("database is up to date")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Back Care Bot: a daily back-care coach on Telegram."
    )
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=["run", "migrate"],
        help="run the bot (default) or only upgrade the database",
    )
    args = parser.parse_args(argv)
    try:
        migrate() if args.command == "migrate" else run()
    except (SettingsError, ContentError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except InvalidToken:
        print(
            "error: BOT_TOKEN was rejected by Telegram: check it with @BotFather", file=sys.stderr
        )
        return 2
    except NetworkError as error:
        print(f"error: cannot reach the Telegram Bot API ({error.message})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
