"""Booking's tables: appointments, the per-slot seat counter, the reminder outbox, drafts.

What the database guarantees, on SQLite and PostgreSQL alike (constraints, not Python checks):
- capacity: `slot_counters.booked` is raised by one atomic upsert guarded by
  `booked < capacity`, and a CHECK (`booked <= capacity`) refuses anything else;
- one upcoming appointment per user: a partial unique index on `appointments(chat_id)` where
  `status = 'booked'`;
- reminders are rows of `reminders` (a durable outbox) written in the booking's own transaction,
  so a booking without its reminders, or reminders of a cancelled booking, never exist.
Every row about a person hangs off `users.chat_id` with ON DELETE CASCADE; the phone number is
kept on the appointment only (given with the consent recorded at intake) and goes with the user.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime, utc_now

APPOINTMENT_STATUSES = (
    "booked",
    "cancelled",
    "rescheduled",
    "past",
    # set by the staff web (staff/): what happened, and a cancellation by the center
    "attended",
    "no_show",
    "cancelled_by_staff",
)
STATUS_CHECK = "status IN ({})".format(", ".join(f"'{s}'" for s in APPOINTMENT_STATUSES))
REMINDER_STATUSES = ("pending", "sent", "expired", "cancelled")


class Appointment(Base):
    """A visit booked by one user at one place and time; only `booked` ones hold a seat."""

    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint(STATUS_CHECK, name="status_known"),
        Index(
            "uq_appointments_one_booked_per_chat",
            "chat_id",
            unique=True,
            sqlite_where=text("status = 'booked'"),
            postgresql_where=text("status = 'booked'"),
        ),
        Index("ix_appointments_place_id_starts_at", "place_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.chat_id", ondelete="CASCADE"), index=True
    )
    place_id: Mapped[str] = mapped_column(String(64), ForeignKey("places.id"))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(20), default="booked")
    phone: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    share_summary: Mapped[bool | None] = mapped_column(Boolean)
    """The citizen's answer to "may the center see your pre-screening summary?" (None: not
    asked); the staff day page shows the summary only when True."""
    share_summary_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SlotCounter(Base):
    """Seats taken in one slot; the row every booking of that slot takes turns on."""

    __tablename__ = "slot_counters"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("booked >= 0", name="booked_not_negative"),
        CheckConstraint("booked <= capacity", name="booked_within_capacity"),
    )

    place_id: Mapped[str] = mapped_column(String(64), ForeignKey("places.id"), primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)


class Reminder(Base):
    """One reminder to send (the outbox): claimed with a lease, marked sent after Telegram says ok.

    `next_attempt_at` starts at `due_at` and moves on after a flood wait or a server error.
    `claimed_by`/`claimed_until` form the lease: a sender killed mid-batch leaves its rows
    claimed until the lease runs out, then another sender takes them.
    """

    __tablename__ = "reminders"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'sent', 'expired', 'cancelled')", name="status_known"
        ),
        UniqueConstraint("appointment_id", "offset_minutes"),
        Index(
            "ix_reminders_pending_next_attempt_at",
            "next_attempt_at",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    appointment_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("appointments.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.chat_id", ondelete="CASCADE"), index=True
    )
    offset_minutes: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(String(200))


class BookingDraft(Base):
    """Where one chat's booking conversation stands (JSON), versioned for compare-and-set."""

    __tablename__ = "booking_drafts"

    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.chat_id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
