"""The booking domain as a conversation needs it, over the database: `BookingService`.

It implements `dialogs.booking.port.BookingPort` structurally, without importing it (booking
knows nothing of conversations): places, free days, the citizen's upcoming appointment, and
booking, cancelling or confirming one. It answers with plain data (`Place`, `AppointmentRecord`,
dates and UTC moments) and says a refusal as a word (`Refusal`), so a conversation never sees a
database session, an ORM row or one of booking's exceptions.

Places of a SAMPLE directory (`Place.is_sample`) are offered only when the settings allow it
(`BookingSettings.sample_places`: the demo): production never lists, finds or books one.

One service per turn: it works in the caller's transaction (the turn's, committed together with
the draft and the replies), a booking in a savepoint of its own, so a refused booking leaves
the rest of the turn intact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from booking.appointments import (
    AlreadyBooked,
    BookingRefused,
    NoSuchAppointment,
    book_slot,
    cancel_appointment,
    confirm_attendance,
    seats_taken,
    upcoming_appointment,
)
from booking.places import Place, active_places, get_place
from booking.places import nearest as nearest_places
from booking.settings import BookingSettings
from booking.slots import upcoming_days
from storage.booking import Appointment

Refusal = Literal["already_booked", "slot_taken", "nothing_to_move"]
"""Why a booking did not happen: the user already holds an appointment; the slot is full or no
longer offered; the appointment to move is no longer booked."""


@dataclass(frozen=True, slots=True)
class AppointmentRecord:
    """A booked appointment as plain data."""

    id: int
    place_id: str
    starts_at: datetime
    phone: str | None
    confirmed_at: datetime | None
    reminders: tuple[timedelta, ...] = ()
    """How long before the visit a reminder is queued (known right after booking)."""

    @classmethod
    def of(cls, row: Appointment, reminders: tuple[timedelta, ...] = ()) -> AppointmentRecord:
        return cls(
            id=row.id,
            place_id=row.place_id,
            starts_at=row.starts_at,
            phone=row.phone,
            confirmed_at=row.confirmed_at,
            reminders=reminders,
        )


class BookingService:
    """Booking for one turn: `db` is the turn's session, inside its transaction."""

    def __init__(self, db: AsyncSession, settings: BookingSettings | None = None) -> None:
        self.db = db
        self.settings = settings or BookingSettings()
        self._places: dict[str, Place | None] = {}

    @property
    def horizon_days(self) -> int:
        return self.settings.horizon_days

    def _offered(self, place: Place) -> bool:
        """Whether the place may be offered: active, and not sample data outside a demo."""
        return place.active and (self.settings.sample_places or not place.is_sample)

    async def _open_places(self, region: str | None = None) -> list[Place]:
        return [place for place in await active_places(self.db, region) if self._offered(place)]

    async def places_in(self, region: str) -> list[Place]:
        """The region's places open for booking, by district."""
        places = await self._open_places(region)
        self._places.update((place.id, place) for place in places)
        return places

    async def nearest(
        self, latitude: float, longitude: float, count: int
    ) -> list[tuple[Place, float]]:
        """The `count` places open for booking closest to a point, with their distance in km."""
        return nearest_places(await self._open_places(), latitude, longitude, count)

    async def has_open_places(self) -> bool:
        """Whether any place at all is open for booking (no directory loaded: none)."""
        return bool(await self._open_places())

    async def place(self, place_id: str) -> Place | None:
        """One place, active or not (an appointment may outlive its place's activity)."""
        if place_id not in self._places:
            self._places[place_id] = await get_place(self.db, place_id)
        return self._places[place_id]

    async def free_days(self, place_id: str, now: datetime) -> list[tuple[date, list[datetime]]]:
        """Each day of the booking window with a seat left, and its free slot starts (UTC)."""
        place = await self.place(place_id)
        if place is None:
            return []
        days = list(
            upcoming_days(
                place,
                now,
                lead_time=self.settings.lead_time,
                horizon_days=self.settings.horizon_days,
            )
        )
        if not days:
            return []
        first, last = days[0][1][0], days[-1][1][-1]
        taken = await seats_taken(self.db, place.id, first, last + timedelta(seconds=1))
        free: list[tuple[date, list[datetime]]] = []
        for day, starts in days:
            open_starts = [s for s in starts if taken.get(s, 0) < place.capacity_per_slot]
            if open_starts:
                free.append((day, open_starts))
        return free

    async def upcoming(self, chat_id: int, now: datetime) -> AppointmentRecord | None:
        """The user's booked appointment that has not started yet, if any."""
        row = await upcoming_appointment(self.db, chat_id, now)
        return None if row is None else AppointmentRecord.of(row)

    async def book(
        self,
        chat_id: int,
        *,
        place_id: str,
        starts_at: datetime,
        phone: str | None,
        language: str,
        replacing: int | None,
        now: datetime,
        share_summary: bool | None = None,
    ) -> AppointmentRecord | Refusal:
        """Book the slot (moving `replacing` there) with its reminders, or say why not."""
        place = await self.place(place_id)
        if place is None or not self._offered(place):
            return "slot_taken"
        try:
            async with self.db.begin_nested():
                row = await book_slot(
                    self.db,
                    chat_id=chat_id,
                    place=place,
                    starts_at=starts_at,
                    phone=phone,
                    language=language,
                    now=now,
                    lead_time=self.settings.lead_time,
                    horizon_days=self.settings.horizon_days,
                    reminder_offsets=self.settings.reminder_offsets,
                    replacing=replacing,
                    share_summary=share_summary,
                )
        except AlreadyBooked:
            return "already_booked"
        except NoSuchAppointment:
            return "nothing_to_move"
        except BookingRefused:  # the slot is full, or no longer one we offer
            return "slot_taken"
        queued = tuple(
            offset for offset in self.settings.reminder_offsets if row.starts_at - offset > now
        )
        return AppointmentRecord.of(row, queued)

    async def cancel(self, chat_id: int, appointment_id: int, now: datetime) -> bool:
        """Cancel the user's booked appointment; False if it is no longer booked."""
        try:
            async with self.db.begin_nested():
                await cancel_appointment(self.db, chat_id, appointment_id, now)
        except NoSuchAppointment:
            return False
        return True

    async def confirm(self, chat_id: int, appointment_id: int, now: datetime) -> bool:
        """ "I will come"; False if the appointment is no longer booked."""
        return await confirm_attendance(self.db, chat_id, appointment_id, now)
