"""The bot's queries on SQLite and PostgreSQL: dedup, compare-and-set, erase, retention."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import store
from storage.base import create_engine, session_maker
from storage.conversation import Conversation, ProcessedUpdate, Screening, User

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url)
    yield session_maker(engine)
    await engine.dispose()


async def test_an_update_is_claimed_once_and_a_rolled_back_claim_is_free_again(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as db:
        assert await store.claim_update(db, 7, NOW)
        await db.rollback()  # a crash before the commit
    async with sessions() as db, db.begin():
        assert await store.claim_update(db, 7, NOW)
    async with sessions() as db, db.begin():
        assert not await store.claim_update(db, 7, NOW)


async def test_conversation_save_is_compare_and_set(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as db, db.begin():
        await store.touch_user(db, 42, NOW)
        first = await store.save_conversation(
            db, 42, expected_version=None, data="{}", finished=False, now=NOW
        )
    assert first == 1
    async with sessions() as db, db.begin():
        assert (
            await store.save_conversation(
                db, 42, expected_version=None, data="{}", finished=False, now=NOW
            )
            is None
        )
        assert (
            await store.save_conversation(
                db, 42, expected_version=1, data='{"a":1}', finished=False, now=NOW
            )
            == 2
        )
        # A writer that loaded version 1 too has lost the race.
        assert (
            await store.save_conversation(
                db, 42, expected_version=1, data='{"b":1}', finished=False, now=NOW
            )
            is None
        )
    async with sessions() as db:
        stored = await store.load_conversation(db, 42)
    assert stored == store.StoredConversation(data='{"a":1}', version=2)


async def test_touch_user_creates_once_and_clears_the_blocked_mark(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as db, db.begin():
        user = await store.touch_user(db, 5, NOW)
        assert user.created_at == NOW and user.blocked_at is None
        await store.mark_blocked(db, 5, NOW)
    async with sessions() as db:
        assert await store.is_blocked(db, 5)
    later = NOW + timedelta(hours=1)
    async with sessions() as db, db.begin():
        user = await store.touch_user(db, 5, later)
    assert user.created_at == NOW and user.last_seen_at == later and user.blocked_at is None


async def test_deleting_a_user_erases_every_row_about_them(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as db, db.begin():
        for chat_id in (1, 2):
            await store.touch_user(db, chat_id, NOW)
            await store.save_conversation(
                db, chat_id, expected_version=None, data="{}", finished=True, now=NOW
            )
            await store.save_screening(
                db, chat_id, result={"eligible": True}, household={}, now=NOW
            )
    async with sessions() as db, db.begin():
        counts = await store.count_rows_about(db, 1)
        assert counts["conversations"] == 1 and counts["screenings"] == 1
        assert await store.delete_user(db, 1)
    async with sessions() as db:
        for model in (User, Conversation, Screening):
            chats = (await db.scalars(select(model.chat_id))).all()
            assert chats == [2], model.__tablename__


async def test_purge_erases_unfinished_answers_after_the_retention_period(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    old, recent = NOW - timedelta(days=31), NOW - timedelta(days=29)
    async with sessions() as db, db.begin():
        for chat_id, moment, finished in (
            (1, old, False),  # abandoned long ago: erased, user too (no consent)
            (2, recent, False),  # abandoned recently: kept
            (3, old, True),  # finished: kept
            (4, old, False),  # abandoned, but consent on record: answers erased, user kept
        ):
            await store.touch_user(db, chat_id, moment)
            await store.save_conversation(
                db, chat_id, expected_version=None, data="{}", finished=finished, now=moment
            )
        await store.record_consent(db, 4, "v1", old)
        await store.claim_update(db, 100, NOW - timedelta(days=2))
        await store.claim_update(db, 101, NOW - timedelta(hours=1))
    async with sessions() as db, db.begin():
        report = await store.purge_stale(db, NOW, retention_days=30)
    assert report == store.PurgeReport(conversations=2, users=1, processed_updates=1)
    async with sessions() as db:
        assert sorted((await db.scalars(select(Conversation.chat_id))).all()) == [2, 3]
        assert sorted((await db.scalars(select(User.chat_id))).all()) == [2, 3, 4]
        assert await db.scalar(select(func.count()).select_from(ProcessedUpdate)) == 1
