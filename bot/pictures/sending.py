"""Sending an exercise's animation: drawn once, uploaded to Telegram once, then by file_id.

Telegram asks bots to send a file they have sent before by its `file_id` rather
than uploading it again. So each animation is drawn on first use (kept in memory
and in the data folder), uploaded with the first card that shows it, and its
file_id stored per bot in the database (`telegram_files`); every later card, for
anyone and from any replica, sends that id. A changed pose changes the picture's
fingerprint, and a changed picture is uploaded afresh; so is one whose id
Telegram refuses.

A picture is a help, never a step of the session: `show` reports a failure and
returns False, and the caller sends the card's text regardless. Callers send it
in the transport's picture lane (Lane.PICTURE): now, if the send budget has a
token and nobody waits for one, or not at all. At the morning peak a card does
not wait for its picture; it goes without (`skipped`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import InputFile
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ExtBot

from bot.content import Content
from bot.db.files import FileRepo
from bot.domain.figure import Motion
from bot.pictures import render

logger = logging.getLogger(__name__)

_DRAWN: dict[str, bytes] = {}  # fingerprint -> GIF: the same poses always draw the same bytes


@dataclass(frozen=True)
class Picture:
    name: str  # "bridge.gif": the file's name, and its key among the stored ids
    fingerprint: str  # of the poses and the drawing style it was made from
    motion: Motion


class Pictures:
    """Each exercise's animation, for the chats that want pictures."""

    def __init__(
        self,
        content: Content,
        session_factory: async_sessionmaker[AsyncSession],
        folder: Path | None = None,
        patience: tuple[float, float] = (1.5, 10.0),
        *,
        skipped: tuple[type[Exception], ...] = (),
        count: Callable[[str], None] = lambda outcome: None,
    ) -> None:
        self.content = content
        self.session_factory = session_factory
        self.folder = folder  # where drawn files are kept between runs; None: memory only
        # Seconds a send by file_id, and an upload, may take before the text goes without.
        self.by_id_patience, self.upload_patience = patience
        self.skipped = skipped  # what the transport raises for a send it chose not to make
        self.count = count  # told each outcome: by_id, uploaded, skipped, failed or slow
        self._uploads: dict[str, asyncio.Lock] = {}  # one upload of a file at a time
        # The stored ids this process has read or written: a card's picture costs no query.
        self._ids: dict[tuple[int, str, str], str] = {}

    def picture(self, exercise_id: str) -> Picture | None:
        motion = self.content.motions.get(exercise_id)
        if motion is None:
            return None
        return Picture(f"{exercise_id}.gif", render.fingerprint(motion), motion)

    async def data(self, picture: Picture) -> bytes:
        """The file's bytes: from memory, from the data folder, or drawn now (in a thread:
        drawing takes about a second, and the bot goes on serving meanwhile)."""
        drawn = _DRAWN.get(picture.fingerprint)
        if drawn is None:  # kept by the thread, even if this send stops waiting for it
            drawn = await asyncio.to_thread(_draw, picture, self._path(picture))
        return drawn

    def _path(self, picture: Picture) -> Path | None:
        if self.folder is None:
            return None
        stem = picture.name.rsplit(".", 1)[0]
        return self.folder / f"{stem}-{picture.fingerprint[:16]}.gif"

    async def show(
        self, bot: ExtBot[Any], chat_id: int, exercise_id: str, caption: str, *,
        now: datetime, lane: object,
    ) -> bool:  # fmt: skip
        """Send the exercise's animation with `caption` (HTML). False if there is none or
        it could not be sent in time: the reason is logged, and the text goes without it."""
        picture = self.picture(exercise_id)
        if picture is None:
            return False
        try:
            outcome = await self._send(bot, chat_id, picture, caption, now, lane)
        except TimeoutError:
            logger.info("the picture %s was too slow for %s: not sent", picture.name, chat_id)
            self.count("slow")
            return False
        except Forbidden:
            raise  # blocked: as for any send, the bot stops writing to them
        except self.skipped:  # the morning peak: no send budget to spare for it just now
            logger.debug("the picture %s skipped for %s: no budget to spare", picture.name, chat_id)
            self.count("skipped")
            return False
        except TelegramError as error:
            logger.warning("the picture %s was not sent to %s: %s", picture.name, chat_id, error)
            self.count("failed")
            return False
        except Exception:  # drawing or the database failed: the text must still go
            logger.exception("the picture %s was not sent to %s", picture.name, chat_id)
            self.count("failed")
            return False
        self.count(outcome)
        return True

    async def _send(
        self, bot: ExtBot[Any], chat_id: int, picture: Picture, caption: str, now: datetime,
        lane: object,
    ) -> str:  # fmt: skip
        """Send it: "by_id", or "uploaded"."""
        options: dict[str, Any] = {
            "caption": caption, "parse_mode": ParseMode.HTML, "rate_limit_args": lane,
        }  # fmt: skip
        file_id = await self._stored(bot.id, picture)
        if file_id is not None:
            try:
                await self._by_id(bot, chat_id, file_id, options)
                return "by_id"
            except BadRequest as error:  # the id is no longer good: upload again
                logger.info("file_id of %s refused (%s): uploading again", picture.name, error)
                await self._forget(bot.id, picture)
        lock = self._uploads.setdefault(picture.name, asyncio.Lock())
        async with lock:  # at the morning peak, many first cards at once: one upload
            file_id = await self._stored(bot.id, picture)
            if file_id is not None:
                await self._by_id(bot, chat_id, file_id, options)
                return "by_id"
            data = await asyncio.wait_for(self.data(picture), self.upload_patience)
            upload = InputFile(data, filename=picture.name)
            message = await asyncio.wait_for(
                bot.send_animation(chat_id, upload, **options), self.upload_patience
            )
            if message.animation is not None:
                await self._remember(bot.id, picture, message.animation.file_id, now)
            return "uploaded"

    async def _by_id(
        self, bot: ExtBot[Any], chat_id: int, file_id: str, options: dict[str, Any]
    ) -> None:
        """Send by id, if the send budget lets it go soon: at the morning peak it may not,
        and then the card goes without its picture rather than wait."""
        await asyncio.wait_for(bot.send_animation(chat_id, file_id, **options), self.by_id_patience)

    async def _stored(self, bot_id: int, picture: Picture) -> str | None:
        key = (bot_id, picture.name, picture.fingerprint)
        if key not in self._ids:
            async with self.session_factory() as db:
                file_id = await FileRepo(db).file_id(*key)
            if file_id is None:
                return None
            self._ids[key] = file_id
        return self._ids[key]

    async def _remember(self, bot_id: int, picture: Picture, file_id: str, now: datetime) -> None:
        self._ids[(bot_id, picture.name, picture.fingerprint)] = file_id
        async with self.session_factory() as db:
            await FileRepo(db).remember(bot_id, picture.name, picture.fingerprint, file_id, now)
            try:
                await db.commit()
            except IntegrityError:  # another replica stored its upload first: as good
                logger.debug("%s: another process stored its file_id first", picture.name)

    async def _forget(self, bot_id: int, picture: Picture) -> None:
        self._ids.pop((bot_id, picture.name, picture.fingerprint), None)
        async with self.session_factory() as db:
            await FileRepo(db).forget(bot_id, picture.name)
            await db.commit()


def _draw(picture: Picture, path: Path | None) -> bytes:
    """Read the drawn file from the data folder, or draw it and keep it there."""
    if path is not None and path.is_file():
        drawn = path.read_bytes()
    else:
        drawn = render.animation(picture.motion)
        if path is not None:
            _write(path, drawn)
    _DRAWN[picture.fingerprint] = drawn
    return drawn


def _write(path: Path, data: bytes) -> None:
    """Write whole or not at all: another process may be reading the folder."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{id(data)}.part")
        partial.write_bytes(data)
        partial.replace(path)
    except OSError as error:  # a read-only data folder: drawn again next start, no harm
        logger.warning("could not keep the picture %s: %s", path, error)
