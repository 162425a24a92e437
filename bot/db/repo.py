"""Repositories: the queries the handlers need, grouped by what they are about.

Handlers get one `Repo` per update (see bot/runtime/update_processor.py) and never
write SQL themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.files import FileRepo
from bot.db.guided import SessionRepo
from bot.db.models import GuidedSession, Preferences, ReminderDelivery, User
from bot.db.pain import PainRepo
from bot.db.reminders import ReminderRepo
from bot.db.safety import SafetyRepo
from bot.db.users import UserRepo


@dataclass(frozen=True)
class BotStats:
    users: int
    active: int
    blocked: int
    sessions_today: int
    reminders_today: int


async def bot_stats(db: AsyncSession, day_start: datetime) -> BotStats:
    """Counts for the admins' /stats (indexed columns only)."""

    async def count(model: Any, *where: Any) -> int:
        return int(await db.scalar(select(func.count()).select_from(model).where(*where)) or 0)

    return BotStats(
        users=await count(User),
        active=await count(Preferences, Preferences.next_reminder_at.is_not(None)),
        blocked=await count(User, User.blocked_at.is_not(None)),
        sessions_today=await count(GuidedSession, GuidedSession.started_at >= day_start),
        reminders_today=await count(ReminderDelivery, ReminderDelivery.sent_at >= day_start),
    )


class Repo:
    """All repositories over one database transaction: `repo.users.get_or_create(...)`."""

    def __init__(self, db: AsyncSession) -> None:
        self.db = db
        self.users = UserRepo(db)
        self.pain = PainRepo(db)
        self.sessions = SessionRepo(db)
        self.reminders = ReminderRepo(db)
        self.safety = SafetyRepo(db)
        self.files = FileRepo(db)
