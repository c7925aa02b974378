"""Atomic booking on SQLite and PostgreSQL: capacity, one appointment per user, reminders."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from booking.appointments import (
    AlreadyBooked,
    BookingRefused,
    NoSuchAppointment,
    NotBookable,
    SlotFull,
    book_slot,
    cancel_appointment,
    confirm_attendance,
    upcoming_appointment,
)
from booking.drafts_repo import forget_stale_drafts
from booking.places import Place
from booking.slots import local_moment
from storage.booking import Appointment, BookingDraft, Reminder, SlotCounter
from storage.conversation import User
from tests.booking.conftest import NOW, add_places, add_users, make_place

SLOT = local_moment(date(2026, 12, 3), time(10, 0))
OTHER_SLOT = local_moment(date(2026, 12, 4), time(15, 0))


async def attempt(
    sessionmaker: async_sessionmaker[AsyncSession],
    chat_id: int,
    place: Place,
    starts: datetime = SLOT,
) -> str:
    try:
        async with sessionmaker() as db, db.begin():
            await book_slot(
                db,
                chat_id=chat_id,
                place=place,
                starts_at=starts,
                phone=None,
                language="ru",
                now=NOW,
            )
    except BookingRefused as refusal:
        return type(refusal).__name__
    return "booked"


async def booked_in(engine: AsyncEngine, starts: datetime = SLOT) -> int:
    async with engine.connect() as conn:
        return int(
            await conn.scalar(
                select(func.count())
                .select_from(Appointment)
                .where(Appointment.starts_at == starts, Appointment.status == "booked")
            )
            or 0
        )


@pytest.mark.parametrize("capacity", [1, 3])
async def test_200_concurrent_attempts_never_exceed_capacity(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], capacity: int
) -> None:
    place = make_place(capacity=capacity)
    await add_places(engine, place)
    await add_users(engine, range(1, 201))
    outcomes = await asyncio.gather(*(attempt(sessionmaker, c, place) for c in range(1, 201)))
    assert outcomes.count("booked") == capacity
    assert outcomes.count("SlotFull") == 200 - capacity
    assert await booked_in(engine) == capacity
    async with sessionmaker() as db:
        counter = await db.get(SlotCounter, (place.id, SLOT))
        assert counter is not None and counter.booked == capacity
        reminders = await db.scalar(select(func.count()).select_from(Reminder))
        assert reminders == 2 * capacity  # the losers' reminders were rolled back with them


async def test_one_user_racing_for_many_slots_gets_one_appointment(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    place = make_place(capacity=5)
    await add_places(engine, place)
    await add_users(engine, [7])
    starts = [SLOT + timedelta(minutes=20 * i) for i in range(6)]
    outcomes = await asyncio.gather(*(attempt(sessionmaker, 7, place, s) for s in starts * 5))
    assert outcomes.count("booked") == 1
    assert set(outcomes) == {"booked", "AlreadyBooked"}
    async with sessionmaker() as db:
        taken = await db.scalar(select(func.sum(SlotCounter.booked)))
        assert taken == 1


async def test_booking_queues_reminders_24h_and_2h_before(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    place = make_place()
    await add_places(engine, place)
    await add_users(engine, [1])
    assert await attempt(sessionmaker, 1, place) == "booked"
    async with sessionmaker() as db:
        rows = (await db.scalars(select(Reminder).order_by(Reminder.due_at))).all()
    assert [r.due_at for r in rows] == [SLOT - timedelta(hours=24), SLOT - timedelta(hours=2)]
    assert {r.status for r in rows} == {"pending"}


async def test_a_reminder_already_due_at_booking_time_is_not_queued(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    place = make_place()
    await add_places(engine, place)
    await add_users(engine, [1])
    soon = local_moment(date(2026, 12, 1), time(15, 0))  # today, 6 hours ahead
    assert await attempt(sessionmaker, 1, place, soon) == "booked"
    async with sessionmaker() as db:
        rows = (await db.scalars(select(Reminder))).all()
    assert [r.due_at for r in rows] == [soon - timedelta(hours=2)]


async def test_refusals(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    place = make_place()
    await add_places(engine, place)
    await add_users(engine, [1, 2])
    holiday = local_moment(date(2026, 12, 16), time(10, 0))
    assert await attempt(sessionmaker, 1, place, holiday) == "NotBookable"
    assert await attempt(sessionmaker, 1, place, NOW + timedelta(minutes=20)) == "NotBookable"
    assert await attempt(sessionmaker, 1, place) == "booked"
    assert await attempt(sessionmaker, 2, place) == "SlotFull"
    assert await attempt(sessionmaker, 1, place, OTHER_SLOT) == "AlreadyBooked"
    inactive = make_place(active=False)
    assert await attempt(sessionmaker, 2, inactive, OTHER_SLOT) == "NotBookable"
    assert {NotBookable, SlotFull, AlreadyBooked} <= set(BookingRefused.__subclasses__())


async def test_reschedule_moves_the_seat_and_leaves_no_stale_reminder(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    place = make_place()
    await add_places(engine, place)
    await add_users(engine, [1, 2])
    async with sessionmaker() as db, db.begin():
        first = await book_slot(
            db, chat_id=1, place=place, starts_at=SLOT, phone="+77011234567", language="ru", now=NOW
        )
    async with sessionmaker() as db, db.begin():
        moved = await book_slot(
            db,
            chat_id=1,
            place=place,
            starts_at=OTHER_SLOT,
            phone="+77011234567",
            language="ru",
            now=NOW,
            replacing=first.id,
        )
    async with sessionmaker() as db:
        reminders = (await db.scalars(select(Reminder).order_by(Reminder.due_at))).all()
        assert [(r.appointment_id, r.due_at) for r in reminders] == [
            (moved.id, OTHER_SLOT - timedelta(hours=24)),
            (moved.id, OTHER_SLOT - timedelta(hours=2)),
        ]
        old = await db.get(Appointment, first.id)
        assert old is not None and old.status == "rescheduled"
        assert (await db.get(SlotCounter, (place.id, SLOT))).booked == 0  # type: ignore[union-attr]
        assert (await db.get(SlotCounter, (place.id, OTHER_SLOT))).booked == 1  # type: ignore[union-attr]
    # The old slot is free again for someone else.
    assert await attempt(sessionmaker, 2, place) == "booked"


async def test_a_failed_reschedule_keeps_the_old_appointment(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    place = make_place()
    await add_places(engine, place)
    await add_users(engine, [1, 2])
    assert await attempt(sessionmaker, 1, place) == "booked"
    assert await attempt(sessionmaker, 2, place, OTHER_SLOT) == "booked"
    async with sessionmaker() as db:
        mine = await upcoming_appointment(db, 1, NOW)
    assert mine is not None
    with pytest.raises(SlotFull):
        async with sessionmaker() as db, db.begin():
            await book_slot(
                db,
                chat_id=1,
                place=place,
                starts_at=OTHER_SLOT,
                phone=None,
                language="ru",
                now=NOW,
                replacing=mine.id,
            )
    async with sessionmaker() as db:
        still = await upcoming_appointment(db, 1, NOW)
        assert still is not None and still.starts_at == SLOT
        assert await db.scalar(select(func.count()).select_from(Reminder)) == 4


async def test_cancel_frees_the_seat_and_removes_pending_reminders(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    place = make_place()
    await add_places(engine, place)
    await add_users(engine, [1, 2])
    assert await attempt(sessionmaker, 1, place) == "booked"
    async with sessionmaker() as db, db.begin():
        mine = await upcoming_appointment(db, 1, NOW)
        assert mine is not None
        assert await confirm_attendance(db, 1, mine.id, NOW)
        await cancel_appointment(db, 1, mine.id, NOW)
    async with sessionmaker() as db:
        assert await db.scalar(select(func.count()).select_from(Reminder)) == 0
        assert await upcoming_appointment(db, 1, NOW) is None
    with pytest.raises(NoSuchAppointment):
        async with sessionmaker() as db, db.begin():
            await cancel_appointment(db, 1, mine.id, NOW)
    assert await attempt(sessionmaker, 2, place) == "booked"
    assert await attempt(sessionmaker, 1, place, OTHER_SLOT) == "booked"


async def test_a_past_appointment_does_not_block_a_new_one(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    place = make_place()
    await add_places(engine, place)
    await add_users(engine, [1])
    assert await attempt(sessionmaker, 1, place) == "booked"
    later = SLOT + timedelta(days=1)
    async with sessionmaker() as db, db.begin():
        await book_slot(
            db,
            chat_id=1,
            place=place,
            starts_at=OTHER_SLOT + timedelta(days=5),
            phone=None,
            language="kk",
            now=later,
        )
    async with sessionmaker() as db:
        statuses = sorted((await db.scalars(select(Appointment.status))).all())
    assert statuses == ["booked", "past"]


async def test_deleting_the_user_erases_appointments_and_reminders(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    place = make_place()
    await add_places(engine, place)
    await add_users(engine, [1])
    async with sessionmaker() as db, db.begin():
        await book_slot(
            db,
            chat_id=1,
            place=place,
            starts_at=SLOT,
            phone="+77011234567",
            language="ru",
            now=NOW,
        )
    async with sessionmaker() as db, db.begin():
        await db.delete(await db.get(User, 1))
    async with sessionmaker() as db:
        assert await db.scalar(select(func.count()).select_from(Appointment)) == 0
        assert await db.scalar(select(func.count()).select_from(Reminder)) == 0
        counter = await db.get(SlotCounter, (place.id, SLOT))
        assert counter is not None and counter.booked == 0  # the seat came back (trigger)
    await add_users(engine, [2])
    assert await attempt(sessionmaker, 2, place) == "booked"


async def test_abandoned_booking_drafts_are_erased(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_users(engine, [1, 2])
    async with sessionmaker() as db, db.begin():
        db.add(BookingDraft(chat_id=1, version=3, data='{"phone": "+77011234567"}', updated_at=NOW))
        db.add(BookingDraft(chat_id=2, version=1, data="{}", updated_at=NOW + timedelta(hours=5)))
    async with sessionmaker() as db, db.begin():
        assert await forget_stale_drafts(db, NOW + timedelta(hours=7)) == 1
    async with sessionmaker() as db:
        assert (await db.scalars(select(BookingDraft.chat_id))).all() == [2]
