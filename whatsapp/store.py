"""The WhatsApp front end's queries (storage/whatsapp.py's tables and `users.wa_id`), correct
on SQLite and PostgreSQL alike; the shared tables are reached through bot.store as the bot does.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final, cast

import orjson
from pydantic import ValidationError
from sqlalchemy import Table, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from booking.outbox import stop_messaging
from storage.base import dialect_insert
from storage.conversation import User
from storage.whatsapp import (
    ID_BASE,
    WhatsAppId,
    WhatsAppInbound,
    WhatsAppOutgoing,
    WhatsAppState,
    WhatsAppStatus,
)
from whatsapp.inbound import Status
from whatsapp.render import Message, Shown

OUTBOX: Final = cast(Table, WhatsAppOutgoing.__table__)
INBOUND_KEPT: Final = timedelta(days=7)
"""Meta retries an unanswered delivery for up to seven days: its id is remembered that long."""
STATUSES_KEPT: Final = timedelta(days=7)


async def chat_of(db: AsyncSession, wa_id: str, now: datetime) -> int:
    """The chat id of a WhatsApp number: its users row, created on first contact with an id
    drawn from `whatsapp_ids` (a race with another turn of the same number settles on one)."""
    found = await db.scalar(select(User.chat_id).where(User.wa_id == wa_id))
    if found is not None:
        return int(found)
    drawn = await db.scalar(insert(WhatsAppId).values(created_at=now).returning(WhatsAppId.id))
    assert drawn is not None
    statement = (
        dialect_insert(db, User.__table__)
        .values(
            chat_id=ID_BASE + int(drawn),
            channel="whatsapp",
            wa_id=wa_id,
            created_at=now,
            last_seen_at=now,
        )
        .on_conflict_do_nothing(index_elements=["wa_id"])
    )
    await db.execute(statement)
    chat_id = await db.scalar(select(User.chat_id).where(User.wa_id == wa_id))
    assert chat_id is not None
    return int(chat_id)


async def claim_message(db: AsyncSession, message_id: str, now: datetime) -> bool:
    """Record the message as handled in this transaction; False if it already was."""
    result = await db.execute(
        dialect_insert(db, WhatsAppInbound.__table__)
        .values(message_id=message_id, processed_at=now)
        .on_conflict_do_nothing(index_elements=["message_id"])
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def load_shown(db: AsyncSession, chat_id: int) -> Shown | None:
    raw = await db.scalar(select(WhatsAppState.shown).where(WhatsAppState.chat_id == chat_id))
    if not raw:
        return None
    try:
        return Shown.model_validate_json(raw)
    except ValidationError:
        return None


async def save_state(
    db: AsyncSession,
    chat_id: int,
    *,
    now: datetime,
    inbound_at: datetime | None = None,
    shown: Shown | None = None,
) -> None:
    """Note when they wrote and, if given, the options now on their screen."""
    values: dict[str, Any] = {"updated_at": now}
    if inbound_at is not None:
        values["last_inbound_at"] = inbound_at
    if shown is not None:
        values["shown"] = shown.model_dump_json()
    statement = (
        dialect_insert(db, WhatsAppState.__table__)
        .values(chat_id=chat_id, **values)
        .on_conflict_do_update(index_elements=["chat_id"], set_=values)
    )
    await db.execute(statement)


async def recipient_of(db: AsyncSession, chat_id: int) -> tuple[str | None, datetime | None]:
    """The WhatsApp number of a chat and when they last wrote (None: unknown)."""
    row = (
        await db.execute(
            select(User.wa_id, WhatsAppState.last_inbound_at)
            .select_from(User)
            .outerjoin(WhatsAppState, WhatsAppState.chat_id == User.chat_id)
            .where(User.chat_id == chat_id)
        )
    ).one_or_none()
    if row is None:
        return None, None
    return row.wa_id, row.last_inbound_at


def outbox_rows(
    chat_id: int,
    recipient: str,
    messages: list[Message],
    *,
    worker_id: str,
    now: datetime,
    lease: timedelta,
) -> list[dict[str, Any]]:
    return [
        {
            "chat_id": chat_id,
            "recipient": recipient,
            "body": orjson.dumps(message).decode(),
            "created_at": now,
            "claimed_by": worker_id,
            "claimed_until": now + lease,
            "attempts": 0,
        }
        for message in messages
    ]


async def store_outgoing(db: AsyncSession, rows: list[dict[str, Any]]) -> list[int]:
    """Write the turn's messages in its transaction; their ids, in order."""
    if not rows:
        return []
    result = await db.execute(
        insert(OUTBOX).returning(OUTBOX.c.id, sort_by_parameter_order=True), rows
    )
    return [int(row_id) for row_id in result.scalars()]


async def record_status(db: AsyncSession, status: Status, now: datetime) -> int | None:
    """Store a status callback once (Meta repeats them); the chat it is about, if known."""
    chat_id = None
    if status.recipient:
        chat_id = await db.scalar(select(User.chat_id).where(User.wa_id == status.recipient))
    await db.execute(
        dialect_insert(db, WhatsAppStatus.__table__)
        .values(
            message_id=status.message_id,
            status=status.status,
            at=status.at,
            error_code=status.error_code,
            chat_id=chat_id,
            recorded_at=now,
        )
        .on_conflict_do_nothing(index_elements=["message_id", "status"])
    )
    return None if chat_id is None else int(chat_id)


async def forget_old(db: AsyncSession, now: datetime, retention_days: int) -> None:
    """Housekeeping: handled ids and statuses after a week, sent replies after a day (unsent
    ones after two), and a chat's state once it is as old as the retention period (so the
    retention purge, which keeps a user while any row hangs off them, can erase them)."""
    await db.execute(
        delete(WhatsAppInbound).where(WhatsAppInbound.processed_at < now - INBOUND_KEPT)
    )
    await db.execute(delete(WhatsAppStatus).where(WhatsAppStatus.recorded_at < now - STATUSES_KEPT))
    await db.execute(
        delete(WhatsAppOutgoing).where(
            (WhatsAppOutgoing.sent_at < now - timedelta(days=1))
            | (WhatsAppOutgoing.created_at < now - timedelta(days=2))
        )
    )
    await db.execute(
        delete(WhatsAppState).where(WhatsAppState.updated_at < now - timedelta(days=retention_days))
    )


async def mark_unreachable(db: AsyncSession, chat_id: int, now: datetime) -> None:
    """WhatsApp will not deliver to them (re-engagement needed, undeliverable): like a
    Telegram user who blocked the bot, no reminder goes to them until they write again."""
    await stop_messaging(db, chat_id, now)


async def unsent_claimable(
    db: AsyncSession, worker_id: str, now: datetime, lease: timedelta, *, own: bool
) -> list[Any]:
    """Claim unsent rows whose lease ran out (and, after a restart, this worker's own)."""
    claimable = [OUTBOX.c.claimed_until.is_(None), OUTBOX.c.claimed_until < now]
    if own:
        claimable.append(OUTBOX.c.claimed_by == worker_id)
    candidates = (
        select(OUTBOX.c.id)
        .where(OUTBOX.c.sent_at.is_(None), or_(*claimable))
        .order_by(OUTBOX.c.id)
        .limit(500)
    )
    result = await db.execute(
        update(OUTBOX)
        .where(OUTBOX.c.id.in_(candidates.scalar_subquery()))
        .values(claimed_by=worker_id, claimed_until=now + lease, attempts=OUTBOX.c.attempts + 1)
        .returning(OUTBOX.c.id, OUTBOX.c.chat_id, OUTBOX.c.recipient, OUTBOX.c.body)
    )
    return sorted(result.all(), key=lambda row: row.id)
