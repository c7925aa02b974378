"""The reminder outbox: claiming due rows safely among several senders, recording outcomes.

Claim: one statement marks up to `limit` due, unclaimed rows with this sender's id and a lease
(`claimed_until`) and returns them. On PostgreSQL its inner SELECT takes `FOR UPDATE SKIP
LOCKED`, so concurrent senders pass over each other's rows instead of waiting or taking them
twice; on SQLite the UPDATE runs under the database's single write lock, which gives the same
guarantee. A row is never claimed while another sender's lease on it runs.
Outcome: a sender records each row's result (sent, retry later, expired, cancelled) in a short
transaction of its own, only while it still holds the claim (`claimed_by` matches). A sender
killed mid-batch leaves its rows claimed; when the lease runs out, any sender takes them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, cast

from sqlalchemy import Table, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage.booking import Appointment, Reminder
from storage.conversation import User

_REMINDERS: Final = cast(Table, Reminder.__table__)
# Built once with bound parameters: recording a send reuses its cache key and compiled form, so
# no statement is built between Telegram's answer and the UPDATE.
_MARK_SENT: Final = (
    update(_REMINDERS)
    .where(
        _REMINDERS.c.id == bindparam("p_id"),
        _REMINDERS.c.claimed_by == bindparam("p_sender"),
        _REMINDERS.c.status == "pending",
    )
    .values(
        status="sent",
        sent_at=bindparam("p_now"),
        message_id=bindparam("p_message"),
        claimed_until=None,
    )
)


@dataclass(frozen=True, slots=True)
class ClaimedReminder:
    """A claimed row with what deciding and rendering it needs."""

    id: int
    chat_id: int
    appointment_id: int
    offset_minutes: int
    due_at: datetime
    attempts: int
    place_id: str
    starts_at: datetime
    appointment_status: str
    language: str
    blocked: bool
    superseded: bool  # a closer reminder of the same appointment is due too: send that one only


async def claim_due(
    db: AsyncSession,
    *,
    sender_id: str,
    now: datetime,
    lease: timedelta,
    limit: int,
    channel: str = "telegram",
) -> list[ClaimedReminder]:
    """Claim up to `limit` due rows for `lease`; commit right after so the claim is visible.

    Only reminders of users of `channel` (`users.channel`): each front end's sender delivers
    its own users' reminders (Telegram's never takes a WhatsApp user's, and the reverse)."""
    of_channel = (
        select(User.chat_id)
        .where(User.chat_id == Reminder.chat_id, User.channel == channel)
        .exists()
    )
    due = (
        select(Reminder.id)
        .where(
            Reminder.status == "pending",
            Reminder.next_attempt_at <= now,
            or_(Reminder.claimed_until.is_(None), Reminder.claimed_until < now),
            of_channel,
        )
        .order_by(Reminder.next_attempt_at, Reminder.id)
        .limit(limit)
    )
    if db.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = (
        await db.execute(
            update(Reminder)
            .where(Reminder.id.in_(due.scalar_subquery()))
            .values(claimed_by=sender_id, claimed_until=now + lease, attempts=Reminder.attempts + 1)
            .returning(Reminder.id)
            .execution_options(synchronize_session=False)
        )
    ).scalars()
    ids = list(claimed)
    if not ids:
        return []
    rows = (
        await db.execute(
            select(
                Reminder.id,
                Reminder.chat_id,
                Reminder.appointment_id,
                Reminder.offset_minutes,
                Reminder.due_at,
                Reminder.attempts,
                Appointment.place_id,
                Appointment.starts_at,
                Appointment.status,
                Appointment.language,
                User.language.label("user_language"),
                User.blocked_at,
            )
            .join(Appointment, Appointment.id == Reminder.appointment_id)
            .join(User, User.chat_id == Reminder.chat_id)
            .where(Reminder.id.in_(ids))
            .order_by(Reminder.next_attempt_at, Reminder.id)
        )
    ).all()
    minimum = await db.execute(
        select(Reminder.appointment_id, func.min(Reminder.offset_minutes))
        .where(
            Reminder.appointment_id.in_({row.appointment_id for row in rows}),
            Reminder.status == "pending",
            Reminder.due_at <= now,
        )
        .group_by(Reminder.appointment_id)
    )
    closest: dict[int, int] = {appointment_id: offset for appointment_id, offset in minimum}
    return [
        ClaimedReminder(
            id=row.id,
            chat_id=row.chat_id,
            appointment_id=row.appointment_id,
            offset_minutes=row.offset_minutes,
            due_at=row.due_at,
            attempts=row.attempts,
            place_id=row.place_id,
            starts_at=row.starts_at,
            appointment_status=row.status,
            language=row.user_language or row.language,
            blocked=row.blocked_at is not None,
            superseded=row.offset_minutes > closest.get(row.appointment_id, row.offset_minutes),
        )
        for row in rows
    ]


def _mine(reminder_id: int, sender_id: str) -> tuple[object, ...]:
    return (
        Reminder.id == reminder_id,
        Reminder.claimed_by == sender_id,
        Reminder.status == "pending",
    )


async def mark_sent(
    db: AsyncSession | AsyncConnection,
    reminder_id: int,
    sender_id: str,
    *,
    message_id: int | None,
    now: datetime,
) -> bool:
    """Telegram accepted it: never send this row again. False if the claim was lost."""
    parameters = {"p_id": reminder_id, "p_sender": sender_id, "p_now": now, "p_message": message_id}
    result = await db.execute(_MARK_SENT, parameters)
    return bool(getattr(result, "rowcount", 0) == 1)


async def retry_at(
    db: AsyncSession, reminder_id: int, sender_id: str, *, when: datetime, error: str
) -> None:
    """Not delivered yet (flood wait, server error): release the row until `when`."""
    await db.execute(
        update(Reminder)
        .where(*_mine(reminder_id, sender_id))  # type: ignore[arg-type]
        .values(next_attempt_at=when, claimed_by=None, claimed_until=None, last_error=error[:200])
        .execution_options(synchronize_session=False)
    )


async def finish(
    db: AsyncSession, reminder_id: int, sender_id: str, *, status: str, reason: str
) -> None:
    """Close the row without sending: `expired` (too late) or `cancelled` (nobody to tell)."""
    await db.execute(
        update(Reminder)
        .where(*_mine(reminder_id, sender_id))  # type: ignore[arg-type]
        .values(status=status, claimed_until=None, last_error=reason[:200])
        .execution_options(synchronize_session=False)
    )


async def release(db: AsyncSession, reminder_ids: list[int], sender_id: str) -> None:
    """Give claimed, unsent rows back at once (a sender stopping cleanly)."""
    await db.execute(
        update(Reminder)
        .where(
            Reminder.id.in_(reminder_ids),
            Reminder.claimed_by == sender_id,
            Reminder.status == "pending",
        )
        .values(claimed_by=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )


async def stop_messaging(db: AsyncSession, chat_id: int, now: datetime) -> int:
    """The user blocked the bot: remember it and cancel every pending reminder of theirs."""
    await db.execute(
        update(User)
        .where(User.chat_id == chat_id)
        .values(blocked_at=now)
        .execution_options(synchronize_session=False)
    )
    result = await db.execute(
        update(Reminder)
        .where(Reminder.chat_id == chat_id, Reminder.status == "pending")
        .values(status="cancelled", claimed_until=None, last_error="blocked by the user")
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))
