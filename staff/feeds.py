"""A place's calendar feed: an unguessable, revocable `.ics` URL that Outlook or Google Calendar
subscribes to. The token (256 random bits) is shown once, at creation; only its SHA-256 is kept.
The events carry the time and the status only: no phone, no summary (a subscribed calendar is
copied to other servers and devices).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from booking.places import Place
from common.kz import local_day
from common.text import msg
from staff.day import STATUS_NAMES, day_bounds
from storage.booking import Appointment
from storage.staff import CalendarFeed

PAST_DAYS = 7
AHEAD_DAYS = 60


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create(db: AsyncSession, place_id: str, account_id: int, now: datetime) -> str:
    """A new feed token for the place (shown once)."""
    token = secrets.token_urlsafe(32)
    db.add(
        CalendarFeed(
            place_id=place_id, token_sha256=digest(token), created_by=account_id, created_at=now
        )
    )
    await db.flush()
    return token


async def active(db: AsyncSession, place_id: str) -> list[CalendarFeed]:
    rows = await db.scalars(
        select(CalendarFeed)
        .where(CalendarFeed.place_id == place_id, CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.id)
    )
    return list(rows)


async def revoke(db: AsyncSession, place_id: str, feed_id: int, now: datetime) -> bool:
    result = await db.execute(
        update(CalendarFeed)
        .where(
            CalendarFeed.id == feed_id,
            CalendarFeed.place_id == place_id,
            CalendarFeed.revoked_at.is_(None),
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def place_of_token(db: AsyncSession, token: str) -> str | None:
    place_id: str | None = await db.scalar(
        select(CalendarFeed.place_id).where(
            CalendarFeed.token_sha256 == digest(token), CalendarFeed.revoked_at.is_(None)
        )
    )
    return place_id


async def ics(db: AsyncSession, place: Place, now: datetime) -> bytes:
    """The place's appointments from a week ago to two months ahead, in Russian (the
    calendar has one language; the center's staff read Russian and Kazakh alike)."""
    start, _ = day_bounds(local_day(now) - timedelta(days=PAST_DAYS))
    _, end = day_bounds(local_day(now) + timedelta(days=AHEAD_DAYS))
    rows = await db.execute(
        select(Appointment.id, Appointment.starts_at, Appointment.status).where(
            Appointment.place_id == place.id,
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
            Appointment.status.in_(("booked", "past", "attended", "no_show")),
        )
    )
    calendar = Calendar()
    calendar.add("prodid", "-//Komek//staff feed//RU")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", place.name_ru)
    title = msg("Visit (Komek)").render("ru")
    for appointment_id, starts_at, status in rows:
        event = Event()
        event.add("uid", f"komek-appointment-{appointment_id}@komek")
        event.add("dtstamp", now)
        event.add("dtstart", starts_at)
        event.add("dtend", starts_at + timedelta(minutes=place.slot_minutes))
        event.add("summary", f"{title}: {STATUS_NAMES[status].render('ru')}")
        event.add("location", place.address_ru)
        calendar.add_component(event)
    return bytes(calendar.to_ical())
