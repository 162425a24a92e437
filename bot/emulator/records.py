"""What the Bot API emulator recorded: the bot's messages, edits, callback answers, calls
and the calls the published Bot API does not allow."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SentMessage:
    """A message as the bot sent or last edited it (a snapshot: later edits make new ones)."""

    method: str
    chat_id: int
    message_id: int
    text: str | None = None  # as sent, with its markup
    plain_text: str = ""  # as the user reads it (the caption for documents, photos, animations)
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    caption: str | None = None
    document: bytes | None = None
    photo: bytes | None = None
    animation: bytes | None = None
    filename: str | None = None
    file_id: str | None = None  # of the document, photo or animation
    uploaded: bool = False  # its bytes came with the request (not re-sent by file_id)

    @property
    def media(self) -> bool:
        """A document, photo or animation (its text is a caption)."""
        return self.file_id is not None

    @property
    def button_rows(self) -> list[list[str]]:
        """The texts of the inline buttons, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [[button["text"] for button in row] for row in rows]

    @property
    def buttons(self) -> list[str]:
        """The texts of all inline buttons, in reading order."""
        return [text for row in self.button_rows for text in row]

    def callback_data(self, button: str) -> str:
        """The data of the inline button with this text or this data."""
        for row in (self.reply_markup or {}).get("inline_keyboard", []):
            for candidate in row:
                if button in (candidate["text"], candidate.get("callback_data")):
                    return str(candidate["callback_data"])
        raise AssertionError(f"no button {button!r} on this message; it has {self.buttons}")


@dataclass(frozen=True)
class CallbackAnswer:
    """The bot's answer to a button press (text None: answered without a pop-up)."""

    query_id: str
    text: str | None
    show_alert: bool


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made, with its decoded parameters."""

    method: str
    parameters: dict[str, Any]


@dataclass(frozen=True)
class ApiViolation:
    """A request the published Bot API does not allow: its method, what is wrong, and the
    parameters as sent."""

    method: str
    problems: tuple[str, ...]
    parameters: dict[str, Any]

    def __str__(self) -> str:
        return f"{self.method}: {'; '.join(self.problems)}"
