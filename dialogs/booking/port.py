"""What the booking conversation needs from outside, as narrow Protocols (the flow's ports).

`BookingPort` is the booking domain: places, free days, appointments. `booking.service`'s
`BookingService` implements it over the database without importing this module (structural
typing; the composition root in bot/ is where mypy checks that it fits); a test uses an
in-memory fake. Answers are plain data described by the Protocols below: a place, an
appointment, dates and UTC moments, and a refusal as a word, never a database row or an
exception of the domain.

`Citizen` is what the intake knows of the person booking (consent, region, checklist); the
front end hands it in per turn (`dialogs.booking.intake.FromIntake` over the intake session).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Literal, Protocol

from common.i18n import Language
from common.text import Renderable

Refusal = Literal["already_booked", "slot_taken", "nothing_to_move"]
"""Why a booking did not happen: the user already holds an appointment; the slot is full or no
longer offered; the appointment to move is no longer booked."""


class PlaceInfo(Protocol):
    """A place to apply, as the screens show it."""

    @property
    def id(self) -> str: ...
    @property
    def region(self) -> str: ...
    @property
    def kind(self) -> str:
        """`employment_center` or `rural_akimat`."""
        ...

    @property
    def phone(self) -> str: ...
    @property
    def latitude(self) -> float: ...
    @property
    def longitude(self) -> float: ...
    @property
    def slot_minutes(self) -> int: ...
    @property
    def active(self) -> bool: ...
    @property
    def is_sample(self) -> bool:
        """Whether it comes from a SAMPLE directory (illustrative address and phone): every
        screen showing it says so."""
        ...

    def localized(self, what: Literal["name", "address", "district"], language: Language) -> str:
        """Its name, address or district in that language."""
        ...


class AppointmentInfo(Protocol):
    """A booked appointment."""

    @property
    def id(self) -> int: ...
    @property
    def place_id(self) -> str: ...
    @property
    def starts_at(self) -> datetime: ...
    @property
    def phone(self) -> str | None: ...
    @property
    def confirmed_at(self) -> datetime | None: ...


class BookedInfo(AppointmentInfo, Protocol):
    """An appointment just booked, with the reminders queued for it."""

    @property
    def reminders(self) -> Sequence[timedelta]:
        """How long before the visit each reminder goes out."""
        ...


class PlaceReader(Protocol):
    async def places_in(self, region: str) -> Sequence[PlaceInfo]:
        """The region's places open for booking, in listing order."""
        ...

    async def nearest(
        self, latitude: float, longitude: float, count: int
    ) -> Sequence[tuple[PlaceInfo, float]]:
        """The `count` places open for booking closest to a point, closest first, with km."""
        ...

    async def place(self, place_id: str) -> PlaceInfo | None:
        """One place, open for booking or not (None: unknown)."""
        ...

    async def has_open_places(self) -> bool:
        """Whether any place at all is open for booking (False: no directory is loaded)."""
        ...


class SlotReader(Protocol):
    @property
    def horizon_days(self) -> int:
        """How many days ahead slots are offered."""
        ...

    async def free_days(
        self, place_id: str, now: datetime
    ) -> Sequence[tuple[date, Sequence[datetime]]]:
        """Each day with a free slot, in order, and the free slot starts (UTC) that day."""
        ...


class AppointmentBook(Protocol):
    async def upcoming(self, chat_id: int, now: datetime) -> AppointmentInfo | None:
        """The user's booked appointment that has not started yet, if any."""
        ...

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
    ) -> BookedInfo | Refusal:
        """Book the slot (moving appointment `replacing` there), or say why not.
        `share_summary`: whether the center may see the pre-screening summary with it (None:
        not asked, there is no pre-screening); stored with the time it was given."""
        ...

    async def cancel(self, chat_id: int, appointment_id: int, now: datetime) -> bool:
        """Cancel it; False if it is no longer booked."""
        ...

    async def confirm(self, chat_id: int, appointment_id: int, now: datetime) -> bool:
        """Note "I will come"; False if it is no longer booked."""
        ...


class BookingPort(PlaceReader, SlotReader, AppointmentBook, Protocol):
    """Everything the booking conversation asks of the booking domain."""


class Citizen(Protocol):
    """What the intake knows of the person booking."""

    def consented(self) -> bool:
        """Whether they gave the intake's consent (their phone is then kept under it)."""
        ...

    def region(self) -> str | None:
        """The region they answered in the intake (ISO 3166-2:KZ), if any."""
        ...

    def settlement(self) -> Literal["urban", "rural"] | None:
        """Whether they live in a town or a village, as answered in the intake, if known."""
        ...

    def checklist(self, today: date) -> Sequence[Renderable] | None:
        """What to bring, from their finished screening (None: not screened)."""
        ...
