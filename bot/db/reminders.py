"""Reminder deliveries: claiming the due ones across processes, and what became of each."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import GuidedSession, Preferences, ReminderDelivery, User
from bot.domain.delivery import DeliveryStatus, Due, Verdict, too_late, verdict
from bot.domain.schedule import due_next, summary_due_next
from bot.domain.session import Outcome
from bot.domain.timezones import zone_info


@dataclass(frozen=True)
class ClaimedReminder:
    """A reminder claimed for sending, with what its message needs."""

    delivery_id: int
    user_id: int
    first_name: str
    due_at: datetime
    timezone: str
    snoozes: int


@dataclass(frozen=True)
class ClaimedBatch:
    """What one claim took: the reminders to send, and how many due rows it took in all
    (a missed, done or blocked one is taken and settled without a send)."""

    reminders: list[ClaimedReminder]
    taken: int


class ReminderRepo:
    """Claiming due reminders: each user's day is claimed once, across processes."""

    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def claim_due(self, now: datetime, grace: timedelta, limit: int) -> ClaimedBatch:
        """Claim reminders due by `now` and move each user on to their next one.

        One missed by more than `grace` is recorded as missed, not sent.

        Few statements, whatever the batch: on SQLite the one write lock is held from
        the first write to the commit, and the senders of the last batch need it
        meanwhile to record what they sent. The users move on to their next reminder
        first: that write waits for any other claimer's commit (on SQLite; PostgreSQL
        skips rows locked by one), so the reads after it see that claimer's deliveries.
        """
        due = list(
            await self.db.scalars(
                select(Preferences)
                .where(Preferences.next_reminder_at <= now)
                .order_by(Preferences.next_reminder_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if not due:
            return ClaimedBatch([], 0)
        due_at = {preferences.user_id: _due(preferences) for preferences in due}
        day_of: dict[int, date] = {}
        for preferences in due:
            when = due_at[preferences.user_id]
            day_of[preferences.user_id] = when.astimezone(zone_info(preferences.timezone)).date()
            preferences.next_reminder_at = due_next(preferences, max(when, now))
        await self.db.flush()
        ids = list(due_at)
        days = set(day_of.values())
        users = {u.id: u for u in await self.db.scalars(select(User).where(User.id.in_(ids)))}
        deliveries = {
            (delivery.user_id, delivery.local_date): delivery
            for delivery in await self.db.scalars(
                select(ReminderDelivery).where(
                    ReminderDelivery.user_id.in_(ids), ReminderDelivery.local_date.in_(days)
                )
            )
        }
        done = await self._routines_done(ids, days)
        claims: list[tuple[ReminderDelivery, User, Preferences]] = []
        for preferences in due:
            user = users[preferences.user_id]
            local_date, due_time = day_of[user.id], due_at[user.id]
            delivery = deliveries.get((user.id, local_date))
            recorded = delivery.status if delivery is not None else None
            blocked = user.blocked_at is not None
            day = Due(due_time, blocked, recorded, (user.id, local_date) in done)
            decided = verdict(day, now, grace)
            if decided is Verdict.STOP:
                preferences.next_reminder_at = None
            status = decided.status
            if status is None:
                continue
            if delivery is None:
                delivery = _delivery(user.id, local_date, due_time, now, status)
                self.db.add(delivery)
            else:
                delivery.status, delivery.claimed_at, delivery.due_at = status, now, due_time
            if decided is Verdict.SEND:
                claims.append((delivery, user, preferences))
        await self.db.flush()  # the new deliveries get their ids
        reminders = [
            _claimed(delivery, user, preferences) for delivery, user, preferences in claims
        ]
        return ClaimedBatch(reminders, len(due))

    async def routine_done(self, user_id: int, local_date: date) -> bool:
        """Whether the day's routine was finished with an exercise done (all skipped, or a
        single "Do it now" exercise, is not the routine): then its reminder is not sent."""
        return (user_id, local_date) in await self._routines_done([user_id], {local_date})

    async def _routines_done(
        self, user_ids: Collection[int], days: Collection[date]
    ) -> set[tuple[int, date]]:
        """Which of these users' days had their routine done (as `routine_done` says)."""
        rows = await self.db.execute(
            select(GuidedSession.user_id, GuidedSession.local_date)
            .distinct()
            .where(
                GuidedSession.user_id.in_(user_ids),
                GuidedSession.local_date.in_(days),
                GuidedSession.outcome == Outcome.FINISHED,
                GuidedSession.exercises_done > 0,
                GuidedSession.single.is_(False),
            )
        )
        return {(user_id, day) for user_id, day in rows}

    async def reclaim_stale(
        self, now: datetime, lease: timedelta, grace: timedelta, limit: int
    ) -> list[ClaimedReminder]:
        """Claims whose sender died before sending: send them again, if still timely."""
        stale = await self.db.scalars(
            select(ReminderDelivery)
            .where(
                ReminderDelivery.status == DeliveryStatus.CLAIMED,
                ReminderDelivery.claimed_at < now - lease,
            )
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claimed: list[ClaimedReminder] = []
        for delivery in list(stale):
            if too_late(delivery.due_at, now, grace):
                delivery.status = DeliveryStatus.MISSED
                continue
            delivery.claimed_at = now
            user = await self.db.get(User, delivery.user_id)
            preferences = await self.db.get(Preferences, delivery.user_id)
            assert user is not None
            assert preferences is not None
            claimed.append(_claimed(delivery, user, preferences))
        return claimed

    async def claim_summaries(self, now: datetime, grace: timedelta, limit: int) -> list[int]:
        """Users whose weekly summary is due, each moved on to next week; a summary
        missed by more than `grace` is skipped. At most once: claimed, then sent."""
        due = await self.db.scalars(
            select(Preferences)
            .where(Preferences.next_summary_at <= now)
            .order_by(Preferences.next_summary_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claimed = []
        for preferences in list(due):
            due_at = preferences.next_summary_at
            assert due_at is not None
            preferences.next_summary_at = summary_due_next(preferences, max(due_at, now))
            user = await self.db.get(User, preferences.user_id)
            if user is not None and user.blocked_at is None and not too_late(due_at, now, grace):
                claimed.append(preferences.user_id)
        return claimed

    async def get(self, delivery_id: int) -> ReminderDelivery | None:
        return await self.db.get(ReminderDelivery, delivery_id)

    async def record_outcome(
        self, delivery_id: int, status: DeliveryStatus, message_id: int | None, now: datetime
    ) -> None:
        """What became of a claimed reminder's send. The status changes only while it is
        still claimed: the person may have tapped Snooze or Skip on the message before
        this runs, and that answer must not be overwritten (a conditional UPDATE, so no
        read-then-write race, on SQLite or PostgreSQL)."""
        row = ReminderDelivery.id == delivery_id
        await self.db.execute(
            update(ReminderDelivery)
            .where(row, ReminderDelivery.status == DeliveryStatus.CLAIMED)
            .values(status=status)
        )
        if message_id is not None:
            await self.db.execute(
                update(ReminderDelivery).where(row).values(message_id=message_id, sent_at=now)
            )

    async def latest(self, user_id: int) -> ReminderDelivery | None:
        return await self.db.scalar(
            select(ReminderDelivery)
            .where(ReminderDelivery.user_id == user_id)
            .order_by(ReminderDelivery.local_date.desc())
            .limit(1)
        )


def _delivery(
    user_id: int, local_date: date, due_at: datetime, now: datetime, status: DeliveryStatus
) -> ReminderDelivery:
    return ReminderDelivery(
        user_id=user_id, local_date=local_date, due_at=due_at, status=status, claimed_at=now,
        snoozes=0,
    )  # fmt: skip


def _due(preferences: Preferences) -> datetime:
    """When a claimed reminder was due (never None: it was claimed for being due)."""
    assert preferences.next_reminder_at is not None
    return preferences.next_reminder_at


def _claimed(delivery: ReminderDelivery, user: User, preferences: Preferences) -> ClaimedReminder:
    return ClaimedReminder(
        delivery.id, user.id, user.first_name, delivery.due_at, preferences.timezone,
        delivery.snoozes,
    )  # fmt: skip
