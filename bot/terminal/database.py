"""The terminal's database: the bot's own (DATABASE_URL, SQLite by default), opened on first use.

The terminal is one local user, `CHAT_ID`: its appointments, consent record and erasure are rows
of that user exactly as the bot keeps them for a Telegram chat (bot/store.py), so booking,
/my_appointment and /delete_my_data behave the same. Telegram's ids are positive; 0 is never a
Telegram chat, so the terminal's rows never mix with a real user's.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from booking.places import load_sample_if_empty
from bot import store
from storage.base import create_engine, session_maker
from storage.erasure import vacuum_erased
from storage.migrate import upgrade_to_head_async

log = logging.getLogger(__name__)

CHAT_ID: Final = 0
"""The terminal's user (never a Telegram chat id: those are nonzero)."""


@dataclass(frozen=True, slots=True)
class Erased:
    """What /delete_my_data erased from the database (the answers are the terminal's own)."""

    results: int
    appointments: int


class TerminalDatabase:
    """Opened on first use: migrated (unless the entry point did it), the SAMPLE directory
    loaded into an empty database in a demonstration."""

    def __init__(self, url: str, *, demo: bool, migrated: bool = False) -> None:
        self.url = url
        self.demo = demo
        self.migrated = migrated
        self._engine: AsyncEngine | None = None

    async def engine(self) -> AsyncEngine:
        if self._engine is None:
            if not self.migrated:
                await upgrade_to_head_async(self.url)
                self.migrated = True
            engine = create_engine(self.url)
            if self.demo:
                loaded = await load_sample_if_empty(engine)
                if loaded:
                    log.info("demo: loaded %d SAMPLE places into the empty database", loaded)
            self._engine = engine
        return self._engine

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One turn's transaction (committed when the block ends without an exception)."""
        async with session_maker(await self.engine())() as db, db.begin():
            yield db

    async def close(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    async def erase_user(self) -> Erased:
        """/delete_my_data: the user row and every row about them (as bot.routers.privacy),
        then the erased bytes overwritten in the files (storage.erasure)."""
        async with self.transaction() as db:
            counts = await store.count_rows_about(db, CHAT_ID)
            await store.delete_user(db, CHAT_ID)
        await vacuum_erased(await self.engine())
        return Erased(
            results=counts.get("screenings", 0), appointments=counts.get("appointments", 0)
        )


async def known_user(
    db: AsyncSession, *, language: str | None, consent_version: str | None, now: datetime
) -> None:
    """The terminal's user row exists (appointments hang off it), with its language and, once
    given in the conversation, its consent on record (as the bot records a chat's)."""
    user = await store.touch_user(db, CHAT_ID, now)
    if language is not None and user.language != language:
        await store.set_language(db, CHAT_ID, language)
    if consent_version is not None and user.consent_at is None:
        await store.record_consent(db, CHAT_ID, consent_version, now)
