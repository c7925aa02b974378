"""The staff side without a browser, on SQLite and PostgreSQL: cancelling, moving and closing
by staff (seats, reminders, the citizen's notice in their language in the reply outbox),
outcomes, the summary shown only with consent and erased with /delete_my_data, the CSV, the
command line, and one migration head."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import orjson
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from booking.appointments import book_slot
from booking.staff_actions import (
    cancel_by_staff,
    close_day,
    move_by_staff,
    record_outcome,
    record_share_consent,
)
from bot import store
from common.kz import local_day
from staff import notices
from staff.day import day_csv, day_rows
from storage.base import create_engine, session_maker
from storage.booking import Appointment, Reminder, SlotCounter
from storage.conversation import Screening
from storage.replies import OutgoingReply
from tests.booking.conftest import NOW, add_places, add_users, make_place

PLACE = make_place(capacity=2)
# Wednesday 2 December 2026, 10:00 and 11:00 in Almaty.
TEN, ELEVEN = NOW + timedelta(days=1, hours=1), NOW + timedelta(days=1, hours=2)
RESULT = {
    "verdict": "eligible",
    "eligible": True,
    "assistance": "conditional",
    "members_counted": 4,
    "per_capita_income": 25000.0,
}


async def _book(db: AsyncSession, chat_id: int, start: object = TEN) -> Appointment:
    async with db.begin():
        return await book_slot(
            db,
            chat_id=chat_id,
            place=PLACE,
            starts_at=start,  # type: ignore[arg-type]
            phone="+77011234567",
            language="ru",
            now=NOW,
        )


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_maker(engine)


@pytest.fixture
async def booked(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> tuple[int, int]:
    await add_places(engine, PLACE)
    await add_users(engine, [1], language="kk")
    await add_users(engine, [2], language="ru")
    async with sessionmaker() as db:
        first = await _book(db, 1)
        second = await _book(db, 2)
    return first.id, second.id


async def test_a_cancellation_by_staff_frees_the_seat_and_tells_the_citizen_in_kazakh(
    booked: tuple[int, int], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as db, db.begin():
        notice = await cancel_by_staff(db, booked[0], NOW)
        assert notice is not None and notice.language == "kk" and notice.kind == "cancelled"
        await notices.queue(db, [notice], {PLACE.id: PLACE}, NOW)
        assert await cancel_by_staff(db, booked[0], NOW) is None  # not twice
    async with sessionmaker() as db:
        row = await db.get(Appointment, booked[0])
        assert row is not None and row.status == "cancelled_by_staff"
        seats = await db.scalar(select(SlotCounter.booked).where(SlotCounter.starts_at == TEN))
        assert seats == 1
        pending = set(await db.scalars(select(Reminder.appointment_id)))
        assert booked[0] not in pending and booked[1] in pending
        reply = (await db.scalars(select(OutgoingReply))).one()
        body = orjson.loads(reply.body)
        assert reply.chat_id == 1 and reply.claimed_until is None and reply.sent_at is None
        assert "болдырмады" in body["text"] and "/book" in body["text"]
        assert PLACE.name_kk in body["text"] and "+77172551001" in body["text"]


async def test_a_move_by_staff_moves_reminders_and_keeps_the_consent(
    booked: tuple[int, int], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as db, db.begin():
        assert await record_share_consent(db, 2, booked[1], True, NOW)
        assert not await record_share_consent(db, 1, booked[1], True, NOW)  # not theirs
        notice = await move_by_staff(db, booked[1], PLACE, ELEVEN, NOW)
        assert notice is not None and notice.new_starts_at == ELEVEN and notice.language == "ru"
        text = notices.wording(notice, PLACE).render("ru")
        assert "перенёс" in text and "11:00" in text and "10:00" in text
    async with sessionmaker() as db:
        rows = (
            await db.scalars(
                select(Appointment).where(Appointment.chat_id == 2).order_by(Appointment.id)
            )
        ).all()
        assert [r.status for r in rows] == ["rescheduled", "booked"]
        assert rows[1].starts_at == ELEVEN and rows[1].share_summary is True
        due = set(
            await db.scalars(select(Reminder.due_at).where(Reminder.appointment_id == rows[1].id))
        )
        assert due == {ELEVEN - timedelta(hours=24), ELEVEN - timedelta(hours=2)}


async def test_closing_a_day_cancels_its_visits_and_outcomes_wait_for_the_day(
    booked: tuple[int, int], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as db, db.begin():
        assert not await record_outcome(db, booked[0], "no_show", NOW)  # still ahead
        told = await close_day(db, PLACE.id, local_day(TEN), NOW)
        assert told is not None and {n.chat_id for n in told} == {1, 2}
        assert all(n.kind == "closed" for n in told)
    async with sessionmaker() as db:
        statuses = set(await db.scalars(select(Appointment.status)))
        assert statuses == {"cancelled_by_staff"}
        assert await db.scalar(select(func.sum(SlotCounter.booked))) == 0


async def test_the_summary_is_shown_with_consent_only_and_goes_with_the_citizen(
    booked: tuple[int, int], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as db, db.begin():
        for chat_id in (1, 2):
            db.add(
                Screening(
                    chat_id=chat_id,
                    created_at=NOW,
                    result=RESULT,
                    household={"income_kinds": ["wages", "alimony"]},
                )
            )
        await record_share_consent(db, 1, booked[0], True, NOW)
        await record_share_consent(db, 2, booked[1], False, NOW)
    async with sessionmaker() as db:
        rows = await day_rows(db, PLACE.id, local_day(TEN))
    shared, private = rows
    assert shared.summary is not None and shared.summary.members == 4
    assert len(shared.summary.documents) == 2  # the identity card and the alimony proof
    assert private.summary is None and private.share_summary is False
    csv = day_csv(rows, "ru")
    assert csv.startswith(b"\xef\xbb\xbf")
    lines = csv.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Время;Телефон") and "8 (701) 123 4567" in lines[1]
    assert "25000.00" in lines[1] and "25000" not in lines[2]
    async with sessionmaker() as db, db.begin():
        assert await store.delete_user(db, 1)  # /delete_my_data
    async with sessionmaker() as db:
        left = await day_rows(db, PLACE.id, local_day(TEN))
    assert [r.id for r in left] == [booked[1]]  # nothing of citizen 1 is left to see


def test_the_command_line_adds_lists_and_disables_accounts(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}", "PATH": "/usr/bin"}

    def run(*args: str, password: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "staff", *args],
            input=password,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    added = run("users", "add", "boss", "--role", "admin", password="a long password\n")
    assert added.returncode == 0, added.stderr
    short = run("users", "add", "x1", "--role", "admin", password="short\n")
    assert short.returncode == 2 and "at least 10" in short.stderr
    nowhere = run("users", "add", "anna", "--role", "staff", password="a long password\n")
    assert nowhere.returncode == 2 and "--place" in nowhere.stderr
    assert run("users", "disable", "boss").returncode == 0
    assert run("users", "disable", "nobody").returncode == 2
    listing = run("users", "list")
    assert listing.stdout.splitlines() == ["boss\tadmin\t*\tdisabled"]


def test_the_migrations_have_one_head() -> None:
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, heads
    _ = io
