"""Erase answers of users who never finished, periodically (RETENTION_DAYS, default 30).

The same loop makes erased rows unreadable in the database files (storage.erasure): every
`VACUUM_CHECK_SECONDS` it asks `erasure_vacuum` to run if an erasure was noted. Whoever erases
rows about a user calls `erasure_vacuum.note_erasure()` once the deletion is committed (the
purge below does, and so does `/delete_my_data`).
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.store import PurgeReport, purge_stale
from storage.base import utc_now
from storage.erasure import ErasureVacuum

log = logging.getLogger(__name__)

VACUUM_CHECK_SECONDS = 60.0
"""How often the loop asks whether an erasure vacuum is due (cheap when none is)."""

erasure_vacuum = ErasureVacuum()
"""The process's erasure batcher: call `erasure_vacuum.note_erasure()` after an erasure."""


async def purge_once(
    sessionmaker: async_sessionmaker[AsyncSession],
    retention_days: int,
    *,
    vacuum: ErasureVacuum | None = None,
) -> PurgeReport:
    async with sessionmaker() as db, db.begin():
        report = await purge_stale(db, utc_now(), retention_days)
    log.info(
        "retention: erased %d stale conversations, %d users, %d update ids",
        report.conversations,
        report.users,
        report.processed_updates,
    )
    if report.conversations or report.users:
        (erasure_vacuum if vacuum is None else vacuum).note_erasure()
    return report


async def retention_loop(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    retention_days: int,
    interval: float,
    vacuum: ErasureVacuum | None = None,
    vacuum_check: float = VACUUM_CHECK_SECONDS,
) -> None:
    """Runs until cancelled; a failed purge or vacuum is logged and tried again later.

    The purge runs every `interval` seconds; the erasure vacuum is checked every
    `vacuum_check` seconds (it only works when an erasure was noted).
    """
    vacuum = erasure_vacuum if vacuum is None else vacuum
    bind = sessionmaker.kw.get("bind")
    engine = bind if isinstance(bind, AsyncEngine) else None
    loop = asyncio.get_running_loop()
    next_purge = loop.time()
    while True:
        if loop.time() >= next_purge:
            try:
                await purge_once(sessionmaker, retention_days, vacuum=vacuum)
            except Exception as error:
                log.error("retention purge failed: %s", type(error).__name__)
            next_purge = loop.time() + interval
        if engine is not None:
            try:
                await vacuum.run_if_due(engine)
            except Exception as error:
                log.error("erasure vacuum failed: %s", type(error).__name__)
        await asyncio.sleep(max(0.0, min(vacuum_check, next_purge - loop.time())))
