"""The audit log: who changed what, written in the same transaction as the change itself."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from staff.accounts import Account
from storage.staff import StaffAudit


def record(
    db: AsyncSession,
    who: Account,
    action: str,
    now: datetime,
    *,
    place_id: str | None = None,
    target: str | None = None,
    **detail: Any,
) -> None:
    """Add one audit row (no personal data of citizens: ids and codes only)."""
    db.add(
        StaffAudit(
            at=now,
            account_id=who.id,
            username=who.username,
            action=action,
            place_id=place_id,
            target=target,
            detail=detail,
        )
    )


async def recent(db: AsyncSession, limit: int = 200) -> list[StaffAudit]:
    rows = await db.scalars(select(StaffAudit).order_by(StaffAudit.id.desc()).limit(limit))
    return list(rows)
