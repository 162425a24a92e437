"""One person's chat with the real bot, through the Bot API emulator, shown on a terminal."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.demo import screen
from bot.demo.screen import Button
from bot.emulator import BotApiEmulator, EmulatedUser, SentMessage

LONGEST_TEXT = 4096  # what a Telegram client lets a person send


class TerminalChat:
    """Prints the bot's messages as they come (`on_bot` listens to the emulator) and
    turns each typed line into what a Telegram client would do: a tap, a shared
    location, or a message."""

    def __init__(
        self,
        emulator: BotApiEmulator,
        person: EmulatedUser,
        processed: Callable[[], Awaitable[None]],
        write: Callable[[str], None],
        files: Path,
        echo: bool,
    ) -> None:
        self._emulator = emulator
        self._processed = processed  # returns once the bot has handled what it fetched
        self._person = person
        self._write = write
        self._files = files
        self._echo = echo  # print what the person typed (the terminal does not show it)
        self._seen: dict[int, SentMessage] = {}  # message id -> as last shown
        self._buttons_on: int | None = None  # the newest message with inline buttons
        self._reply_keyboard: list[Button] = []
        self._one_time = False
        self._last_activity = time.monotonic()
        self.texts: list[str] = []  # every text the bot showed, new or edited, in order

    # ---- the bot's side ------------------------------------------------------------------

    def on_bot(self, kind: str, message: SentMessage) -> None:
        """The emulator's listener: show a new message, an edit or a deletion."""
        if message.chat_id != self._person.id:
            return
        self._last_activity = time.monotonic()
        if kind == "new":
            self._show_new(message)
        elif kind == "edit":
            lines = screen.show_edit(self._seen.get(message.message_id), message)
            self._seen[message.message_id] = message
            self.texts.append(message.plain_text)
            self._print(lines)
        else:
            self._seen.pop(message.message_id, None)
            if self._buttons_on == message.message_id:
                self._buttons_on = None

    def _show_new(self, message: SentMessage) -> None:
        self._seen[message.message_id] = message
        self.texts.append(message.plain_text)
        if screen.inline_buttons(message):
            self._buttons_on = message.message_id
        reply = screen.reply_buttons(message)
        if reply is not None:
            self._reply_keyboard = reply
            self._one_time = bool((message.reply_markup or {}).get("one_time_keyboard"))
        self._print(screen.show_message(message, self._save_file(message)))

    def _save_file(self, message: SentMessage) -> str | None:
        """Keep a picture, an animation or a file the bot sent: "saved: PATH", or why not."""
        if message.photo is not None:
            data, name = message.photo, "picture.png"
        elif message.animation is not None:
            data, name = message.animation, "animation.gif"
        elif message.document is not None:
            data, name = message.document, Path(message.filename or "").name or "file"
        else:
            return None
        path = self._files / f"{message.message_id}-{name}"
        try:  # the folder exists: made at start (bot/__main__.py, bot/demo/runner.py)
            path.write_bytes(data)  # a few kilobytes, in order with the chat
        except OSError as error:
            return f"not saved: {error.strerror or error}"
        return f"saved: {path}"

    def note(self, text: str) -> None:
        """A line from the demo itself, not the bot."""
        self._write(text)

    def _print(self, lines: list[str]) -> None:
        for line in lines:
            self._write(line)

    # ---- the person's side ---------------------------------------------------------------

    async def type(self, line: str) -> None:
        """What the person typed: a button's key, coordinates to share, or a message."""
        text = line.strip()
        if not text:
            return
        if text.startswith('"') and len(text) > 1:  # "7 sends 7 even under a 0-10 scale
            await self._send(text[1:])
            return
        button = self._button(text)
        if button is not None and button.data is not None:
            await self._press(button)
        elif button is not None and button.location:
            self._write(f"(type a city or coordinates, e.g. {screen.LOCATION_EXAMPLE})")
        elif button is not None:
            self._close_one_time_keyboard()
            await self._send(button.text, shown=screen.show_pressed(button))
        elif (place := self._place(text)) is not None:
            self._close_one_time_keyboard()
            if self._echo:
                self._write(f"{screen.YOU}[location {place[0]}, {place[1]}]")
            await self._person.share_location(*place)
        else:
            await self._send(text)

    def _button(self, key: str) -> Button | None:
        message = self._seen.get(self._buttons_on) if self._buttons_on is not None else None
        inline = screen.inline_buttons(message) if message is not None else []
        for button in [*inline, *self._reply_keyboard]:
            if button.key == key:
                return button
        return None

    def _place(self, text: str) -> tuple[float, float] | None:
        """Coordinates, when the bot has offered a "share location" button."""
        if not any(button.location for button in self._reply_keyboard):
            return None
        return screen.coordinates(text)

    def _close_one_time_keyboard(self) -> None:
        if self._one_time:
            self._reply_keyboard = []

    async def _press(self, button: Button) -> None:
        assert self._buttons_on is not None
        assert button.data is not None
        self._write(screen.show_pressed(button))
        try:
            answer = await self._person.press(self._seen[self._buttons_on], button.data)
        except AssertionError:  # the emulator's wait for the bot's answer ran out
            self._write("(the bot did not answer that tap)")
            return
        if answer.text:
            self._write(f"{screen.BOT}({answer.text})")

    async def _send(self, text: str, shown: str | None = None) -> None:
        if len(text) > LONGEST_TEXT:
            self._write(f"(Telegram sends {LONGEST_TEXT} characters at most; that was {len(text)})")
            return
        if shown is not None or self._echo:
            self._write(shown or f"{screen.YOU}{text}")
        await self._person.send(text)

    # ---- waiting ---------------------------------------------------------------------------

    async def settle(self, quiet: float = 0.3, limit: float = 10.0) -> None:
        """Wait until the bot has read everything sent and has been quiet for `quiet`
        seconds (at most `limit` seconds): as a person waits for the reply."""
        started = time.monotonic()
        await self._emulator.wait_until_fetched(timeout=limit)
        await asyncio.wait_for(self._processed(), timeout=limit)
        while time.monotonic() - started < limit:
            silent = time.monotonic() - self._last_activity
            if silent >= quiet:
                return
            await asyncio.sleep(quiet - silent)

    async def expect(self, text: str, since: int, within: float) -> bool:
        """Whether the bot shows `text` (in a new or edited message, from `since` on, in
        any case) within `within` seconds."""
        deadline = time.monotonic() + within
        wanted = text.casefold()
        while not any(wanted in shown.casefold() for shown in self.texts[since:]):
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.05)
        return True
