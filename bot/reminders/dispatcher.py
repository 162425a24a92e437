"""Sending the daily reminders (and weekly summaries): claim what is due, then send it, paced.

The claim (a delivery row per user and day, and the user's next due instant)
is committed before anything is sent, so no crash can make a day's reminder
go out twice. A claim whose process died before sending is picked up again
after a short lease, while still within the grace window: no loss either.

Reminders share Telegram's ~30 messages a second with everything else: they
go out in the bulk lane of bot/runtime/transport.py, as fast as its budget allows
while leaving room for the replies of people in a session, which never queue
behind a fan-out.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ExtBot

from bot.content import Content
from bot.content.templates import label, render
from bot.db.reminders import ClaimedReminder
from bot.db.repo import Repo
from bot.domain import routine
from bot.domain.callbacks import ReminderButton, rate
from bot.domain.delivery import DeliveryStatus
from bot.domain.pain import check_in_first
from bot.domain.timezones import zone_info
from bot.runtime.context import BotContext
from bot.runtime.services import Services
from bot.runtime.transport import Lane, unreachable
from bot.summaries.weekly import send_weekly_summary

logger = logging.getLogger(__name__)

CLAIM_BATCH = 100
SENDING_AT_ONCE = 8  # reminders in flight together
LEASE = timedelta(minutes=2)  # a claim not sent by then is taken to be lost
LATE_AFTER = timedelta(minutes=5)  # later than this, the reminder says sorry


def keyboard(
    content: Content, delivery_id: int, snoozes: int, check_in: bool = False
) -> InlineKeyboardMarkup:
    texts = content.messages.reminders

    def data(action: str) -> str:  # a snoozed reminder's old buttons are stale
        return ReminderButton(delivery_id, snoozes, action).encode()

    if check_in:  # after a severe rating: how is it today, before any routine
        rows = [range(0, 6), range(6, 11)]
        return InlineKeyboardMarkup(
            [
                *[[InlineKeyboardButton(str(n), callback_data=data(rate(n))) for n in row]
                  for row in rows],
                [InlineKeyboardButton(label(texts.skip_button), callback_data=data("skip"))],
            ]
        )  # fmt: skip
    choices = [(texts.start_button, "start"), (texts.snooze_button, "snooze")]
    choices.append((texts.skip_button, "skip"))
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(label(text), callback_data=data(action))
                for text, action in choices
                if action != "snooze" or snoozes == 0  # a reminder snoozes once
            ]
        ]
    )


async def run(context: BotContext) -> None:
    """Claim and send every reminder due now (a JobQueue callback).

    Claiming the next batch overlaps with sending this one, and several sends are
    in flight at once: the overall send budget (bot/runtime/transport.py), not the time
    one request takes, sets the pace.
    """
    services = context.services
    grace = timedelta(minutes=services.settings.reminder_grace_minutes)
    queue: asyncio.Queue[tuple[ClaimedReminder, ReminderText]] = asyncio.Queue(CLAIM_BATCH)

    async def send_from_queue() -> None:
        while True:
            reminder, text = await queue.get()
            try:
                await _deliver(context.bot, services, reminder, text)
            finally:
                queue.task_done()

    senders = [asyncio.create_task(send_from_queue()) for _ in range(SENDING_AT_ONCE)]
    try:
        while True:
            now = services.clock.now()
            async with services.session_factory() as db:
                repo = Repo(db)
                due = await repo.reminders.claim_due(now, grace, CLAIM_BATCH)
                stale = await repo.reminders.reclaim_stale(now, LEASE, grace, CLAIM_BATCH)
                claimed = [*due.reminders, *stale]
                summaries = await repo.reminders.claim_summaries(now, grace, CLAIM_BATCH)
                await db.commit()
            # Apart from the claim: on SQLite a writing transaction holds the one write
            # lock, and the senders need it to record what they sent.
            texts = await _texts(services, claimed, now) if claimed else []
            services.metrics.reminders.labels("due").inc(len(claimed))
            for reminder, text in zip(claimed, texts, strict=True):
                await queue.put((reminder, text))
            for user_id in summaries:
                await send_weekly_summary(context.bot, services, user_id)
            if not due.taken and not claimed and not summaries:  # (a missed one is taken)
                await queue.join()
                return
    finally:  # idle by now, unless something failed: then the leases resend
        for sender in senders:
            sender.cancel()
        await asyncio.gather(*senders, return_exceptions=True)


@dataclass(frozen=True)
class ReminderText:
    """A reminder's text, and whether it is a pain check-in rather than the routine."""

    text: str
    check_in: bool = False
    # Not sent, recorded as this instead: STARTED (a session of that day is open, and no
    # reminder interrupts it) or HELD (a red flag waits for a professional's word).
    unsent_as: DeliveryStatus | None = None


async def _texts(
    services: Services, claimed: list[ClaimedReminder], now: datetime
) -> list[ReminderText]:
    """Each claimed reminder's text, read in a transaction of its own."""
    async with services.session_factory() as db:
        repo = Repo(db)
        return [await _text(repo, services.content, reminder, now) for reminder in claimed]


async def _text(
    repo: Repo, content: Content, reminder: ClaimedReminder, now: datetime
) -> ReminderText:
    """The reminder with a preview of today's routine; after a severe rating, a check-in."""
    texts = content.messages.reminders
    zone = zone_info(reminder.timezone)
    open_session = await repo.sessions.latest_open(reminder.user_id)
    if (
        open_session is not None
        and open_session.local_date == reminder.due_at.astimezone(zone).date()
    ):
        return ReminderText("", unsent_as=DeliveryStatus.STARTED)
    preferences = await repo.users.preferences(reminder.user_id)
    if preferences is None or preferences.onboarding_step is not None:  # held since the claim
        return ReminderText("", unsent_as=DeliveryStatus.HELD)
    late = now - reminder.due_at > LATE_AFTER
    latest = await repo.pain.latest(reminder.user_id)
    if latest is not None and check_in_first(latest.rating):
        text = render(texts.check_in, name=reminder.first_name, rating=latest.rating)
        return ReminderText(f"{text}\n{texts.late}" if late else text, check_in=True)
    history = await repo.sessions.history(reminder.user_id, zone)
    made = routine.plan(content.catalogue.exercises, history, now.astimezone(zone).date())
    text = render(
        texts.text, name=reminder.first_name, count=len(made.exercises), minutes=made.minutes
    )
    return ReminderText(f"{text}\n{texts.late}" if late else text)


async def _deliver(
    bot: ExtBot[Any], services: Services, reminder: ClaimedReminder, text: ReminderText
) -> None:
    """Send one reminder and record the outcome (bot/runtime/transport.py retries failures)."""
    if text.unsent_as is not None:
        await _record(services, reminder, text.unsent_as, None)
        return
    markup = keyboard(services.content, reminder.delivery_id, reminder.snoozes, text.check_in)
    try:
        message = await bot.send_message(
            reminder.user_id,
            text.text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            rate_limit_args=Lane.BULK,
        )
    except TelegramError as error:
        if unreachable(error):
            await _record(services, reminder, DeliveryStatus.BLOCKED, None)
        elif isinstance(error, BadRequest):  # our own mistake: retrying would repeat it
            logger.exception("reminder %s refused", reminder.delivery_id)
            await _record(services, reminder, DeliveryStatus.FAILED, None)
        else:  # flood or network, after every retry: the lease sends it again later
            logger.warning("reminder %s not sent yet: %s", reminder.delivery_id, error)
        return
    await _record(services, reminder, DeliveryStatus.SENT, message)


async def _record(
    services: Services, reminder: ClaimedReminder, status: DeliveryStatus, message: Message | None
) -> None:
    services.metrics.reminders.labels(status).inc()
    logger.info(
        "reminder " + status,
        extra={"user_id": reminder.user_id, "delivery_id": reminder.delivery_id},
    )
    async with services.session_factory() as db:
        repo = Repo(db)
        message_id = message.message_id if message is not None else None
        now = services.clock.now()
        await repo.reminders.record_outcome(reminder.delivery_id, status, message_id, now)
        if status == DeliveryStatus.BLOCKED:
            await repo.users.mark_blocked(reminder.user_id, now)
        await db.commit()
