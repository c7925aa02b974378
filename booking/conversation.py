"""The booking conversation, transport-free: place → day → time → phone → confirm → booked.

A front end turns what the user did into one call of `BookingFlow` (a press of one of our
buttons, a text, a shared contact or location, /book, /my_appointment) and sends the `Outgoing`
messages it gets back (`booking.messages`); nothing here knows Telegram. Where the conversation
stands is a `booking.drafts.Draft`, so a press on an old message is recognised. The data each
screen needs (places, free slots, the user's screening answers) is loaded here; the texts and
buttons come from `booking.messages`. Bad input at any prompt gets a short hint and the same
question again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Final

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from booking.appointments import (
    AlreadyBooked,
    BookingRefused,
    NoSuchAppointment,
    SlotFull,
    book_slot,
    cancel_appointment,
    confirm_attendance,
    seats_taken,
    upcoming_appointment,
)
from booking.calendar_file import appointment_ics
from booking.drafts import Draft, StoredDraft, drop_draft, load_draft, save_draft
from booking.messages import (
    Document,
    Lines,
    Outgoing,
    PlaceCard,
    Venue,
    appointment_buttons,
    appointment_data,
    checklist_lines,
    default_checklist,
    flow_data,
    parse_phone,
    rows,
    say,
    show_phone,
    when,
)
from booking.places import Place, active_places, get_place, nearest
from booking.settings import BookingSettings
from booking.slots import local_day, upcoming_days
from dialogs.documents import to_bring
from dialogs.i18n import Language
from dialogs.regions import REGIONS
from dialogs.session import Session
from dialogs.text import Day, LocalTime, Message, Renderable, Verbatim, msg, plural
from storage.booking import Appointment
from storage.conversation import Conversation, User

MAX_DAYS_SHOWN: Final = 6
MAX_PLACES_LISTED: Final = 8
NEAREST_COUNT: Final = 3
TIME_COLUMNS: Final = 4


@dataclass
class BookingFlow:
    """Each method is one user action; it works in the caller's transaction (the booking itself
    in a savepoint, so a refused booking leaves the rest of the turn intact)."""

    settings: BookingSettings = field(default_factory=BookingSettings)

    async def abandon(self, db: AsyncSession, chat_id: int) -> None:
        await drop_draft(db, chat_id)

    # /book and the "Book a visit" button after the result
    async def start(
        self, db: AsyncSession, chat_id: int, lang: Language, now: datetime
    ) -> list[Outgoing]:
        existing = await upcoming_appointment(db, chat_id, now)
        if existing is not None:
            await drop_draft(db, chat_id)
            return await self._card(db, existing, lang, msg("You already have an appointment:"))
        session = await _dialog_session(db, chat_id)
        draft = Draft(region=session.region if session else None)
        return await self._ask_place_or_region(db, chat_id, draft, lang, now)

    async def my_appointment(
        self, db: AsyncSession, chat_id: int, lang: Language, now: datetime
    ) -> list[Outgoing]:
        existing = await upcoming_appointment(db, chat_id, now)
        if existing is None:
            return [
                say(lang, msg("You have no upcoming appointment. To book a visit, send /book."))
            ]
        return await self._card(db, existing, lang, msg("Your appointment:"))

    async def press(
        self, db: AsyncSession, chat_id: int, lang: Language, data: str, now: datetime
    ) -> list[Outgoing]:
        parts = data.split(":")
        if len(parts) == 3 and parts[2].isdigit():
            return await self._appointment_action(db, chat_id, lang, parts[1], int(parts[2]), now)
        stored = await load_draft(db, chat_id, now)
        if len(parts) != 4 or not parts[3].isdigit() or stored is None:
            return [say(lang, msg("This button is no longer active. To book a visit, send /book."))]
        _, action, value, version = parts
        if int(version) != stored.version:
            return [
                say(lang, msg("This button is from an older message.")),
                *await self._ask_again(db, chat_id, stored, lang, now),
            ]
        draft = stored.draft
        if action == "stop":
            await drop_draft(db, chat_id)
            return [
                say(lang, msg("Booking stopped. Send /book to start again."), remove_keyboard=True)
            ]
        if action == "region" and value in _REGION_CODES:
            draft.region = value
            draft.offered = []
            return await self._ask_place_or_region(db, chat_id, draft, lang, now)
        if action == "other":
            draft.offered, draft.place_id, draft.day = [], None, None
            if value == "region":
                draft.region = None
            return await self._ask_place_or_region(db, chat_id, draft, lang, now)
        if action == "place" and value.isdigit() and int(value) < len(draft.offered):
            draft.place_id = draft.offered[int(value)]
            return await self._ask_day(db, chat_id, draft, lang, now)
        if action == "day" and draft.place_id is not None:
            try:
                draft.day = date.fromisoformat(value)
            except ValueError:
                return await self._ask_again(db, chat_id, stored, lang, now)
            return await self._ask_time(db, chat_id, draft, lang, now)
        if action == "days":
            draft.day = None
            return await self._ask_day(db, chat_id, draft, lang, now)
        if action == "time" and draft.day is not None and _slot_time(value) is not None:
            draft.starts_at = _slot_time(value)
            if draft.phone is None:
                return await self._ask_phone(db, chat_id, draft, lang, now)
            return await self._ask_confirm(db, chat_id, draft, lang, now)
        if action == "confirm" and draft.step == "confirm":
            return await self._book(db, chat_id, draft, lang, now)
        return await self._ask_again(db, chat_id, stored, lang, now, hint=_PRESS_HINT)

    async def text(
        self, db: AsyncSession, chat_id: int, lang: Language, text: str, now: datetime
    ) -> list[Outgoing] | None:
        """A typed message while booking (None: not booking, the dialog should have it)."""
        stored = await load_draft(db, chat_id, now)
        if stored is None:
            return None
        if stored.draft.step == "phone":
            phone = parse_phone(text)
            if phone is None:
                hint = msg(
                    "That does not look like a Kazakhstan phone number. Type it like "
                    "+7 701 234 56 78, or press the button below."
                )
                return await self._ask_again(db, chat_id, stored, lang, now, hint=hint)
            stored.draft.phone = phone
            return await self._ask_confirm(db, chat_id, stored.draft, lang, now)
        return await self._ask_again(db, chat_id, stored, lang, now, hint=_PRESS_HINT)

    async def contact(
        self, db: AsyncSession, chat_id: int, lang: Language, phone: str, now: datetime
    ) -> list[Outgoing] | None:
        stored = await load_draft(db, chat_id, now)
        if stored is None:
            return None
        if stored.draft.step != "phone":
            return await self._ask_again(db, chat_id, stored, lang, now, hint=_PRESS_HINT)
        parsed = parse_phone(phone)
        if parsed is None:
            hint = msg("This number is not a Kazakhstan one. Please type a Kazakhstan number.")
            return await self._ask_again(db, chat_id, stored, lang, now, hint=hint)
        stored.draft.phone = parsed
        return await self._ask_confirm(db, chat_id, stored.draft, lang, now)

    async def location(
        self,
        db: AsyncSession,
        chat_id: int,
        lang: Language,
        latitude: float,
        longitude: float,
        now: datetime,
    ) -> list[Outgoing] | None:
        stored = await load_draft(db, chat_id, now)
        if stored is None:
            return None
        if stored.draft.step not in ("region", "place"):
            return await self._ask_again(db, chat_id, stored, lang, now, hint=_PRESS_HINT)
        found = nearest(await active_places(db), latitude, longitude, NEAREST_COUNT)
        draft = stored.draft
        draft.step, draft.offered = "place", [place.id for place, _ in found]
        version = await save_draft(db, chat_id, draft, now)
        lines: list[Renderable] = [msg("The places nearest to you:")]
        buttons: list[list[tuple[Renderable, str]]] = []
        for index, (place, km) in enumerate(found):
            lines.append(
                msg(
                    "{number}. {card}\n≈ {km} km",
                    number=index + 1,
                    card=PlaceCard(place),
                    km=max(1, round(km)),
                )
            )
            buttons.append(
                [
                    (
                        Verbatim(f"{index + 1}. {place.localized('name', lang)}"),
                        flow_data("place", str(index), version),
                    )
                ]
            )
        buttons.append([(msg("Cancel booking"), flow_data("stop", "-", version))])
        return [say(lang, *lines, msg("Choose the place:"), buttons=buttons, remove_keyboard=True)]

    # --- screens ---

    async def _ask_place_or_region(
        self, db: AsyncSession, chat_id: int, draft: Draft, lang: Language, now: datetime
    ) -> list[Outgoing]:
        places = await active_places(db, draft.region) if draft.region else []
        if not places:
            draft.step, draft.region = "region", None
            version = await save_draft(db, chat_id, draft, now)
            options = [(label, flow_data("region", code, version)) for code, label, _ in REGIONS]
            buttons: list[list[tuple[Renderable, str]]] = [
                *rows(options, 2),
                [(msg("Cancel booking"), flow_data("stop", "-", version))],
            ]
            return [
                say(
                    lang,
                    msg(
                        "Where would you like to apply? Choose your region below, or press "
                        "“📍 Send my location” and I will show the three nearest places."
                    ),
                    request="location",
                ),
                say(lang, msg("Regions:"), buttons=buttons),
            ]
        places = places[:MAX_PLACES_LISTED]
        draft.step, draft.offered = "place", [place.id for place in places]
        version = await save_draft(db, chat_id, draft, now)
        lines: list[Renderable] = [
            msg("{number}. {card}", number=i + 1, card=PlaceCard(p)) for i, p in enumerate(places)
        ]
        buttons = [
            [
                (
                    Verbatim(f"{i + 1}. {p.localized('district', lang)}"),
                    flow_data("place", str(i), version),
                )
            ]
            for i, p in enumerate(places)
        ]
        buttons.append([(msg("Another region"), flow_data("other", "region", version))])
        buttons.append([(msg("Cancel booking"), flow_data("stop", "-", version))])
        return [
            say(
                lang,
                msg("Where would you like to go? Choose the place for your district:"),
                *lines,
                msg("Or send your location to see the three nearest places."),
                request="location",
            ),
            say(lang, msg("Places:"), buttons=buttons),
        ]

    async def _free_days(
        self, db: AsyncSession, place: Place, now: datetime
    ) -> list[tuple[date, list[datetime]]]:
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
        taken = await seats_taken(db, place.id, first, last + timedelta(seconds=1))
        free: list[tuple[date, list[datetime]]] = []
        for day, starts in days:
            open_starts = [s for s in starts if taken.get(s, 0) < place.capacity_per_slot]
            if open_starts:
                free.append((day, open_starts))
        return free

    async def _ask_day(
        self, db: AsyncSession, chat_id: int, draft: Draft, lang: Language, now: datetime
    ) -> list[Outgoing]:
        place = await get_place(db, draft.place_id or "")
        if place is None or not place.active:
            draft.place_id = None
            return await self._ask_place_or_region(db, chat_id, draft, lang, now)
        days = (await self._free_days(db, place, now))[:MAX_DAYS_SHOWN]
        draft.step, draft.region, draft.day = "day", place.region, None
        version = await save_draft(db, chat_id, draft, now)
        other = [(msg("Another place"), flow_data("other", "place", version))]
        stop = [(msg("Cancel booking"), flow_data("stop", "-", version))]
        if not days:
            text = plural(
                "There are no free times at this place in the next {n} day. Please choose "
                "another place, or call the center: {phone}.",
                "There are no free times at this place in the next {n} days. Please choose "
                "another place, or call the center: {phone}.",
                self.settings.horizon_days,
                phone=show_phone(place.phone),
            )
            return [say(lang, PlaceCard(place), text, buttons=[other, stop], remove_keyboard=True)]
        options = [
            (Day(day, fmt="EEE, d MMMM"), flow_data("day", day.isoformat(), version))
            for day, _ in days
        ]
        return [
            say(
                lang,
                PlaceCard(place),
                msg("Choose a day:"),
                buttons=[*rows(options, 2), other, stop],
                remove_keyboard=True,
            )
        ]

    async def _ask_time(
        self, db: AsyncSession, chat_id: int, draft: Draft, lang: Language, now: datetime
    ) -> list[Outgoing]:
        place = await get_place(db, draft.place_id or "")
        if place is None or draft.day is None:
            return await self._ask_day(db, chat_id, draft, lang, now)
        free = dict(await self._free_days(db, place, now))
        starts = free.get(draft.day)
        if not starts:
            return [
                say(lang, msg("There are no free times left that day.")),
                *await self._ask_day(db, chat_id, draft, lang, now),
            ]
        draft.step = "time"
        version = await save_draft(db, chat_id, draft, now)
        options: list[tuple[Renderable, str]] = [
            (
                LocalTime(start, fmt="HH:mm"),
                flow_data("time", start.strftime("%Y%m%d%H%M"), version),
            )
            for start in starts
        ]
        back = [(msg("◀️ Another day"), flow_data("days", "-", version))]
        return [
            say(
                lang,
                msg("{day}: choose a time.", day=Day(draft.day, fmt="EEEE, d MMMM")),
                buttons=[*rows(options, TIME_COLUMNS), back],
            )
        ]

    async def _ask_phone(
        self, db: AsyncSession, chat_id: int, draft: Draft, lang: Language, now: datetime
    ) -> list[Outgoing]:
        draft.step = "phone"
        await save_draft(db, chat_id, draft, now)
        consented = await db.scalar(select(User.consent_at).where(User.chat_id == chat_id))
        if consented is not None:
            privacy = msg(
                "It is kept only with your appointment, under the consent you gave at the "
                "start, and erased by /delete_my_data."
            )
        else:
            privacy = msg(
                "By sending it you agree that it is kept with your appointment, only to contact "
                "you about this visit; /delete_my_data erases it."
            )
        return [
            say(
                lang,
                msg(
                    "The center may need to call you about the visit. Press “📱 Share my phone "
                    "number” below, or type the number (for example +7 701 234 56 78)."
                ),
                privacy,
                request="contact",
            )
        ]

    async def _ask_confirm(
        self, db: AsyncSession, chat_id: int, draft: Draft, lang: Language, now: datetime
    ) -> list[Outgoing]:
        place = await get_place(db, draft.place_id or "")
        if place is None or draft.starts_at is None or draft.phone is None:
            return await self._ask_day(db, chat_id, draft, lang, now)
        draft.step = "confirm"
        version = await save_draft(db, chat_id, draft, now)
        buttons: list[list[tuple[Renderable, str]]] = [
            [(msg("✅ Confirm"), flow_data("confirm", "-", version))],
            [(msg("◀️ Another day"), flow_data("days", "-", version))],
            [(msg("Cancel booking"), flow_data("stop", "-", version))],
        ]
        return [
            say(lang, msg("Thank you."), remove_keyboard=True),
            say(
                lang,
                msg("Please check your booking:"),
                when(draft.starts_at),
                PlaceCard(place),
                msg("Your phone: {phone}", phone=show_phone(draft.phone)),
                buttons=buttons,
            ),
        ]

    async def _book(
        self, db: AsyncSession, chat_id: int, draft: Draft, lang: Language, now: datetime
    ) -> list[Outgoing]:
        place = await get_place(db, draft.place_id or "")
        if place is None or draft.starts_at is None:
            return await self._ask_day(db, chat_id, draft, lang, now)
        try:
            async with db.begin_nested():
                appointment = await book_slot(
                    db,
                    chat_id=chat_id,
                    place=place,
                    starts_at=draft.starts_at,
                    phone=draft.phone,
                    language=lang,
                    now=now,
                    lead_time=self.settings.lead_time,
                    horizon_days=self.settings.horizon_days,
                    reminder_offsets=self.settings.reminder_offsets,
                    replacing=draft.replacing,
                )
        except AlreadyBooked:
            existing = await upcoming_appointment(db, chat_id, now)
            await drop_draft(db, chat_id)
            if existing is None:
                return [say(lang, msg("Something went wrong. Please try /book again."))]
            return await self._card(db, existing, lang, msg("You already have an appointment:"))
        except NoSuchAppointment:
            draft.replacing = None
            return [
                say(lang, msg("The appointment to move is no longer booked; booking a new one.")),
                *await self._ask_confirm(db, chat_id, draft, lang, now),
            ]
        except (SlotFull, BookingRefused):
            draft.starts_at = None
            return [
                say(lang, msg("Sorry, that time has just been taken. Please choose another.")),
                *await self._ask_time(db, chat_id, draft, lang, now),
            ]
        await drop_draft(db, chat_id)
        return await self._confirmation(db, appointment, place, lang, now)

    async def _confirmation(
        self,
        db: AsyncSession,
        appointment: Appointment,
        place: Place,
        lang: Language,
        now: datetime,
    ) -> list[Outgoing]:
        items = await personal_checklist(db, appointment.chat_id, now)
        reminders = [
            plural("{n} hour before", "{n} hours before", int(offset.total_seconds() // 3600))
            for offset in self.settings.reminder_offsets
            if appointment.starts_at - offset > now  # only those actually queued
        ]
        remind = (
            msg(
                "I will remind you: {when}.",
                when=Verbatim(", ".join(r.render(lang) for r in reminders)),
            )
            if reminders
            else None
        )
        summary = say(
            lang,
            msg("You are booked."),
            when(appointment.starts_at),
            PlaceCard(place),
            msg("Center phone: {phone}", phone=show_phone(place.phone)),
            Lines(checklist_lines(items)),
            remind,
            msg("Please come a few minutes early. /my_appointment shows your booking."),
            buttons=appointment_buttons(appointment.id, come=False),
        )
        venue = Outgoing(
            venue=Venue(
                latitude=place.latitude,
                longitude=place.longitude,
                title=place.localized("name", lang),
                address=place.localized("address", lang),
            )
        )
        ics = appointment_ics(appointment, place, lang, [i.render(lang) for i in items], now=now)
        document = Outgoing(
            document=Document(
                filename=f"komek-{appointment.id}.ics",
                content=ics,
                caption=msg("Add the visit to your calendar").render(lang),
            )
        )
        return [summary, venue, document]

    async def _card(
        self, db: AsyncSession, appointment: Appointment, lang: Language, title: Message
    ) -> list[Outgoing]:
        place = await get_place(db, appointment.place_id)
        assert place is not None  # places are never deleted, only deactivated
        return [
            say(
                lang,
                title,
                when(appointment.starts_at),
                PlaceCard(place),
                msg("Center phone: {phone}", phone=show_phone(place.phone)),
                buttons=appointment_buttons(appointment.id, come=appointment.confirmed_at is None),
            )
        ]

    async def _appointment_action(
        self,
        db: AsyncSession,
        chat_id: int,
        lang: Language,
        action: str,
        appointment_id: int,
        now: datetime,
    ) -> list[Outgoing]:
        current = await upcoming_appointment(db, chat_id, now)
        if current is None or current.id != appointment_id:
            gone = msg("This appointment is no longer active.")
            return [say(lang, gone), *await self.my_appointment(db, chat_id, lang, now)]
        if action == "come":
            await confirm_attendance(db, chat_id, appointment_id, now)
            return [
                say(lang, msg("Thank you! We expect you on {when}.", when=when(current.starts_at)))
            ]
        if action == "cancel":
            buttons = [
                [(msg("Yes, cancel it"), appointment_data("cancel_yes", appointment_id))],
                [(msg("No, keep it"), appointment_data("keep", appointment_id))],
            ]
            return [
                say(
                    lang,
                    msg("Cancel your appointment on {when}?", when=when(current.starts_at)),
                    buttons=buttons,
                )
            ]
        if action == "cancel_yes":
            async with db.begin_nested():
                await cancel_appointment(db, chat_id, appointment_id, now)
            await drop_draft(db, chat_id)
            return [
                say(
                    lang,
                    msg("Your appointment is cancelled. You can book again at any time: /book."),
                )
            ]
        if action == "keep":
            return [say(lang, msg("Good, your appointment stays as it is."))]
        if action == "move":
            draft = Draft(place_id=current.place_id, phone=current.phone, replacing=appointment_id)
            return await self._ask_day(db, chat_id, draft, lang, now)
        return await self.my_appointment(db, chat_id, lang, now)

    async def _ask_again(
        self,
        db: AsyncSession,
        chat_id: int,
        stored: StoredDraft,
        lang: Language,
        now: datetime,
        hint: Message | None = None,
    ) -> list[Outgoing]:
        draft = stored.draft
        before = [say(lang, hint)] if hint is not None else []
        if draft.step == "phone":
            return [*before, *await self._ask_phone(db, chat_id, draft, lang, now)]
        if draft.step == "confirm":
            return [*before, *await self._ask_confirm(db, chat_id, draft, lang, now)]
        if draft.step == "time":
            return [*before, *await self._ask_time(db, chat_id, draft, lang, now)]
        if draft.step == "day":
            return [*before, *await self._ask_day(db, chat_id, draft, lang, now)]
        return [*before, *await self._ask_place_or_region(db, chat_id, draft, lang, now)]


_PRESS_HINT: Final = msg("Please choose with the buttons below.")
_REGION_CODES: Final = frozenset(code for code, _, _ in REGIONS)


def _slot_time(value: str) -> datetime | None:
    """A slot start from button data (`YYYYmmddHHMM`, UTC), or None if it is not one."""
    try:
        return datetime.strptime(value, "%Y%m%d%H%M").replace(tzinfo=UTC)
    except ValueError:
        return None


async def _dialog_session(db: AsyncSession, chat_id: int) -> Session | None:
    data = await db.scalar(select(Conversation.data).where(Conversation.chat_id == chat_id))
    if data is None:
        return None
    try:
        return Session.model_validate_json(data)
    except ValidationError:
        return None


async def personal_checklist(db: AsyncSession, chat_id: int, now: datetime) -> list[Renderable]:
    """What to bring, from the user's finished screening answers; the identity card at least."""
    session = await _dialog_session(db, chat_id)
    if session is None or not session.finished:
        return default_checklist()
    try:
        return list(to_bring(session, local_day(now)))
    except (ValueError, KeyError, IndexError, TypeError):
        return default_checklist()
