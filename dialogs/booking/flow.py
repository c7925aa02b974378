"""The booking conversation as an interactor: one user action in, the new draft and replies out.

A front end turns what the user did into one event (/book, /my_appointment, a press of one of
booking's buttons, a text, a shared contact or location: `BookingEvent`) and hands it to
`BookingFlow.handle` with the `Current` draft it loaded. It gets an `Outcome`: the replies to
show (rendered late, in the user's language) and the draft to store (compare-and-set on the
version it loaded; the new version goes into the buttons), or None to end the booking in
progress, or `keep` to leave the stored draft alone.
The data each screen needs comes through the `BookingPort` and the `Citizen` (port.py); the
texts and buttons from screens.py. Bad input at any prompt gets a short hint and the same
question again; a press on an older screen says so and shows the current one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final, Literal

from common.i18n import Language
from common.kz import KZ_TIME
from common.phone import parse_phone
from common.text import Message
from dialogs.booking import screens
from dialogs.booking.draft import Current, Draft
from dialogs.booking.port import AppointmentInfo, BookingPort, Citizen, PlaceInfo
from dialogs.events import ContactShared, LocationShared, TextInput
from dialogs.regions import REGIONS
from dialogs.reply import Reply

MAX_PLACES_LISTED: Final = 8
MAX_DAYS_SHOWN: Final = 6
NEAREST_COUNT: Final = 3
REGION_CODES: Final = frozenset(code for code, _, _ in REGIONS)
EMPLOYMENT_CENTER: Final = "employment_center"
RURAL_AKIMAT: Final = "rural_akimat"
"""`PlaceInfo.kind`: the places of the directory (booking/data/README.md)."""


@dataclass(frozen=True, slots=True)
class Who:
    """Whose action this is, in which language, and when."""

    chat_id: int
    language: Language
    now: datetime


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an action leads to."""

    replies: list[Reply]
    draft: Draft | None = None
    """The booking in progress after the action; None: none (a stored draft is dropped)."""
    keep: bool = False
    """The booking in progress is untouched: the stored draft stays as it is."""


@dataclass(frozen=True, slots=True)
class StepPress:
    """A press of a button of the booking steps, shown at draft `version`."""

    action: str
    value: str
    version: int


@dataclass(frozen=True, slots=True)
class AppointmentPress:
    """A press of a button about one appointment (on its card or on a reminder)."""

    action: str
    appointment_id: int


@dataclass(frozen=True, slots=True)
class Start:
    """/book, or "Book a visit" under the screening result."""


@dataclass(frozen=True, slots=True)
class ShowAppointment:
    """/my_appointment."""


@dataclass(frozen=True, slots=True)
class UnknownButton:
    """A press that has booking's mark but is none of its buttons (an old format)."""


BookingEvent = (
    Start
    | ShowAppointment
    | StepPress
    | AppointmentPress
    | UnknownButton
    | TextInput
    | ContactShared
    | LocationShared
)
"""What a user can do while booking; texts, contacts and locations as the intake's events."""


class BookingFlow:
    """Each public method is one user action; the port calls happen in the caller's
    transaction, so the front end stores the outcome's draft and replies together with them."""

    def __init__(self, port: BookingPort, citizen: Citizen) -> None:
        self.port = port
        self.citizen = citizen

    async def handle(
        self, who: Who, current: Current | None, event: BookingEvent
    ) -> Outcome | None:
        """One event; None: not a booking matter (a text while no booking is in progress)."""
        if isinstance(event, Start):
            return await self.start(who)
        if isinstance(event, ShowAppointment):
            return await self.my_appointment(who)
        if isinstance(event, StepPress):
            return await self.press(who, current, event)
        if isinstance(event, AppointmentPress):
            return await self.appointment(who, event)
        if isinstance(event, UnknownButton):
            return Outcome([screens.button_gone()], keep=True)
        if isinstance(event, TextInput):
            return await self.text(who, current, event.text)
        if isinstance(event, ContactShared):
            return await self.contact(who, current, event.phone)
        return await self.location(who, current, event.latitude, event.longitude)

    # --- actions ---

    async def start(self, who: Who) -> Outcome:
        """/book, or "Book a visit" under the screening result."""
        existing = await self.port.upcoming(who.chat_id, who.now)
        if existing is not None:
            return Outcome(await self._card(existing, screens.already_booked_title()))
        return await self._choose_place(Draft(region=self.citizen.region()))

    async def my_appointment(self, who: Who) -> Outcome:
        return Outcome(await self._my_appointment(who), keep=True)

    async def press(self, who: Who, current: Current | None, press: StepPress) -> Outcome:
        if current is None:
            return Outcome([screens.button_gone()], keep=True)
        draft = current.draft.model_copy(deep=True)
        if press.version != current.version:
            replies = await self._ask_again(who, draft)
            return Outcome([screens.older_button(), *replies], draft)
        action, value = press.action, press.value
        if action == "stop":
            return Outcome([screens.stopped()])
        if action == "region" and value in REGION_CODES:
            draft.region, draft.offered = value, []
            return await self._choose_place(draft)
        if action == "other":
            draft.offered, draft.place_id, draft.day = [], None, None
            if value == "region":
                draft.region = None
            return await self._choose_place(draft)
        offered = _index(value, len(draft.offered)) if action == "place" else None
        if offered is not None:
            draft.place_id = draft.offered[offered]
            return Outcome(await self._ask_day(who, draft), draft)
        if action == "day" and draft.place_id is not None:
            try:
                draft.day = date.fromisoformat(value)
            except ValueError:
                return Outcome(await self._ask_again(who, draft), draft)
            return Outcome(await self._ask_time(who, draft), draft)
        if action == "days":
            draft.day = None
            return Outcome(await self._ask_day(who, draft), draft)
        starts_at = _slot_time(value)
        if action == "time" and draft.day is not None and starts_at is not None:
            draft.starts_at = starts_at
            if draft.phone is None:
                return Outcome(self._ask_phone(draft), draft)
            return Outcome(await self._ask_confirm(who, draft), draft)
        if action == "confirm" and draft.step == "confirm":
            share = {screens.SHARE: True, screens.PRIVATE: False}.get(value)
            if (
                share is None
                and self.citizen.checklist(who.now.astimezone(KZ_TIME).date()) is not None
            ):
                return Outcome(await self._ask_again(who, draft), draft)  # an old "Confirm"
            return await self._book(who, draft, share)
        replies = await self._ask_again(who, draft)
        return Outcome([screens.press_hint(), *replies], draft)

    async def appointment(self, who: Who, press: AppointmentPress) -> Outcome:
        """A button about one appointment; valid whatever the booking in progress."""
        current = await self.port.upcoming(who.chat_id, who.now)
        if current is None or current.id != press.appointment_id:
            replies = [screens.appointment_gone(), *await self._my_appointment(who)]
            return Outcome(replies, keep=True)
        action = press.action
        if action == "come":
            await self.port.confirm(who.chat_id, current.id, who.now)
            return Outcome([screens.see_you(current.starts_at)], keep=True)
        if action == "cancel":
            return Outcome([screens.ask_cancel(current)], keep=True)
        if action == "cancel_yes":
            if not await self.port.cancel(who.chat_id, current.id, who.now):
                return Outcome([screens.appointment_gone()], keep=True)
            return Outcome([screens.cancelled()])
        if action == "keep":
            return Outcome([screens.kept()], keep=True)
        if action == "move":
            draft = Draft(place_id=current.place_id, phone=current.phone, replacing=current.id)
            return Outcome(await self._ask_day(who, draft), draft)
        return Outcome(await self._my_appointment(who), keep=True)

    async def text(self, who: Who, current: Current | None, text: str) -> Outcome | None:
        """A typed message (None: no booking in progress, the intake should have it)."""
        if current is None:
            return None
        draft = current.draft.model_copy(deep=True)
        if draft.step != "phone":
            return Outcome([screens.press_hint(), *await self._ask_again(who, draft)], draft)
        phone = parse_phone(text)
        if phone is None:
            return Outcome([screens.not_a_phone(), *await self._ask_again(who, draft)], draft)
        draft.phone = phone
        return Outcome(await self._ask_confirm(who, draft), draft)

    async def contact(self, who: Who, current: Current | None, phone: str) -> Outcome | None:
        """The user shared their own contact (None: no booking in progress)."""
        if current is None:
            return None
        draft = current.draft.model_copy(deep=True)
        if draft.step != "phone":
            return Outcome([screens.press_hint(), *await self._ask_again(who, draft)], draft)
        parsed = parse_phone(phone)
        if parsed is None:
            hint = screens.not_a_kazakhstan_phone()
            return Outcome([hint, *await self._ask_again(who, draft)], draft)
        draft.phone = parsed
        return Outcome(await self._ask_confirm(who, draft), draft)

    async def location(
        self, who: Who, current: Current | None, latitude: float, longitude: float
    ) -> Outcome | None:
        """The user sent a location (None: no booking in progress)."""
        if current is None:
            return None
        draft = current.draft.model_copy(deep=True)
        if draft.step not in ("region", "place"):
            return Outcome([screens.press_hint(), *await self._ask_again(who, draft)], draft)
        found = await self.port.nearest(latitude, longitude, NEAREST_COUNT)
        if not found:  # the directory was emptied meanwhile
            return Outcome(self._unavailable(None))
        draft.step, draft.offered = "place", [place.id for place, _ in found]
        return Outcome(screens.ask_nearest(found), draft)

    # --- screens: each sets the draft's step ---

    async def _choose_place(self, draft: Draft) -> Outcome:
        """The places of the draft's region, or the regions; without any place open for
        booking (no directory loaded), where to apply instead, and the booking ends."""
        if not await self.port.has_open_places():
            return Outcome(self._unavailable(draft.region))
        return Outcome(await self._ask_place_or_region(draft), draft)

    def _unavailable(self, region: str | None) -> list[Reply]:
        citizen = self.citizen
        return screens.booking_unavailable(region or citizen.region(), citizen.settlement())

    async def _ask_place_or_region(self, draft: Draft) -> list[Reply]:
        """The region's places, the kind for the citizen's settlement first (a rural akimat for
        a village); a region without places says so and where to apply; no region: the list."""
        region = draft.region
        if region is None:
            draft.step, draft.offered = "region", []
            return screens.ask_region()
        settlement = self.citizen.settlement()
        places = _for_settlement(await self.port.places_in(region), settlement)
        if not places:
            draft.step, draft.region, draft.offered = "region", None, []
            return screens.not_available_in(region, settlement)
        places = places[:MAX_PLACES_LISTED]
        draft.step, draft.offered = "place", [place.id for place in places]
        return screens.ask_place(places)

    async def _ask_day(self, who: Who, draft: Draft) -> list[Reply]:
        place = await self.port.place(draft.place_id or "")
        if place is None or not place.active:
            draft.place_id = None
            return await self._ask_place_or_region(draft)
        free = await self.port.free_days(place.id, who.now)
        days = [day for day, _ in free][:MAX_DAYS_SHOWN]
        draft.step, draft.region, draft.day = "day", place.region, None
        return screens.ask_day(place, days, self.port.horizon_days)

    async def _ask_time(self, who: Who, draft: Draft) -> list[Reply]:
        place = await self.port.place(draft.place_id or "")
        if place is None or draft.day is None:
            return await self._ask_day(who, draft)
        starts = dict(await self.port.free_days(place.id, who.now)).get(draft.day)
        if not starts:
            return [screens.no_times_left(), *await self._ask_day(who, draft)]
        draft.step = "time"
        return screens.ask_time(draft.day, starts)

    def _ask_phone(self, draft: Draft) -> list[Reply]:
        draft.step = "phone"
        return screens.ask_phone(self.citizen.consented())

    async def _ask_confirm(self, who: Who, draft: Draft) -> list[Reply]:
        place = await self.port.place(draft.place_id or "")
        if place is None or draft.starts_at is None or draft.phone is None:
            return await self._ask_day(who, draft)
        draft.step = "confirm"
        screened = self.citizen.checklist(who.now.astimezone(KZ_TIME).date()) is not None
        return screens.ask_confirm(draft, place, screened=screened)

    async def _ask_again(self, who: Who, draft: Draft) -> list[Reply]:
        """The question the draft waits at, asked again."""
        if draft.step == "phone":
            return self._ask_phone(draft)
        if draft.step == "confirm":
            return await self._ask_confirm(who, draft)
        if draft.step == "time":
            return await self._ask_time(who, draft)
        if draft.step == "day":
            return await self._ask_day(who, draft)
        return await self._ask_place_or_region(draft)

    async def _book(self, who: Who, draft: Draft, share_summary: bool | None = None) -> Outcome:
        place = await self.port.place(draft.place_id or "")
        if place is None or draft.starts_at is None:
            return Outcome(await self._ask_day(who, draft), draft)
        result = await self.port.book(
            who.chat_id,
            place_id=place.id,
            starts_at=draft.starts_at,
            phone=draft.phone,
            language=who.language,
            replacing=draft.replacing,
            now=who.now,
            share_summary=share_summary,
        )
        if result == "already_booked":
            existing = await self.port.upcoming(who.chat_id, who.now)
            if existing is None:
                return Outcome([screens.something_went_wrong()])
            return Outcome(await self._card(existing, screens.already_booked_title()))
        if result == "nothing_to_move":
            draft.replacing = None
            return Outcome([screens.nothing_to_move(), *await self._ask_confirm(who, draft)], draft)
        if result == "slot_taken":
            draft.starts_at = None
            return Outcome([screens.slot_taken(), *await self._ask_time(who, draft)], draft)
        today = who.now.astimezone(KZ_TIME).date()
        checklist = self.citizen.checklist(today) or screens.default_checklist()
        return Outcome(screens.booked(result, place, checklist, result.reminders, who.now))

    async def _my_appointment(self, who: Who) -> list[Reply]:
        existing = await self.port.upcoming(who.chat_id, who.now)
        if existing is None:
            return [screens.no_appointment()]
        return await self._card(existing, screens.your_appointment_title())

    async def _card(self, appointment: AppointmentInfo, title: Message) -> list[Reply]:
        place = await self.port.place(appointment.place_id)
        assert place is not None  # places are never deleted, only deactivated
        return screens.card(appointment, place, title)


def _for_settlement(
    places: Sequence[PlaceInfo], settlement: Literal["urban", "rural"] | None
) -> list[PlaceInfo]:
    """The places, those for the citizen's settlement first (stable: districts stay in order)."""
    preferred = RURAL_AKIMAT if settlement == "rural" else EMPLOYMENT_CENTER
    return sorted(places, key=lambda place: place.kind != preferred)


def _index(value: str, count: int) -> int | None:
    """An index 0…count-1 written in ASCII digits (button data), or None. Never `int()` of
    anything else: `'²'.isdigit()` is true yet `int('²')` raises, and so does `int()` of more
    than 4,300 digits (a forged button must get a hint, not an exception)."""
    if not (value.isascii() and value.isdigit()) or len(value) > len(str(count)):
        return None
    index = int(value)
    return index if index < count else None


def _slot_time(value: str) -> datetime | None:
    """A slot start from button data (`YYYYmmddHHMM`, UTC), or None if it is not one."""
    try:
        return datetime.strptime(value, "%Y%m%d%H%M").replace(tzinfo=UTC)
    except ValueError:
        return None
