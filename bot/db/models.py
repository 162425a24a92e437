"""The tables, as SQLAlchemy 2 typed mappings.

Timestamps come from the injected clock (never a server default), so tests can
control them; every instant is stored in UTC.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Time,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.db.types import UTCDateTime, ValueOf
from bot.domain.delivery import DeliveryStatus
from bot.domain.onboarding import Awaiting, ScreenAnswer, Step
from bot.domain.pain import PainKind
from bot.domain.session import Outcome, Timer

EVERY_DAY = 0b1111111  # weekday bit mask, bit 0 = Monday
DEFAULT_ZONE = "UTC"

# Named constraints keep migrations reproducible on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    """A Telegram user who has talked to the bot (private chat id == user id)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(String(64))
    last_name: Mapped[str | None] = mapped_column(String(64))
    username: Mapped[str | None] = mapped_column(String(32))
    language_code: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when Telegram says the user blocked the bot or was deactivated;
    # nothing is sent to them until they come back with /start.
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Preferences(Base):
    """How and when one user wants to be reminded."""

    __tablename__ = "preferences"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # Local wall-clock time in `timezone`; None until the user has chosen one.
    reminder_time: Mapped[time | None] = mapped_column(Time)
    # UTC until the user chooses a zone (while setting up, the zone question is still open).
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_ZONE)
    weekdays: Mapped[int] = mapped_column(SmallInteger, default=EVERY_DAY)
    # Paused from `paused_at` until `paused_until` (None: until /resume).
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # False after /stop (data kept); finishing onboarding turns it on.
    reminders_enabled: Mapped[bool] = mapped_column(default=False)
    # The onboarding question the user is on (None once onboarding is done).
    onboarding_step: Mapped[Step | None] = mapped_column(ValueOf(Step, 32), default=Step.DISCLAIMER)
    disclaimer_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    red_flags: Mapped[ScreenAnswer | None] = mapped_column(ValueOf(ScreenAnswer, 16))
    # A one-off question (from /time, /timezone, /delete) the next typed reply answers.
    awaiting: Mapped[Awaiting | None] = mapped_column(ValueOf(Awaiting, 32))
    # The one message whose buttons are live; buttons on any other are expired.
    menu_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # When the next reminder is due (UTC); None when none is coming. Kept up to
    # date by bot/reminders/scheduling.py whenever the fields above change.
    next_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The weekly summary: on which local weekday (0 = Monday) it comes, at SUMMARY_TIME,
    # and when it is next due (None when off). Kept in step like next_reminder_at.
    weekly_summary: Mapped[bool] = mapped_column(default=True)
    summary_weekday: Mapped[int] = mapped_column(SmallInteger, default=6)
    next_summary_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Exercise pictures with the cards; off: text only (slow or metered connections).
    pictures: Mapped[bool] = mapped_column(default=True)


class PainRating(Base):
    """A 0-10 pain check-in: the onboarding baseline, and later session check-ins."""

    __tablename__ = "pain_ratings"
    __table_args__ = (Index("ix_pain_ratings_user_time", "user_id", "recorded_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    rating: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[PainKind] = mapped_column(ValueOf(PainKind, 16))
    exercise_id: Mapped[str | None] = mapped_column(String(24))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), index=True
    )


OPEN = text("outcome IS NULL")  # a session still running or paused


class GuidedSession(Base):
    """One guided routine. Its whole state machine is stored after every event."""

    __tablename__ = "sessions"
    __table_args__ = (
        Index("ix_sessions_user_date", "user_id", "local_date"),
        # Open sessions only (a few among millions of finished ones): a user's open
        # session, and the active-sessions gauge on /metrics, without a table scan.
        Index("ix_sessions_open", "user_id", sqlite_where=OPEN, postgresql_where=OPEN),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)  # the user's day it belongs to
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    phase: Mapped[str] = mapped_column(String(16))  # a copy of state["phase"], for queries
    outcome: Mapped[Outcome | None] = mapped_column(ValueOf(Outcome, 16))  # None while open
    state: Mapped[dict[str, Any]] = mapped_column(JSON)  # bot/domain/session_codec.py
    # Copies of len(state["done"]) and state["single"], for queries that read no states:
    # streak days, and whether the day's routine is done.
    exercises_done: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    single: Mapped[bool] = mapped_column(server_default=false())
    # The message whose session buttons are live (a countdown edits it too).
    prompt_message_id: Mapped[int | None] = mapped_column(BigInteger)


class SessionTimer(Base):
    """The one pending timed event of a session: a hold's end, a rest's end, a nudge.

    Fired by the due-work loop (bot/coaching/timers.py), which claims and deletes the
    row in the transaction that moves the session on, so it fires once.
    """

    __tablename__ = "session_timers"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[Timer] = mapped_column(ValueOf(Timer, 16))
    version: Mapped[int] = mapped_column(Integer)  # the state version it was armed for
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ReminderDelivery(Base):
    """One day's reminder for one user: claimed, then sent (or skipped, missed, snoozed).

    Unique per user and local day, so however often the dispatcher runs, in
    however many processes, a day's reminder is claimed once.
    """

    __tablename__ = "reminder_deliveries"
    __table_args__ = (
        UniqueConstraint("user_id", "local_date"),
        Index("ix_reminder_deliveries_status_claimed", "status", "claimed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[DeliveryStatus] = mapped_column(ValueOf(DeliveryStatus, 16))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    snoozes: Mapped[int] = mapped_column(SmallInteger, default=0)


class SafetyFlag(Base):
    """A red flag the person reported: which triage rule (content/triage.yaml), its tier,
    and when; never the words they wrote. Cleared when they confirm that a professional
    has checked them."""

    __tablename__ = "safety_flags"
    __table_args__ = (Index("ix_safety_flags_user_time", "user_id", "flagged_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    rule_id: Mapped[str] = mapped_column(String(40))  # "chest_pain", or "screen" (set-up)
    tier: Mapped[str] = mapped_column(String(16))  # bot.domain.triage.Tier
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# Tables that hold nothing about any person (export and /delete pass them by); every
# other table has a `user_id` (tests/test_privacy.py checks both).
BOT_WIDE_TABLES = frozenset({"telegram_files"})


class TelegramFile(Base):
    """A file this bot has uploaded once, and the file_id Telegram gave it, to send it
    again by id. Ids are per bot, so the bot's id is part of the key; `fingerprint`
    names the content it was made from, so a changed picture is uploaded afresh."""

    __tablename__ = "telegram_files"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(64), primary_key=True)  # "bridge.gif"
    fingerprint: Mapped[str] = mapped_column(String(64))
    file_id: Mapped[str] = mapped_column(String(255))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
