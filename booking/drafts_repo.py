"""Where one chat's booking conversation stands, stored: a JSON draft in `booking_drafts`.

What a draft holds is the conversation's business (dialogs.booking.draft.Draft); here it is a
pydantic model stored as JSON next to a version. A turn loads `(draft, version)` and saves with
that version as `expected_version`: a real compare-and-set, so two workers handling updates of
one chat at once never overwrite each other; the loser gets `DraftConflict` and runs its turn
again from the start (as the intake does with its session, bot/store.save_conversation).
A draft untouched for `DRAFT_TTL` is over: `load` no longer returns it (the next message belongs
to the intake again) and `forget_stale_drafts` erases it (it may hold a typed phone number).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import dialect_insert
from storage.booking import BookingDraft

DRAFT_TTL: Final = timedelta(hours=6)

D = TypeVar("D", bound=BaseModel)


class DraftConflict(Exception):
    """Another turn of this chat saved or dropped the draft since this one loaded it."""


class DraftRepository(Generic[D]):
    """The drafts of one database session (the turn's transaction), as `model` instances."""

    def __init__(self, db: AsyncSession, model: type[D]) -> None:
        self.db = db
        self.model = model

    async def load(self, chat_id: int, now: datetime) -> tuple[D | None, int | None]:
        """The chat's draft and the version of its row.

        The draft is None when there is none, when it was abandoned more than `DRAFT_TTL` ago
        or cannot be read any more; the version is None only when there is no row at all (a
        save must still compare against the version of an abandoned row).
        """
        row = (
            await self.db.execute(
                select(BookingDraft.data, BookingDraft.version, BookingDraft.updated_at).where(
                    BookingDraft.chat_id == chat_id
                )
            )
        ).one_or_none()
        if row is None:
            return None, None
        if row.updated_at < now - DRAFT_TTL:
            return None, row.version  # abandoned long ago: the intake has the chat again
        try:
            return self.model.model_validate_json(row.data), row.version
        except ValidationError:
            return None, row.version

    async def save(
        self, chat_id: int, draft: D, *, expected_version: int | None, now: datetime
    ) -> int:
        """Write the draft if the row still has `expected_version` (None: there is no row yet);
        the new version. Raises `DraftConflict` if another turn got there first."""
        data = draft.model_dump_json(exclude_defaults=True)
        if expected_version is None:
            inserted = await self.db.execute(
                dialect_insert(self.db, BookingDraft.__table__)
                .values(chat_id=chat_id, version=1, data=data, updated_at=now)
                .on_conflict_do_nothing(index_elements=["chat_id"])
            )
            if getattr(inserted, "rowcount", 0) != 1:
                raise DraftConflict(str(chat_id))
            return 1
        result = await self.db.execute(
            update(BookingDraft)
            .where(BookingDraft.chat_id == chat_id, BookingDraft.version == expected_version)
            .values(version=expected_version + 1, data=data, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) != 1:
            raise DraftConflict(str(chat_id))
        return expected_version + 1

    async def drop(self, chat_id: int, *, expected_version: int) -> None:
        """The booking is over (booked, stopped): delete the row if it still has that version."""
        result = await self.db.execute(
            delete(BookingDraft)
            .where(BookingDraft.chat_id == chat_id, BookingDraft.version == expected_version)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) != 1:
            raise DraftConflict(str(chat_id))

    async def abandon(self, chat_id: int) -> None:
        """Whatever stands, the booking is left (the user went on with another command)."""
        await self.db.execute(
            delete(BookingDraft)
            .where(BookingDraft.chat_id == chat_id)
            .execution_options(synchronize_session=False)
        )


async def forget_stale_drafts(db: AsyncSession, now: datetime) -> int:
    """Erase bookings abandoned midway (they may hold a typed phone number)."""
    result = await db.execute(
        delete(BookingDraft)
        .where(BookingDraft.updated_at < now - DRAFT_TTL)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))
