"""Atomic booking, cancelling and rescheduling, correct under any concurrency on both engines.

Every function works inside the caller's transaction and raises on refusal, so the usual

    async with sessionmaker() as db, db.begin():
        appointment = await book_slot(db, ...)

commits a booking together with its reminders, or rolls everything back. The database decides:
a seat is taken by one upsert of the slot's counter guarded by `booked < capacity` (PostgreSQL
locks the counter row, so concurrent bookings of one slot take turns and re-check the guard;
SQLite runs one writer at a time); "one upcoming appointment per user" is a partial unique index.
Counter rows are touched last and in key order, so their locks are held for the shortest time
and two reschedules crossing each other cannot deadlock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from booking.places import Place
from booking.slots import DEFAULT_HORIZON_DAYS, DEFAULT_LEAD_TIME, is_bookable
from storage.base import Base, dialect_insert
from storage.booking import Appointment, Reminder, SlotCounter

DEFAULT_REMINDER_OFFSETS = (timedelta(hours=24), timedelta(hours=2))
ONE_BOOKED_PER_CHAT = "uq_appointments_one_booked_per_chat"


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


APPOINTMENTS = _table(Appointment)
REMINDERS = _table(Reminder)
SLOT_COUNTERS = _table(SlotCounter)


class BookingRefused(Exception):
    """The booking did not happen; the transaction must be rolled back (begin() does it)."""


class NotBookable(BookingRefused):
    """Not one of the place's slots in the window offered now (past, too soon, closed day)."""


class SlotFull(BookingRefused):
    """Every seat of the slot is taken."""


class AlreadyBooked(BookingRefused):
    """The user already holds an upcoming appointment."""


class NoSuchAppointment(BookingRefused):
    """Nothing to reschedule or cancel: it was cancelled, rescheduled or is over."""


async def book_slot(
    db: AsyncSession,
    *,
    chat_id: int,
    place: Place,
    starts_at: datetime,
    phone: str | None,
    language: str,
    now: datetime,
    lead_time: timedelta = DEFAULT_LEAD_TIME,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    reminder_offsets: Sequence[timedelta] = DEFAULT_REMINDER_OFFSETS,
    replacing: int | None = None,
    share_summary: bool | None = None,
) -> Appointment:
    """Book a seat and queue its reminders; with `replacing`, move that appointment here.
    `share_summary`: the citizen's answer (with its time) whether the center may see the
    pre-screening summary with it; None when not asked."""
    if not place.active or not is_bookable(
        place, starts_at, now, lead_time=lead_time, horizon_days=horizon_days
    ):
        raise NotBookable(starts_at.isoformat())
    await _retire_past(db, chat_id, now)
    released: tuple[str, datetime] | None = None
    if replacing is not None:
        released = await _end(db, chat_id, replacing, "rescheduled", now)
    values = {
        "chat_id": chat_id,
        "place_id": place.id,
        "starts_at": starts_at,
        "status": "booked",
        "phone": phone,
        "language": language,
        "created_at": now,
        "updated_at": now,
        "share_summary": share_summary,
        "share_summary_at": None if share_summary is None else now,
    }
    # Core statements on the session's connection: the same transaction, without ORM overhead
    # (booking throughput is bounded by Python time per transaction, not by the database).
    conn = await db.connection()
    try:
        appointment_id = (
            await conn.execute(insert(APPOINTMENTS).values(values).returning(Appointment.id))
        ).scalar_one()
    except IntegrityError as error:
        if ONE_BOOKED_PER_CHAT in str(error.orig) or "appointments.chat_id" in str(error.orig):
            raise AlreadyBooked(str(chat_id)) from None
        raise
    reminders = [
        {
            "appointment_id": appointment_id,
            "chat_id": chat_id,
            "offset_minutes": int(offset.total_seconds() // 60),
            "due_at": starts_at - offset,
            "next_attempt_at": starts_at - offset,
            "status": "pending",
            "attempts": 0,
        }
        for offset in reminder_offsets
        if starts_at - offset > now  # a reminder already due would only repeat the confirmation
    ]
    if reminders:
        await conn.execute(insert(REMINDERS), reminders)
    seat_changes = [((place.id, starts_at), +1)]
    if released is not None:
        seat_changes.append((released, -1))
    for (place_id, slot), change in sorted(seat_changes):
        if change < 0:
            await _release_seat(db, place_id, slot)
        elif not await _take_seat(db, place, slot):
            raise SlotFull(slot.isoformat())
    return Appointment(id=appointment_id, confirmed_at=None, **values)


async def cancel_appointment(
    db: AsyncSession,
    chat_id: int,
    appointment_id: int,
    now: datetime,
    *,
    status: str = "cancelled",
) -> None:
    """Cancel the user's booked appointment: its seat is freed, its pending reminders removed.

    `status` says who cancelled: the citizen (`cancelled`) or the center (`cancelled_by_staff`).
    """
    place_id, starts_at = await _end(db, chat_id, appointment_id, status, now)
    await _release_seat(db, place_id, starts_at)


async def confirm_attendance(
    db: AsyncSession, chat_id: int, appointment_id: int, now: datetime
) -> bool:
    """ "I will come": remembered for the staff page; False if the appointment is not booked."""
    result = await db.execute(
        update(Appointment)
        .where(
            Appointment.id == appointment_id,
            Appointment.chat_id == chat_id,
            Appointment.status == "booked",
        )
        .values(confirmed_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def upcoming_appointment(db: AsyncSession, chat_id: int, now: datetime) -> Appointment | None:
    """The user's booked appointment that has not started yet, if any."""
    appointment: Appointment | None = await db.scalar(
        select(Appointment).where(
            Appointment.chat_id == chat_id,
            Appointment.status == "booked",
            Appointment.starts_at > now,
        )
    )
    return appointment


async def seats_taken(
    db: AsyncSession, place_id: str, start: datetime, end: datetime
) -> dict[datetime, int]:
    """Booked seats per slot start of a place in [start, end) (slots never booked are absent)."""
    rows = await db.execute(
        select(SlotCounter.starts_at, SlotCounter.booked).where(
            SlotCounter.place_id == place_id,
            SlotCounter.starts_at >= start,
            SlotCounter.starts_at < end,
        )
    )
    return {row.starts_at: row.booked for row in rows}


async def _retire_past(db: AsyncSession, chat_id: int, now: datetime) -> None:
    """An appointment whose time has come no longer counts as the user's upcoming one."""
    conn = await db.connection()
    await conn.execute(
        update(APPOINTMENTS)
        .where(
            Appointment.chat_id == chat_id,
            Appointment.status == "booked",
            Appointment.starts_at <= now,
        )
        .values(status="past", updated_at=now)
    )


async def _end(
    db: AsyncSession, chat_id: int, appointment_id: int, status: str, now: datetime
) -> tuple[str, datetime]:
    """Take a booked, not yet started appointment out of the book; its pending reminders go."""
    row = (
        await db.execute(
            update(Appointment)
            .where(
                Appointment.id == appointment_id,
                Appointment.chat_id == chat_id,
                Appointment.status == "booked",
                Appointment.starts_at > now,
            )
            .values(status=status, updated_at=now)
            .returning(Appointment.place_id, Appointment.starts_at)
            .execution_options(synchronize_session=False)
        )
    ).one_or_none()
    if row is None:
        raise NoSuchAppointment(str(appointment_id))
    await db.execute(
        delete(Reminder)
        .where(Reminder.appointment_id == appointment_id, Reminder.status == "pending")
        .execution_options(synchronize_session=False)
    )
    return row.place_id, row.starts_at


async def _take_seat(db: AsyncSession, place: Place, starts_at: datetime) -> bool:
    """One statement: create the slot's counter at 1, or raise it by one if below capacity.

    The capacity is the place's current one (the directory may have been re-imported).
    """
    upsert = dialect_insert(db, SLOT_COUNTERS).values(
        place_id=place.id, starts_at=starts_at, capacity=place.capacity_per_slot, booked=1
    )
    statement = upsert.on_conflict_do_update(
        index_elements=["place_id", "starts_at"],
        set_={"booked": SlotCounter.booked + 1, "capacity": upsert.excluded.capacity},
        where=SlotCounter.booked < upsert.excluded.capacity,
    ).returning(SlotCounter.booked)
    conn = await db.connection()
    return (await conn.execute(statement)).first() is not None


async def _release_seat(db: AsyncSession, place_id: str, starts_at: datetime) -> None:
    await db.execute(
        update(SlotCounter)
        .where(
            SlotCounter.place_id == place_id,
            SlotCounter.starts_at == starts_at,
            SlotCounter.booked > 0,
        )
        .values(booked=SlotCounter.booked - 1)
        .execution_options(synchronize_session=False)
    )
