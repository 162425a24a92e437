"""Files uploaded to Telegram once: their file_id, per bot, to send them again by id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import TelegramFile


class FileRepo:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def file_id(self, bot_id: int, name: str, fingerprint: str) -> str | None:
        """The id Telegram gave this bot for `name` as made from `fingerprint`; None if it
        was never uploaded, or only in an older form."""
        return await self.db.scalar(
            select(TelegramFile.file_id).where(
                TelegramFile.bot_id == bot_id,
                TelegramFile.name == name,
                TelegramFile.fingerprint == fingerprint,
            )
        )

    async def remember(
        self, bot_id: int, name: str, fingerprint: str, file_id: str, now: datetime
    ) -> None:
        """Store (or replace) the id of a file just uploaded."""
        row = await self.db.get(TelegramFile, (bot_id, name))
        if row is None:
            stored = TelegramFile(bot_id=bot_id, name=name, fingerprint=fingerprint)
            self.db.add(stored)
            stored.file_id, stored.uploaded_at = file_id, now
        else:
            row.fingerprint, row.file_id, row.uploaded_at = fingerprint, file_id, now

    async def forget(self, bot_id: int, name: str) -> None:
        """Telegram refused the stored id: the next send uploads again."""
        await self.db.execute(
            delete(TelegramFile).where(TelegramFile.bot_id == bot_id, TelegramFile.name == name)
        )
