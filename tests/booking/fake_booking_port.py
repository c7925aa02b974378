"""An in-memory `dialogs.booking.port.BookingPort` and `Citizen`: the booking conversation
without a database (in the manner of deseos17's adapters/database/fake_wish_db.py)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from common.i18n import Language
from common.text import Renderable
from dialogs.booking.port import Refusal


@dataclass(frozen=True)
class FakePlace:
    id: str
    region: str
    name: str
    latitude: float = 51.09
    longitude: float = 71.42
    phone: str = "+77172551001"
    slot_minutes: int = 20
    active: bool = True
    kind: str = "employment_center"
    is_sample: bool = False

    def localized(self, what: Literal["name", "address", "district"], language: Language) -> str:
        if what == "name":
            return f"{self.name} ({language})"
        return f"{what} of {self.name} ({language})"


@dataclass(frozen=True)
class FakeAppointment:
    id: int
    place_id: str
    starts_at: datetime
    phone: str | None
    confirmed_at: datetime | None = None
    reminders: tuple[timedelta, ...] = ()


def slots(day: date, *hours: int) -> list[datetime]:
    """Slot starts that day at these Almaty hours (UTC+5), as UTC moments."""
    return [datetime.combine(day, time(hour - 5), tzinfo=UTC) for hour in hours]


@dataclass
class FakeBookingPort:
    places: list[FakePlace]
    free: dict[str, list[tuple[date, list[datetime]]]] = field(default_factory=dict)
    horizon_days: int = 14
    appointments: dict[int, FakeAppointment] = field(default_factory=dict)
    """The booked appointment of each chat."""
    refuse: list[Refusal] = field(default_factory=list)
    """Refusals the next bookings meet, in order."""
    booked: list[dict[str, object]] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    next_id: int = 100

    async def places_in(self, region: str) -> list[FakePlace]:
        return [p for p in self.places if p.region == region and p.active]

    async def nearest(
        self, latitude: float, longitude: float, count: int
    ) -> list[tuple[FakePlace, float]]:
        def km(p: FakePlace) -> float:
            return math.hypot(p.latitude - latitude, p.longitude - longitude) * 111

        return [(p, km(p)) for p in sorted(self.places, key=km) if p.active][:count]

    async def place(self, place_id: str) -> FakePlace | None:
        return next((p for p in self.places if p.id == place_id), None)

    async def has_open_places(self) -> bool:
        return any(p.active for p in self.places)

    async def free_days(self, place_id: str, now: datetime) -> list[tuple[date, list[datetime]]]:
        return [(day, starts) for day, starts in self.free.get(place_id, []) if starts]

    async def upcoming(self, chat_id: int, now: datetime) -> FakeAppointment | None:
        found = self.appointments.get(chat_id)
        return found if found is not None and found.starts_at > now else None

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
    ) -> FakeAppointment | Refusal:
        if self.refuse:
            refusal = self.refuse.pop(0)
            if refusal == "slot_taken":
                self._take(place_id, starts_at)
            return refusal
        current = self.appointments.get(chat_id)
        if current is not None and current.id != replacing:
            return "already_booked"
        self.booked.append(
            {
                "place": place_id,
                "at": starts_at,
                "phone": phone,
                "language": language,
                "share_summary": share_summary,
            }
        )
        self._take(place_id, starts_at)
        self.next_id += 1
        reminders = tuple(
            offset
            for offset in (timedelta(hours=24), timedelta(hours=2))
            if starts_at - offset > now
        )
        appointment = FakeAppointment(self.next_id, place_id, starts_at, phone, None, reminders)
        self.appointments[chat_id] = appointment
        return appointment

    async def cancel(self, chat_id: int, appointment_id: int, now: datetime) -> bool:
        current = self.appointments.get(chat_id)
        if current is None or current.id != appointment_id:
            return False
        del self.appointments[chat_id]
        self.cancelled.append(appointment_id)
        return True

    async def confirm(self, chat_id: int, appointment_id: int, now: datetime) -> bool:
        current = self.appointments.get(chat_id)
        if current is None or current.id != appointment_id:
            return False
        self.appointments[chat_id] = replace(current, confirmed_at=now)
        return True

    def _take(self, place_id: str, starts_at: datetime) -> None:
        self.free[place_id] = [
            (day, [s for s in starts if s != starts_at]) for day, starts in self.free[place_id]
        ]


@dataclass(frozen=True)
class FakeCitizen:
    known_region: str | None = None
    consent: bool = True
    items: Sequence[Renderable] | None = None
    known_settlement: Literal["urban", "rural"] | None = None

    def consented(self) -> bool:
        return self.consent

    def region(self) -> str | None:
        return self.known_region

    def settlement(self) -> Literal["urban", "rural"] | None:
        return self.known_settlement

    def checklist(self, today: date) -> Sequence[Renderable] | None:
        return self.items
