"""Erased rows must be gone from the database files themselves, not only from query results.

The tests read the raw bytes: the SQLite file and its write-ahead log, and on PostgreSQL every
file of the test's database (tables, TOAST tables, indexes, old files a rewrite left behind).
Each first checks that the markers are in the files before the erasure, so it can fail.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import store
from bot.factory import engine_options
from bot.retention import purge_once, retention_loop
from storage.base import Base, create_engine, session_maker
from storage.booking import Appointment, BookingDraft
from storage.conversation import Conversation, Screening, User
from storage.erasure import ErasureVacuum, tables_about_users, vacuum_erased
from storage.places import PlaceRow
from tests.conftest import POSTGRES_ADMIN_URL_ENV

NOW = datetime.now(UTC)


@dataclass(frozen=True)
class Person:
    chat_id: int
    phone: str
    wages: str

    @classmethod
    def new(cls, chat_id: int) -> Person:
        digits = "".join(secrets.choice("0123456789") for _ in range(16))
        return cls(chat_id, phone=f"+7701{digits[:7]}", wages=f"98{digits[7:]}")

    @property
    def markers(self) -> list[bytes]:
        return [self.phone.encode(), self.wages.encode()]


def bot_engine(url: str) -> AsyncEngine:
    return create_engine(url, **engine_options(url))


async def write_person(sessions: async_sessionmaker[AsyncSession], person: Person) -> None:
    """A user with answers, a result, an appointment, a booking draft and a delivered reply."""
    answers = json.dumps({"phone": person.phone, "wages": person.wages})
    async with sessions() as db, db.begin():
        if await db.get(PlaceRow, "czn-1") is None:
            db.add(
                PlaceRow(
                    id="czn-1",
                    kind="employment_center",
                    region="ALA",
                    district_kk="Алмалы",
                    district_ru="Алмалинский",
                    name_kk="ХЖО",
                    name_ru="ЦЗН",
                    address_kk="Абай 1",
                    address_ru="Абая 1",
                    latitude=43.2,
                    longitude=76.9,
                    phone="+77270000000",
                    hours={},
                    slot_minutes=30,
                    capacity_per_slot=2,
                    closed_days=[],
                )
            )
            await db.flush()
        db.add(User(chat_id=person.chat_id, language="ru", created_at=NOW, last_seen_at=NOW))
        await db.flush()
        db.add_all(
            [
                Conversation(chat_id=person.chat_id, version=1, data=answers, updated_at=NOW),
                Screening(
                    chat_id=person.chat_id,
                    result={"eligible": True},
                    household={"members": 3, "wages": person.wages},
                ),
                Appointment(
                    chat_id=person.chat_id,
                    place_id="czn-1",
                    starts_at=NOW + timedelta(days=2),
                    phone=person.phone,
                    language="ru",
                ),
                BookingDraft(chat_id=person.chat_id, version=1, data=answers, updated_at=NOW),
            ]
        )
        outbox = Base.metadata.tables.get("reply_outbox")
        if outbox is not None:  # a reply quoting the answers, blanked once delivered
            await db.execute(
                outbox.insert().values(chat_id=person.chat_id, method="sendMessage", body=answers)
            )
            await db.execute(
                update(outbox).where(outbox.c.chat_id == person.chat_id).values(body="")
            )


async def erase(sessions: async_sessionmaker[AsyncSession], person: Person) -> None:
    async with sessions() as db, db.begin():
        assert await store.delete_user(db, person.chat_id)


def found(markers: list[bytes], files: dict[str, bytes]) -> dict[str, list[str]]:
    """For each marker found, the files it is in."""
    hits: dict[str, list[str]] = {}
    for marker in markers:
        where = [name for name, data in files.items() if marker in data]
        if where:
            hits[marker.decode()] = where
    return hits


# --- SQLite ---------------------------------------------------------------------------------


def sqlite_files(url: str) -> dict[str, bytes]:
    path = Path(str(make_url(url).database))
    files = {}
    for suffix in ("", "-wal", "-journal"):
        candidate = path.with_name(path.name + suffix)
        if candidate.exists():
            files[candidate.name] = candidate.read_bytes()
    return files


@pytest.mark.parametrize("options", ["bot", "plain"])
async def test_every_sqlite_connection_has_secure_delete_on(sqlite_url: str, options: str) -> None:
    engine = bot_engine(sqlite_url) if options == "bot" else create_engine(sqlite_url)
    try:
        async with engine.connect() as first, engine.connect() as second:
            for connection in (first, second):
                pragma = await connection.exec_driver_sql("PRAGMA secure_delete")
                assert pragma.scalar() == 1
    finally:
        await engine.dispose()


async def test_erased_rows_leave_no_bytes_in_the_sqlite_files(sqlite_url: str) -> None:
    engine = bot_engine(sqlite_url)
    sessions = session_maker(engine)
    kept, erased = Person.new(1001), Person.new(1002)
    try:
        await write_person(sessions, kept)
        await write_person(sessions, erased)
        assert set(found(erased.markers, sqlite_files(sqlite_url))) == {
            erased.phone,
            erased.wages,
        }
        await erase(sessions, erased)
        # secure_delete zeroed the rows, but the log still holds the pages written before.
        assert found(erased.markers, sqlite_files(sqlite_url))

        assert await vacuum_erased(engine)

        files = sqlite_files(sqlite_url)
        assert found(erased.markers, files) == {}
        assert set(found(kept.markers, files)) == {kept.phone, kept.wages}
    finally:
        await engine.dispose()


async def test_a_reader_in_the_sqlite_log_postpones_the_vacuum(sqlite_url: str) -> None:
    engine = bot_engine(sqlite_url)
    sessions = session_maker(engine)
    person = Person.new(1003)
    try:
        await write_person(sessions, person)
        async with engine.connect() as reader:
            await reader.exec_driver_sql("BEGIN")
            await reader.exec_driver_sql("SELECT count(*) FROM users")
            await erase(sessions, person)
            assert not await vacuum_erased(engine)
            await reader.exec_driver_sql("COMMIT")
        assert await vacuum_erased(engine)
        assert found(person.markers, sqlite_files(sqlite_url)) == {}
    finally:
        await engine.dispose()


# --- PostgreSQL -----------------------------------------------------------------------------


needs_postgres = pytest.mark.skipif(
    not os.environ.get(POSTGRES_ADMIN_URL_ENV), reason=f"{POSTGRES_ADMIN_URL_ENV} is not set"
)
DATABASE_DIRECTORY = pytest.StashKey[Path]()


@pytest.fixture
async def postgres(postgres_url: str, request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """A migrated PostgreSQL database whose files this process can read (else: skipped)."""
    engine = create_engine(postgres_url)
    try:
        async with engine.connect() as connection:
            data_directory = await connection.scalar(text("SHOW data_directory"))
            database_oid = await connection.scalar(
                text("SELECT oid FROM pg_database WHERE datname = current_database()")
            )
    finally:
        await engine.dispose()
    directory = Path(str(data_directory)) / "base" / str(database_oid)
    if not os.access(directory, os.R_OK | os.X_OK):
        pytest.skip("the PostgreSQL server's files are not readable from this process")
    request.node.stash[DATABASE_DIRECTORY] = directory
    yield postgres_url


async def checkpoint(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.exec_driver_sql("CHECKPOINT")


async def table_files(engine: AsyncEngine, table: str) -> list[str]:
    """The file of a table, of its TOAST table and of every index of both (data-dir relative)."""
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT pg_relation_filepath(c.oid) FROM pg_class c"
                " WHERE c.oid = CAST(:table AS regclass)"
                " OR c.oid = (SELECT reltoastrelid FROM pg_class"
                "  WHERE oid = CAST(:table AS regclass))"
                " OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid IN"
                "  (CAST(:table AS regclass), (SELECT reltoastrelid FROM pg_class"
                "   WHERE oid = CAST(:table AS regclass))))"
            ),
            {"table": table},
        )
        return [path for (path,) in rows if path]


def database_files(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in directory.iterdir() if path.is_file()}


@needs_postgres
async def test_erased_rows_leave_no_bytes_in_the_postgres_files(
    postgres: str, request: pytest.FixtureRequest
) -> None:
    directory = request.node.stash[DATABASE_DIRECTORY]
    engine = bot_engine(postgres)
    sessions = session_maker(engine)
    # The erased person is written last: the newest row of a page is the one plain VACUUM
    # leaves in the page's free space (see storage.erasure).
    kept, erased = Person.new(2001), Person.new(2002)
    try:
        await write_person(sessions, kept)
        await write_person(sessions, erased)
        await checkpoint(engine)
        before = {
            table: {
                path: (directory.parent.parent / path).read_bytes()
                for path in await table_files(engine, table)
            }
            for table in ("conversations", "screenings", "appointments", "booking_drafts")
        }
        assert found([erased.phone.encode()], before["appointments"])
        assert found([erased.phone.encode()], before["booking_drafts"])
        assert set(found(erased.markers, before["conversations"])) == {erased.phone, erased.wages}
        assert found([erased.wages.encode()], before["screenings"])

        await erase(sessions, erased)
        await checkpoint(engine)
        assert found(erased.markers, database_files(directory)), "erased, but still in files"

        assert await vacuum_erased(engine)
        await checkpoint(engine)

        files = database_files(directory)
        assert found(erased.markers, files) == {}
        assert set(found(kept.markers, files)) == {kept.phone, kept.wages}
    finally:
        await engine.dispose()


@needs_postgres
async def test_an_older_transaction_of_this_database_postpones_the_vacuum(postgres: str) -> None:
    engine = bot_engine(postgres)
    sessions = session_maker(engine)
    person = Person.new(2003)
    try:
        await write_person(sessions, person)
        async with engine.connect() as old:
            await old.execute(text("BEGIN ISOLATION LEVEL REPEATABLE READ"))
            await old.execute(text("SELECT count(*) FROM users"))  # holds its snapshot
            await erase(sessions, person)
            assert not await vacuum_erased(engine, horizon_wait=0.3)
            await old.execute(text("COMMIT"))
        assert await vacuum_erased(engine, horizon_wait=0.3)
    finally:
        await engine.dispose()


@needs_postgres
async def test_a_write_transaction_in_another_database_postpones_the_vacuum(
    postgres: str, postgres_admin_url: str, request: pytest.FixtureRequest
) -> None:
    """Measured: an open transaction id anywhere on the server made VACUUM FULL keep the rows."""
    directory = request.node.stash[DATABASE_DIRECTORY]
    engine = bot_engine(postgres)
    admin = create_engine(postgres_admin_url)
    sessions = session_maker(engine)
    person = Person.new(2004)
    try:
        await write_person(sessions, person)
        async with admin.connect() as elsewhere:
            await elsewhere.execute(text("SELECT pg_current_xact_id()"))  # an xid, left open
            await erase(sessions, person)
            assert not await vacuum_erased(engine, horizon_wait=0.3)
            await elsewhere.rollback()
        assert await vacuum_erased(engine, horizon_wait=0.3)
        await checkpoint(engine)
        assert found(person.markers, database_files(directory)) == {}
    finally:
        await admin.dispose()
        await engine.dispose()


@needs_postgres
async def test_a_locked_table_postpones_the_vacuum(
    postgres: str, caplog: pytest.LogCaptureFixture
) -> None:
    engine = bot_engine(postgres)
    try:
        async with engine.connect() as other:
            await other.execute(text("LOCK TABLE screenings IN ACCESS SHARE MODE"))
            with caplog.at_level(logging.INFO, logger="storage.erasure"):
                assert not await vacuum_erased(engine, horizon_wait=0.3)
            assert "screenings is busy" in caplog.text
            await other.commit()
        assert await vacuum_erased(engine, horizon_wait=0.3)
    finally:
        await engine.dispose()


# --- the scheduler and the retention loop ---------------------------------------------------


def test_the_tables_vacuumed_are_every_table_about_users() -> None:
    assert set(tables_about_users()) >= {
        "users",
        "conversations",
        "screenings",
        "appointments",
        "reminders",
        "booking_drafts",
    }
    assert not set(tables_about_users()) & {"places", "slot_counters", "processed_updates"}
    assert set(store.tables_about_users()) <= set(tables_about_users())


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_the_vacuum_runs_in_batches_only_after_erasures(sqlite_url: str) -> None:
    clock = Clock()
    vacuum = ErasureVacuum(min_interval=600, clock=clock)
    engine = bot_engine(sqlite_url)
    try:
        assert not vacuum.is_due() and not await vacuum.run_if_due(engine)
        vacuum.note_erasure()
        assert await vacuum.run_if_due(engine) and not vacuum.pending
        clock.now += 60
        vacuum.note_erasure()
        vacuum.note_erasure()
        assert not await vacuum.run_if_due(engine) and vacuum.pending  # too soon: batched
        clock.now += 540
        assert await vacuum.run_if_due(engine) and not vacuum.pending
    finally:
        await engine.dispose()


async def test_the_retention_purge_notes_an_erasure(sqlite_url: str) -> None:
    engine = bot_engine(sqlite_url)
    sessions = session_maker(engine)
    vacuum = ErasureVacuum()
    try:
        await purge_once(sessions, retention_days=30, vacuum=vacuum)
        assert not vacuum.pending  # nothing erased
        async with sessions() as db, db.begin():
            old = NOW - timedelta(days=40)
            db.add(User(chat_id=3001, created_at=old, last_seen_at=old))
            await db.flush()
            db.add(Conversation(chat_id=3001, version=1, data="{}", updated_at=old))
        report = await purge_once(sessions, retention_days=30, vacuum=vacuum)
        assert report.conversations == 1 and report.users == 1
        assert vacuum.pending
    finally:
        await engine.dispose()


async def test_the_retention_loop_runs_the_vacuum_when_due(sqlite_url: str) -> None:
    engine = bot_engine(sqlite_url)
    sessions = session_maker(engine)
    person = Person.new(3002)
    vacuum = ErasureVacuum(min_interval=0)
    loop = asyncio.create_task(
        retention_loop(sessions, retention_days=30, interval=3600, vacuum=vacuum, vacuum_check=0.01)
    )
    try:
        await write_person(sessions, person)
        await erase(sessions, person)
        vacuum.note_erasure()
        for _ in range(500):
            if not vacuum.pending:
                break
            await asyncio.sleep(0.01)
        assert not vacuum.pending
        assert found(person.markers, sqlite_files(sqlite_url)) == {}
    finally:
        loop.cancel()
        await asyncio.gather(loop, return_exceptions=True)
        await engine.dispose()


async def test_an_erasure_noted_during_a_run_waits_for_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vacuum = ErasureVacuum(min_interval=0)

    async def erasing_meanwhile(engine: AsyncEngine) -> bool:
        vacuum.note_erasure()
        return True

    monkeypatch.setattr("storage.erasure.vacuum_erased", erasing_meanwhile)
    vacuum.note_erasure()
    assert await vacuum.run_if_due(create_engine("sqlite+aiosqlite://"))
    assert vacuum.pending
