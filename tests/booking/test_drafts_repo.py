"""The booking draft's compare-and-set: a save compares against the version the turn loaded.

Two turns of one chat (two workers) that both loaded version v: the first save wins, the
second raises DraftConflict (the turn runs again), never overwriting the first one's draft.
On both engines; on PostgreSQL also with the two transactions open at the same time.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from booking.drafts_repo import DRAFT_TTL, DraftConflict, DraftRepository
from dialogs.booking.draft import Draft
from storage.booking import BookingDraft
from tests.booking.conftest import NOW, add_users

CHAT = 4242


async def load(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime = NOW
) -> tuple[Draft | None, int | None]:
    async with sessionmaker() as db:
        return await DraftRepository(db, Draft).load(CHAT, now)


async def save(
    sessionmaker: async_sessionmaker[AsyncSession], draft: Draft, expected: int | None
) -> int:
    async with sessionmaker() as db, db.begin():
        return await DraftRepository(db, Draft).save(
            CHAT, draft, expected_version=expected, now=NOW
        )


async def test_the_second_of_two_turns_that_loaded_the_same_version_fails(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_users(engine, [CHAT])
    assert await save(sessionmaker, Draft(step="region"), None) == 1
    first, version = await load(sessionmaker)
    second, same = await load(sessionmaker)
    assert first is not None and second is not None and version == same == 1

    assert await save(sessionmaker, Draft(step="day", place_id="A"), version) == 2
    with pytest.raises(DraftConflict):
        await save(sessionmaker, Draft(step="day", place_id="B"), same)

    stored, now_at = await load(sessionmaker)
    assert stored is not None and stored.place_id == "A" and now_at == 2


async def test_two_first_saves_of_one_chat_conflict_too(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_users(engine, [CHAT])
    assert await load(sessionmaker) == (None, None)
    assert await save(sessionmaker, Draft(region="KZ-71"), None) == 1
    with pytest.raises(DraftConflict):
        await save(sessionmaker, Draft(region="KZ-75"), None)
    stored, _ = await load(sessionmaker)
    assert stored is not None and stored.region == "KZ-71"


async def test_dropping_compares_the_version_as_well(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_users(engine, [CHAT])
    await save(sessionmaker, Draft(), None)
    await save(sessionmaker, Draft(step="place"), 1)
    async with sessionmaker() as db, db.begin():
        with pytest.raises(DraftConflict):
            await DraftRepository(db, Draft).drop(CHAT, expected_version=1)
    async with sessionmaker() as db, db.begin():
        await DraftRepository(db, Draft).drop(CHAT, expected_version=2)
    assert await load(sessionmaker) == (None, None)


async def test_an_abandoned_draft_is_not_returned_but_its_version_is_compared(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_users(engine, [CHAT])
    await save(sessionmaker, Draft(phone="+77011234567"), None)
    later = NOW + DRAFT_TTL + timedelta(minutes=1)
    assert await load(sessionmaker, later) == (None, 1)  # the intake has the chat again
    assert await save(sessionmaker, Draft(region="KZ-71"), 1) == 2  # /book starts over it


async def test_concurrent_transactions_on_postgresql_never_overwrite(
    postgres_url: str,
) -> None:
    """Both turns load v inside open transactions; the second UPDATE waits for the first
    commit, then finds the version moved on: a conflict, not a lost update."""
    from storage.base import create_engine, session_maker

    engine = create_engine(postgres_url)
    try:
        await add_users(engine, [CHAT])
        sessionmaker = session_maker(engine)
        await save(sessionmaker, Draft(), None)
        async with sessionmaker() as a, sessionmaker() as b:
            await a.begin()
            await b.begin()
            repo_a, repo_b = DraftRepository(a, Draft), DraftRepository(b, Draft)
            (_, va), (_, vb) = await repo_a.load(CHAT, NOW), await repo_b.load(CHAT, NOW)
            assert va == vb == 1
            await repo_a.save(CHAT, Draft(place_id="A"), expected_version=va, now=NOW)
            second = asyncio.create_task(
                repo_b.save(CHAT, Draft(place_id="B"), expected_version=vb, now=NOW)
            )
            await asyncio.sleep(0.2)
            assert not second.done()  # waits on a's row lock
            await a.commit()
            with pytest.raises(DraftConflict):
                await second
            await b.rollback()
        async with sessionmaker() as db:
            rows = (await db.execute(select(BookingDraft.data, BookingDraft.version))).all()
        assert [(Draft.model_validate_json(d).place_id, v) for d, v in rows] == [("A", 2)]
    finally:
        await engine.dispose()
