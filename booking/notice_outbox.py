"""The queue of citizen notices for front ends other than Telegram (`citizen_notices`).

The staff web adds a row per notice of a citizen whose channel is not Telegram (`add`, in the
transaction of the change itself: the notice exists exactly when the change does); that
channel's front end claims its users' rows (`claim`) with a lease, words and sends each, and
settles it (`settle`) or puts it back for later (`retry_at`), only while it holds the claim. A
front end killed mid-send leaves its rows claimed: when the lease runs out, they are taken again
(so a notice on the wire at the crash may be sent twice; never lost). Channel-neutral: nothing
here knows how a notice reads or travels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from booking.staff_actions import CitizenNotice
from storage.conversation import User
from storage.notices import CitizenNoticeRow

KEPT_AFTER_SETTLED: Final = timedelta(days=1)
"""Settled rows go after a day (they only show what was done)."""


@dataclass(frozen=True, slots=True)
class ClaimedNotice:
    """A claimed row: what wording and sending it needs."""

    id: int
    chat_id: int
    kind: str
    place_id: str
    starts_at: datetime
    new_starts_at: datetime | None
    language: str
    created_at: datetime
    attempts: int
    blocked: bool
    """The user is marked unreachable (users.blocked_at): nothing may go to them now."""


async def channels_of(db: AsyncSession, chat_ids: Sequence[int]) -> dict[int, str]:
    """Each user's channel (`users.channel`); a chat without a users row is left out."""
    if not chat_ids:
        return {}
    rows = await db.execute(
        select(User.chat_id, User.channel).where(User.chat_id.in_(set(chat_ids)))
    )
    return {int(chat_id): str(channel) for chat_id, channel in rows}


async def add(db: AsyncSession, notices: Sequence[CitizenNotice], now: datetime) -> int:
    """Queue the notices (unclaimed, due now) in the caller's transaction; how many."""
    rows = [
        {
            "chat_id": notice.chat_id,
            "kind": notice.kind,
            "place_id": notice.place_id,
            "starts_at": notice.starts_at,
            "new_starts_at": notice.new_starts_at,
            "language": notice.language,
            "created_at": now,
            "status": "pending",
            "next_attempt_at": now,
            "attempts": 0,
        }
        for notice in notices
    ]
    if rows:
        await db.execute(insert(CitizenNoticeRow), rows)
    return len(rows)


async def claim(
    db: AsyncSession,
    *,
    channel: str,
    worker_id: str,
    now: datetime,
    lease: timedelta,
    limit: int = 50,
) -> list[ClaimedNotice]:
    """Claim up to `limit` due, unclaimed rows of `channel`'s users, oldest first; commit
    right after so the claim is visible to other workers."""
    of_channel = (
        select(User.chat_id)
        .where(User.chat_id == CitizenNoticeRow.chat_id, User.channel == channel)
        .exists()
    )
    due = (
        select(CitizenNoticeRow.id)
        .where(
            CitizenNoticeRow.status == "pending",
            CitizenNoticeRow.next_attempt_at <= now,
            or_(CitizenNoticeRow.claimed_until.is_(None), CitizenNoticeRow.claimed_until < now),
            of_channel,
        )
        .order_by(CitizenNoticeRow.id)
        .limit(limit)
    )
    if db.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = await db.execute(
        update(CitizenNoticeRow)
        .where(CitizenNoticeRow.id.in_(due.scalar_subquery()))
        .values(
            claimed_by=worker_id,
            claimed_until=now + lease,
            attempts=CitizenNoticeRow.attempts + 1,
        )
        .returning(CitizenNoticeRow.id)
        .execution_options(synchronize_session=False)
    )
    ids = list(claimed.scalars())
    if not ids:
        return []
    rows = await db.execute(
        select(CitizenNoticeRow, User.blocked_at)
        .join(User, User.chat_id == CitizenNoticeRow.chat_id)
        .where(CitizenNoticeRow.id.in_(ids))
        .order_by(CitizenNoticeRow.id)
    )
    return [
        ClaimedNotice(
            id=row.id,
            chat_id=row.chat_id,
            kind=row.kind,
            place_id=row.place_id,
            starts_at=row.starts_at,
            new_starts_at=row.new_starts_at,
            language=row.language,
            created_at=row.created_at,
            attempts=row.attempts,
            blocked=blocked_at is not None,
        )
        for row, blocked_at in rows
    ]


def _mine(notice_id: int, worker_id: str) -> tuple[object, ...]:
    return (
        CitizenNoticeRow.id == notice_id,
        CitizenNoticeRow.claimed_by == worker_id,
        CitizenNoticeRow.status == "pending",
    )


async def settle(
    db: AsyncSession,
    notice_id: int,
    worker_id: str,
    *,
    status: str,
    now: datetime,
    reason: str | None = None,
) -> bool:
    """Close the row: `sent`, `dropped` (refused for good), `blocked` (unreachable) or
    `expired` (too late to matter); False if this worker no longer holds the claim."""
    result = await db.execute(
        update(CitizenNoticeRow)
        .where(*_mine(notice_id, worker_id))  # type: ignore[arg-type]
        .values(status=status, sent_at=now, claimed_until=None, last_error=reason)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def retry_at(
    db: AsyncSession, notice_id: int, worker_id: str, *, when: datetime, error: str
) -> None:
    """Not delivered yet (a rate limit, a server error): release the row until `when`."""
    await db.execute(
        update(CitizenNoticeRow)
        .where(*_mine(notice_id, worker_id))  # type: ignore[arg-type]
        .values(next_attempt_at=when, claimed_by=None, claimed_until=None, last_error=error[:200])
        .execution_options(synchronize_session=False)
    )


async def release(db: AsyncSession, notice_ids: Sequence[int], worker_id: str) -> None:
    """Give claimed, unsettled rows back at once (a worker stopping cleanly)."""
    if not notice_ids:
        return
    await db.execute(
        update(CitizenNoticeRow)
        .where(
            CitizenNoticeRow.id.in_(list(notice_ids)),
            CitizenNoticeRow.claimed_by == worker_id,
            CitizenNoticeRow.status == "pending",
        )
        .values(claimed_by=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )


async def forget_settled(db: AsyncSession, now: datetime) -> int:
    """Housekeeping: delete rows settled more than a day ago; how many."""
    result = await db.execute(
        delete(CitizenNoticeRow)
        .where(
            CitizenNoticeRow.status != "pending",
            CitizenNoticeRow.sent_at < now - KEPT_AFTER_SETTLED,
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))
