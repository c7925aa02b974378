"""What the center does to appointments from the staff web: outcomes, cancelling, moving, closing.

Every function works inside the caller's transaction, like `booking.appointments`, and reuses
its atomic steps: a cancellation frees the seat and removes the pending reminders
(`cancel_appointment`), a move books the new slot with fresh reminders and retires the old one
in one go (`book_slot` with `replacing`). What the citizen must be told is returned as data
(`CitizenNotice`, no words: booking has no texts); the staff web words it in the citizen's
language and queues it in the reply outbox in the same transaction, so the bot delivers it
exactly when the change is committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from booking.appointments import (
    BookingRefused,
    NoSuchAppointment,
    book_slot,
    cancel_appointment,
)
from booking.places import Place
from booking.settings import BookingSettings
from common.kz import local_day, local_moment
from storage.booking import Appointment
from storage.conversation import User
from storage.places import PlaceRow

Outcome = Literal["attended", "no_show"]
NoticeKind = Literal["cancelled", "moved", "closed"]
OUTCOME_FROM = ("booked", "past", "attended", "no_show")
"""An outcome may be recorded over these statuses (and corrected: attended ↔ no-show)."""


@dataclass(frozen=True, slots=True)
class CitizenNotice:
    """A change the citizen has to hear about, in their language, from the bot."""

    chat_id: int
    language: str
    kind: NoticeKind
    place_id: str
    starts_at: datetime
    new_starts_at: datetime | None = None


async def record_outcome(
    db: AsyncSession, appointment_id: int, outcome: Outcome, now: datetime
) -> bool:
    """Attended or no-show, for a visit of today or before; False if that cannot be said."""
    end_of_today = local_moment(local_day(now) + timedelta(days=1), datetime.min.time())
    result = await db.execute(
        update(Appointment)
        .where(
            Appointment.id == appointment_id,
            Appointment.status.in_(OUTCOME_FROM),
            Appointment.starts_at < end_of_today,
        )
        .values(status=outcome, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def _language_of(db: AsyncSession, row: Appointment) -> str:
    """The citizen's chosen language, else the one they booked in."""
    chosen = await db.scalar(select(User.language).where(User.chat_id == row.chat_id))
    return chosen or row.language


async def cancel_by_staff(
    db: AsyncSession, appointment_id: int, now: datetime
) -> CitizenNotice | None:
    """Cancel a booked, future appointment for the center; None if it is not one any more."""
    row = await db.get(Appointment, appointment_id)
    if row is None:
        return None
    try:
        async with db.begin_nested():
            await cancel_appointment(
                db, row.chat_id, appointment_id, now, status="cancelled_by_staff"
            )
    except NoSuchAppointment:
        return None
    return CitizenNotice(
        chat_id=row.chat_id,
        language=await _language_of(db, row),
        kind="cancelled",
        place_id=row.place_id,
        starts_at=row.starts_at,
    )


async def move_by_staff(
    db: AsyncSession,
    appointment_id: int,
    place: Place,
    new_start: datetime,
    now: datetime,
    settings: BookingSettings | None = None,
) -> CitizenNotice | None:
    """Move a booked appointment to another slot of its place (a seat must be free there);
    the reminders follow. None if it is no longer booked or the slot cannot be had."""
    settings = settings or BookingSettings()
    row = await db.get(Appointment, appointment_id)
    if row is None or row.place_id != place.id:
        return None
    try:
        async with db.begin_nested():
            moved = await book_slot(
                db,
                chat_id=row.chat_id,
                place=place,
                starts_at=new_start,
                phone=row.phone,
                language=row.language,
                now=now,
                lead_time=settings.lead_time,
                horizon_days=settings.horizon_days,
                reminder_offsets=settings.reminder_offsets,
                replacing=appointment_id,
            )
            await db.execute(
                update(Appointment)
                .where(Appointment.id == moved.id)
                .values(share_summary=row.share_summary, share_summary_at=row.share_summary_at)
                .execution_options(synchronize_session=False)
            )
    except BookingRefused:
        return None
    return CitizenNotice(
        chat_id=row.chat_id,
        language=await _language_of(db, row),
        kind="moved",
        place_id=row.place_id,
        starts_at=row.starts_at,
        new_starts_at=new_start,
    )


async def booked_on(db: AsyncSession, place_id: str, day: date) -> list[Appointment]:
    """The place's booked appointments of a Kazakhstan day, in time order."""
    start = local_moment(day, datetime.min.time())
    end = local_moment(day + timedelta(days=1), datetime.min.time())
    rows = await db.scalars(
        select(Appointment)
        .where(
            Appointment.place_id == place_id,
            Appointment.status == "booked",
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    return list(rows)


async def close_day(
    db: AsyncSession, place_id: str, day: date, now: datetime
) -> list[CitizenNotice] | None:
    """Close the place that day (a closed day of its own) and cancel its bookings; None if
    there is no such place. Bookings already past are left alone."""
    place = await db.get(PlaceRow, place_id, with_for_update=True)
    if place is None:
        return None
    closed = sorted({*place.closed_days, day.isoformat()})
    if closed != list(place.closed_days):
        place.closed_days = closed
        place.updated_at = now
        await db.flush()
    notices: list[CitizenNotice] = []
    for row in await booked_on(db, place_id, day):
        if row.starts_at <= now:
            continue
        notice = await cancel_by_staff(db, row.id, now)
        if notice is not None:
            notices.append(
                CitizenNotice(
                    chat_id=notice.chat_id,
                    language=notice.language,
                    kind="closed",
                    place_id=place_id,
                    starts_at=notice.starts_at,
                )
            )
    return notices


async def record_share_consent(
    db: AsyncSession, chat_id: int, appointment_id: int, share: bool, now: datetime
) -> bool:
    """The citizen's answer to "may the center see your pre-screening summary?", with its
    time, on their own appointment (the booking conversation asks it); False if not theirs."""
    result = await db.execute(
        update(Appointment)
        .where(Appointment.id == appointment_id, Appointment.chat_id == chat_id)
        .values(share_summary=share, share_summary_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)
