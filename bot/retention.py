"""Erase answers of users who never finished, periodically (RETENTION_DAYS, default 30)."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store import PurgeReport, purge_stale
from storage.base import utc_now

log = logging.getLogger(__name__)


async def purge_once(
    sessionmaker: async_sessionmaker[AsyncSession], retention_days: int
) -> PurgeReport:
    async with sessionmaker() as db, db.begin():
        report = await purge_stale(db, utc_now(), retention_days)
    log.info(
        "retention: erased %d stale conversations, %d users, %d update ids",
        report.conversations,
        report.users,
        report.processed_updates,
    )
    return report


async def retention_loop(
    sessionmaker: async_sessionmaker[AsyncSession], *, retention_days: int, interval: float
) -> None:
    """Runs until cancelled; a failed purge is logged and tried again at the next interval."""
    while True:
        try:
            await purge_once(sessionmaker, retention_days)
        except Exception as error:
            log.error("retention purge failed: %s", type(error).__name__)
        await asyncio.sleep(interval)
