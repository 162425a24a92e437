"""`python -m bot [run|migrate|demo|preview]`: the command line."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path

from telegram import Update
from telegram.error import InvalidToken, NetworkError

from bot.config import SettingsError, load_database_settings, load_settings
from bot.content import ContentError, load_content
from bot.db.engine import create_engine
from bot.db.migrations import upgrade
from bot.runtime.logging_setup import configure_logging


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
        from bot.runtime.webhook import serve

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


def demo(args: argparse.Namespace) -> int:
    """The real bot and a local Telegram emulator in this terminal; needs no token."""
    from bot.demo import DemoOptions, run_demo  # keeps `run` and `migrate` light

    configure_logging("WARNING")
    script = None
    if args.script is not None:
        try:
            script = args.script.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            print(f"error: cannot read the script {args.script}: {error}", file=sys.stderr)
            return 2
    if args.files is not None:
        try:
            args.files.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            print(f"error: cannot save files in {args.files}: {error}", file=sys.stderr)
            return 2
    options = DemoOptions(speed=args.speed, database=args.db, script=script, files=args.files)
    return asyncio.run(run_demo(options))


def preview(args: argparse.Namespace) -> int:
    """Write an exercise's key frames and animation for an author to look at."""
    from bot.domain.stretch_search import Found, find
    from bot.pictures.render import animation, key_frames  # keeps `run` and `migrate` light

    content = load_content()
    exercises = content.catalogue.exercises
    wanted = args.exercise.strip()
    match = Found(wanted) if wanted in content.motions else find(wanted, exercises)
    if not isinstance(match, Found):
        print(f"error: {wanted!r} does not name one exercise; give one of:", file=sys.stderr)
        for exercise in exercises:
            print(f"  {exercise.id}  ({exercise.name})", file=sys.stderr)
        return 2
    motion = content.motions[match.exercise_id]
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        files = [
            (args.out / f"{motion.exercise_id}-{number}.png", png)
            for number, png in enumerate(key_frames(motion), start=1)
        ]
        files.append((args.out / f"{motion.exercise_id}.gif", animation(motion)))
        for path, data in files:
            path.write_bytes(data)
            print(path)
    except OSError as error:
        print(f"error: cannot write the pictures in {args.out}: {error}", file=sys.stderr)
        return 2
    return 0


def _speed(text: str) -> float:
    try:
        speed = float(text)
    except ValueError:
        speed = 0
    if not 0 < speed <= 1000:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number from 1 to 1000, e.g. 20")
    return speed


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Back Care Bot: a daily back-care coach on Telegram."
    )
    commands = parser.add_subparsers(dest="command", metavar="{run,migrate,demo,preview}")
    commands.add_parser("run", help="run the bot (the default)")
    commands.add_parser("migrate", help="only upgrade the database")
    try_it = commands.add_parser(
        "demo",
        help="chat with the real bot in this terminal, no Telegram token needed",
        description="Chat with the real bot in this terminal: a local Telegram emulator "
        "stands in for Telegram, so no token is needed.",
    )
    try_it.add_argument(
        "--speed", type=_speed, default=1.0, help="run every timer N times faster (e.g. 20)"
    )
    try_it.add_argument(
        "--db", type=Path, metavar="PATH", help="keep the bot's data in this SQLite file"
    )
    try_it.add_argument(
        "--script", type=Path, metavar="FILE",
        help="type the lines of FILE (with @wait SECONDS and @expect TEXT) and print the chat",
    )  # fmt: skip
    try_it.add_argument(
        "--files", type=Path, metavar="DIR", help="save pictures and files the bot sends here"
    )
    look = commands.add_parser(
        "preview",
        help="write an exercise's pictures (PNG per position, GIF) for an author to check",
        description="Draw an exercise's key positions and animation from content/poses.yaml "
        "into DIR, so an author can look at an edit; needs no token and no database.",
    )
    look.add_argument("exercise", metavar="EXERCISE", help="an exercise id or name, e.g. bridge")
    look.add_argument(
        "--out", type=Path, metavar="DIR", default=Path("previews"),
        help="where to write them (default: previews/ here)",
    )  # fmt: skip
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            return demo(args)
        if args.command == "preview":
            return preview(args)
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
