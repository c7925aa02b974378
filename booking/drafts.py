"""Where one chat's booking conversation stands: a small JSON `Draft` in `booking_drafts`.

Versioned for compare-and-set (two updates of one chat racing never overwrite each other) and
for stale buttons: every screen's buttons carry the version it was shown at. A draft untouched
for `DRAFT_TTL` is over: the next message belongs to the intake dialog again, and the sender's
housekeeping erases it (it may hold a typed phone number).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.booking import BookingDraft

DRAFT_TTL: Final = timedelta(hours=6)

Step = Literal["region", "place", "day", "time", "phone", "confirm"]


class Draft(BaseModel):
    """The answers so far and the step waiting for one."""

    model_config = ConfigDict(extra="ignore")

    step: Step = "region"
    region: str | None = None
    offered: list[str] = []
    """Place ids listed at the place step, in button order."""
    place_id: str | None = None
    day: date | None = None
    starts_at: datetime | None = None
    phone: str | None = None
    replacing: int | None = None


class DraftConflict(Exception):
    """Another update of this chat saved the draft meanwhile: run the turn again."""


@dataclass
class StoredDraft:
    draft: Draft
    version: int | None  # None: no row yet


async def load_draft(db: AsyncSession, chat_id: int, now: datetime) -> StoredDraft | None:
    row = (
        await db.execute(
            select(BookingDraft.data, BookingDraft.version, BookingDraft.updated_at).where(
                BookingDraft.chat_id == chat_id
            )
        )
    ).one_or_none()
    if row is None:
        return None
    if row.updated_at < now - DRAFT_TTL:
        return None  # abandoned long ago: the next message belongs to the intake dialog
    try:
        return StoredDraft(Draft.model_validate_json(row.data), row.version)
    except ValidationError:
        return None


async def save_draft(db: AsyncSession, chat_id: int, draft: Draft, now: datetime) -> int:
    """Compare-and-set on the version; the new version."""
    current = await db.scalar(select(BookingDraft.version).where(BookingDraft.chat_id == chat_id))
    data = draft.model_dump_json(exclude_defaults=True)
    if current is None:
        db.add(BookingDraft(chat_id=chat_id, version=1, data=data, updated_at=now))
        await db.flush()
        return 1
    result = await db.execute(
        update(BookingDraft)
        .where(BookingDraft.chat_id == chat_id, BookingDraft.version == current)
        .values(version=current + 1, data=data, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise DraftConflict(str(chat_id))
    return current + 1


async def forget_stale_drafts(db: AsyncSession, now: datetime) -> int:
    """Erase bookings abandoned midway (they may hold a typed phone number)."""
    result = await db.execute(
        delete(BookingDraft)
        .where(BookingDraft.updated_at < now - DRAFT_TTL)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))


async def drop_draft(db: AsyncSession, chat_id: int) -> None:
    await db.execute(
        delete(BookingDraft)
        .where(BookingDraft.chat_id == chat_id)
        .execution_options(synchronize_session=False)
    )
