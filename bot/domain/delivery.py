"""A day's reminder: what became of it, and what to do with one that has come due.

Each person has at most one reminder delivery a day (the reminder_deliveries
table). The dispatcher claims the due ones in batches; `verdict` decides, per
person, whether to send, to record why not, or to leave the day alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum, StrEnum, auto


class DeliveryStatus(StrEnum):
    """What became of a day's reminder (the reminder_deliveries.status column)."""

    CLAIMED = "claimed"  # taken for sending; a sender is on it
    SENT = "sent"
    SNOOZED = "snoozed"  # asked again later; due again at the snooze's end
    SKIPPED = "skipped"  # "Skip today", by the person
    STARTED = "started"  # the routine began from it, or a session of the day was open
    HELD = "held"  # not sent: a red flag waits for a professional's word
    DONE = "done"  # not sent: the day's routine was finished before it was due
    MISSED = "missed"  # not sent: too late (downtime)
    BLOCKED = "blocked"  # the person has blocked the bot
    FAILED = "failed"  # Telegram refused it, for another reason


# A reminder on screen whose buttons still act (claimed: sent, but the sender has not
# recorded it yet, as with a tap within milliseconds).
LIVE = frozenset({DeliveryStatus.CLAIMED, DeliveryStatus.SENT})


class Verdict(Enum):
    """What to do with a reminder that has come due."""

    SEND = auto()
    LEAVE = auto()  # the day's reminder was settled already
    STOP = auto()  # they blocked the bot: no reminders until they come back
    MISSED = auto()  # too late to be useful: recorded, not sent
    DONE = auto()  # the day's routine is done already: recorded, not sent

    @property
    def status(self) -> DeliveryStatus | None:
        """The status to record for the day, if any."""
        return _RECORDED.get(self)


_RECORDED = {
    Verdict.SEND: DeliveryStatus.CLAIMED,
    Verdict.MISSED: DeliveryStatus.MISSED,
    Verdict.DONE: DeliveryStatus.DONE,
}


@dataclass(frozen=True)
class Due:
    """A reminder that has come due, and what is known of the person's day."""

    due_at: datetime
    blocked: bool  # they have blocked the bot
    recorded: DeliveryStatus | None  # the day's delivery so far, if it has one
    routine_done: bool  # the day's routine was done already


def too_late(due_at: datetime, now: datetime, grace: timedelta) -> bool:
    """Whether a reminder (or summary) due at `due_at` is too late to send `now`."""
    return now - due_at > grace


def verdict(due: Due, now: datetime, grace: timedelta) -> Verdict:
    """Send, record why not, or leave the day alone. A snoozed reminder is due again;
    any other recorded status means the day is settled."""
    if due.blocked:
        return Verdict.STOP
    if due.recorded is not None and due.recorded != DeliveryStatus.SNOOZED:
        return Verdict.LEAVE
    if too_late(due.due_at, now, grace):
        return Verdict.MISSED
    if due.routine_done:  # e.g. done in the morning, then the time moved to 19:00
        return Verdict.DONE
    return Verdict.SEND
