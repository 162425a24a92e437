"""How the demo shows a Telegram chat as lines of text, and reads what the person types.

Pure: no I/O, no emulator. The bot's messages are shown as the user would
read them (the emulator's plain text), each button with a key to type.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

from bot.emulator import SentMessage

BOT = "Bot: "
YOU = "You: "
LOCATION_EXAMPLE = "52.52, 13.40"
COORDINATES = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*[,;\s]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Button:
    key: str  # what the person types to press it
    text: str
    data: str | None = None  # inline buttons: the callback data
    location: bool = False  # a reply keyboard's "share location"


def inline_buttons(message: SentMessage) -> list[Button]:
    """The message's inline buttons, keyed 1, 2, 3...; a button labelled with a number
    (a pain scale) keeps its own number, so typing "7" taps "7", and the others take
    the next numbers free ([0] ... [10] [11] Skip)."""
    found = [
        (button["text"], str(button.get("callback_data", "")))
        for row in (message.reply_markup or {}).get("inline_keyboard", [])
        for button in row
    ]
    taken = {text for text, _ in found if text.isdigit()}
    free = (str(n) for n in itertools.count(1) if str(n) not in taken)
    return [Button(text if text in taken else next(free), text, data) for text, data in found]


def reply_buttons(message: SentMessage) -> list[Button] | None:
    """The reply keyboard the message opens; [] if it closes one; None if it leaves it."""
    markup = message.reply_markup or {}
    if markup.get("remove_keyboard"):
        return []
    if "keyboard" not in markup:
        return None
    flat: list[dict[str, Any]] = [button for row in markup["keyboard"] for button in row]
    return [
        Button(str(n), button["text"], location=bool(button.get("request_location")))
        for n, button in enumerate(flat, start=1)
    ]


def show_buttons(buttons: list[Button]) -> str:
    """`[1] Done  [2] Pain`, or `[0] [1] ... [10]` for a scale."""
    return "  ".join(f"[{b.key}]" if b.key == b.text else f"[{b.key}] {b.text}" for b in buttons)


def show_message(message: SentMessage, file_note: str | None = None) -> list[str]:
    """A new message from the bot: its text, where its file went ("saved: PATH"), its
    buttons."""
    lines = message.plain_text.splitlines() or [""]
    if file_note is not None:
        kind = "file" if message.document is not None else "picture"
        lines = [f"[{kind} {file_note}]", *([] if lines == [""] else lines)]
    buttons = inline_buttons(message)
    reply = reply_buttons(message) or []
    if buttons:
        lines.append(show_buttons(buttons))
    if reply:
        lines.append(show_buttons(reply))
    if any(b.location for b in reply):
        lines.append(f"(to share a location, type a city or coordinates: {LOCATION_EXAMPLE})")
    return _prefixed(BOT, lines)


def show_edit(before: SentMessage | None, after: SentMessage) -> list[str]:
    """An edit (a countdown ticking, a menu changing): only the lines that changed, and
    the buttons if they changed; nothing if the buttons only came off."""
    old = set(before.plain_text.splitlines()) if before is not None else set()
    changed = [line for line in after.plain_text.splitlines() if line not in old]
    buttons = inline_buttons(after)
    if buttons and (before is None or inline_buttons(before) != buttons):
        changed.append(show_buttons(buttons))
    return _prefixed("Bot ↻ ", changed) if changed else []


def show_pressed(button: Button) -> str:
    return f"{YOU}[{button.text}]"


def coordinates(text: str) -> tuple[float, float] | None:
    """ "52.52, 13.40" as (latitude, longitude), if it is a place on Earth."""
    match = COORDINATES.match(text)
    if match is None:
        return None
    latitude, longitude = float(match[1]), float(match[2])
    if abs(latitude) > 90 or abs(longitude) > 180:
        return None
    return latitude, longitude


def _prefixed(first: str, lines: list[str]) -> list[str]:
    pad = " " * len(BOT)  # every message's text lines up, new or edited
    return [((first if n == 0 else pad) + line).rstrip() for n, line in enumerate(lines)]
