"""`python -m bot demo`: the Bot API emulator and the real bot in one process, and a chat.

The bot is the one `python -m bot` runs (same handlers, content, database
code and due-work loop); only Telegram is replaced, by bot/emulator. The
database is a throw-away SQLite file unless `--db` keeps one.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.app import build_application, polling
from bot.config import load_settings
from bot.content import load_content
from bot.demo.chat import TerminalChat
from bot.demo.terminal import Terminal
from bot.emulator import BotApiEmulator
from bot.runtime.clock import FastClock
from bot.runtime.services import Timing

TOKEN = "123456:DEMO-no-telegram-needed-for-this"
PERSON_ID = 424242
EXPECT_WAIT = 60.0  # the bot's seconds a script's `@expect` waits ...
EXPECT_WAIT_AT_LEAST = 5.0  # ... but never fewer real seconds than this
BANNER = """\
Back Care Bot demo: the real bot, talking to a local Telegram emulator (no token needed).
Type as you would in Telegram; start with /start. Type a button's key ([1], [2]...) to tap it,
and "7 (a leading quote) to send 7 as text. Timers run {speed}. Ctrl-D ends the demo.
Pictures and files the bot sends are saved in {files}.
"""


@dataclass(frozen=True)
class DemoOptions:
    speed: float = 1.0  # timers run this many times faster
    database: Path | None = None  # keep the bot's data here (SQLite); None: throw it away
    script: list[str] | None = None  # type these lines instead of reading the terminal
    files: Path | None = None  # where pictures and files go; None: a new folder per run


class ScriptError(Exception):
    """A script line that cannot be carried out, or an `@expect` that was not met."""


async def run_demo(options: DemoOptions) -> int:
    """Chat until the input ends; 0, or 1 if a script's expectation was not met."""
    with tempfile.TemporaryDirectory(prefix="back-care-bot-demo-") as scratch:
        database = options.database or Path(scratch) / "demo.db"
        clock = FastClock(options.speed)
        try:
            async with BotApiEmulator(token=TOKEN, clock=clock.now) as emulator:
                settings = load_settings(
                    _env_file=None,
                    bot_token=TOKEN,
                    telegram_base_url=emulator.base_url,
                    database_url=f"sqlite+aiosqlite:///{database.resolve()}",
                    admin_ids=frozenset(),
                    webhook_url=None,
                    metrics_port=None,
                    data_dir=Path(scratch),
                )
                timing = Timing().at_speed(options.speed)
                application = build_application(settings, load_content(), clock, timing)
                async with polling(application):
                    code = await converse(emulator, application.update_queue.join, options)
        except AssertionError as broken:  # the emulator's checks at the end: a bot bug
            print(f"demo: the bot broke a Telegram rule: {broken}", file=sys.stderr)
            return 1
    if options.database is not None:
        print(f"(the bot's data is kept in {options.database})")
    return code


async def converse(
    emulator: BotApiEmulator, processed: Callable[[], Awaitable[None]], options: DemoOptions
) -> int:
    """The person's side: a script, piped lines, or a person at a terminal."""
    terminal = Terminal(interactive=options.script is None and sys.stdin.isatty())
    files = options.files or Path(tempfile.mkdtemp(prefix="back-care-bot-demo-files-"))
    chat = TerminalChat(
        emulator,
        emulator.user(user_id=PERSON_ID, first_name="Sam"),
        processed=processed,
        write=terminal.write,
        files=files,
        echo=not terminal.interactive,  # a terminal shows what the person types itself
    )
    emulator.listen(chat.on_bot)
    speed = "in real time" if options.speed == 1 else f"{options.speed:g} times faster"
    for line in BANNER.format(speed=speed, files=files).splitlines():
        terminal.write(line)
    lines = options.script if options.script is not None else terminal.lines()
    # A person sets their own pace; a script or piped lines wait for each reply.
    playing = asyncio.ensure_future(
        play(chat, lines, options.speed, settle=not terminal.interactive,
             forgiving=terminal.interactive)
    )  # fmt: skip
    reader_gone = asyncio.ensure_future(terminal.closed.wait())
    await asyncio.wait([playing, reader_gone], return_when=asyncio.FIRST_COMPLETED)
    if not playing.done():  # nobody reads the chat any more
        playing.cancel()
        return 0
    reader_gone.cancel()
    try:
        playing.result()
    except ScriptError as error:
        print(f"demo: {error}", file=sys.stderr, flush=True)
        return 1
    await chat.settle()
    return 0


async def play(
    chat: TerminalChat, lines: Iterable[str] | asyncio.Queue[str | None], speed: float,
    settle: bool, forgiving: bool = False,
) -> None:  # fmt: skip
    """Carry out each line: a comment (#), a directive (@wait SECONDS, @expect TEXT), or
    what the person types; with `settle`, wait for the bot's replies after each. A
    directive that fails ends the script, unless `forgiving` (a person typing)."""
    mark = 0  # what the bot showed before the last typed line does not count for @expect
    async for number, line in _numbered(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("@"):
            try:
                await _directive(chat, stripped, number, mark, speed)
            except ScriptError as error:
                if not forgiving:
                    raise
                chat.note(f"({error})")
            continue
        mark = len(chat.texts)
        await chat.type(line)
        if settle:
            await chat.settle()


async def _directive(chat: TerminalChat, line: str, number: int, mark: int, speed: float) -> None:
    name, _, argument = line.partition(" ")
    if name == "@wait":
        try:
            seconds = float(argument)
        except ValueError:
            raise ScriptError(f"line {number}: usage: @wait SECONDS (e.g. @wait 30)") from None
        await asyncio.sleep(seconds / speed)  # the bot's seconds, which run `speed` times faster
    elif name == "@expect" and argument.strip():
        within = max(EXPECT_WAIT / speed, EXPECT_WAIT_AT_LEAST)
        if not await chat.expect(argument.strip(), since=mark, within=within):
            raise ScriptError(
                f"line {number}: the bot never showed {argument.strip()!r} (waited {within:g} s)"
            )
    else:
        raise ScriptError(
            f"line {number}: unknown directive {line!r}: use @wait SECONDS or @expect TEXT"
        )


async def _numbered(
    lines: Iterable[str] | asyncio.Queue[str | None],
) -> AsyncIterator[tuple[int, str]]:
    if not isinstance(lines, asyncio.Queue):
        for number, line in enumerate(lines, start=1):
            yield number, line
        return
    count = 0
    while (typed := await lines.get()) is not None:
        count += 1
        yield count, typed
