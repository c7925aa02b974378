"""Every screen of the booking conversation, and the reminder: `Reply` objects, no Telegram.

Texts are `msg`/`plural` (gettext domain `booking`), dates and times Babel's in Kazakhstan's
time zone, place names and addresses are taken in the user's language: all rendered late, per
language, by the front end. Buttons are `Option`s of two kinds, told apart by `Reply.question`:

- `STEP`: a step of the booking in progress (`action:value`); the front end adds the draft's
  version, so a press on an old screen is recognised;
- `APPOINTMENT`: about one booked appointment (`action:appointment id`); they stay valid on old
  messages (a reminder of yesterday).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final, Literal

from common.i18n import Language
from common.phone import show_phone
from common.text import Day, LocalTime, Message, Renderable, msg, plural
from dialogs.booking.calendar_file import CalendarFile
from dialogs.booking.draft import Draft
from dialogs.booking.port import AppointmentInfo, PlaceInfo
from dialogs.booking.sample import SAMPLE_NOTE, sample_label
from dialogs.regions import REGION_LABELS, REGIONS
from dialogs.reply import Attachment, Document, Lines, Option, Reply, Venue, paragraphs

STEP: Final = "booking"
"""`Reply.question` of the buttons of the booking steps."""
APPOINTMENT: Final = "appointment"
"""`Reply.question` of the buttons about one appointment."""
HANDOFF: Final = "booking"
"""`Reply.handoff` that starts the booking conversation (the intake's "Book a visit")."""
NO_VALUE: Final = "-"

DAY_COLUMNS: Final = 1
"""One day a row: a day is named in full (`1 желтоқсан, сейсенбі`), too long for two a row."""
REGION_COLUMNS: Final = 2
TIME_COLUMNS: Final = 4

Row = Sequence[Option]


def step(action: str, label: Renderable, value: str = NO_VALUE) -> Option:
    """A button of the booking in progress."""
    return Option(f"{action}:{value}", label)


def about(action: str, appointment_id: int, label: Renderable) -> Option:
    """A button about one appointment."""
    return Option(f"{action}:{appointment_id}", label)


def button_parts(value: str) -> tuple[str, str]:
    """An option's value as (action, value): what travels in the button."""
    action, _, rest = value.partition(":")
    return action, rest


def say(
    *parts: Renderable | None,
    rows: Sequence[Row] = (),
    question: str = STEP,
    request: Literal["contact", "location"] | None = None,
    ends_request: bool = False,
    attachments: tuple[Attachment, ...] = (),
) -> Reply:
    """One message: paragraphs, then buttons in `rows` (or a request for the phone or the
    location, its share button labelled), then the attachments."""
    if request is not None:
        share = Option(request, _SHARE_LABELS[request])
        return Reply(text=paragraphs(*parts), request=request, options=(share,))
    options = tuple(option for row in rows for option in row)
    return Reply(
        text=paragraphs(*parts),
        question=question if options else None,
        options=options,
        layout=tuple(len(row) for row in rows),
        ends_request=ends_request,
        attachments=attachments,
    )


def grid(options: Sequence[Option], columns: int) -> list[Row]:
    return [options[i : i + columns] for i in range(0, len(options), columns)]


_SHARE_LABELS: Final = {
    "contact": msg("📱 Share my phone number"),
    "location": msg("📍 Send my location"),
}


@dataclass(frozen=True, slots=True)
class PlaceText:
    """A place's name, address or district in the user's language (a name or district of a
    sample place says so)."""

    place: PlaceInfo
    what: Literal["name", "address", "district"]
    number: int | None = None
    """Shown as `3. …` when set (the place's number in a list)."""

    def render(self, lang: Language) -> str:
        text = self.place.localized(self.what, lang)
        if self.place.is_sample and self.what != "address":
            text = sample_label(text).render(lang)
        return text if self.number is None else f"{self.number}. {text}"


@dataclass(frozen=True, slots=True)
class PlaceCard:
    """The place's name and address in the user's language (and the sample note)."""

    place: PlaceInfo

    def render(self, lang: Language) -> str:
        card = f"{self.place.localized('name', lang)}\n{self.place.localized('address', lang)}"
        return f"{card}\n{SAMPLE_NOTE.render(lang)}" if self.place.is_sample else card


@dataclass(frozen=True, slots=True)
class Joined:
    """Several renderables on one line: `24 hours before, 2 hours before`."""

    parts: tuple[Renderable, ...]
    separator: str = ", "

    def render(self, lang: Language) -> str:
        return self.separator.join(part.render(lang) for part in self.parts)


def when(moment: datetime) -> LocalTime:
    return LocalTime(moment, fmt="appointment")


def _stop() -> Row:
    return [step("stop", msg("Cancel booking"))]


# --- choosing the place -------------------------------------------------------------------


def ask_region() -> list[Reply]:
    """No region known (or none with places): the regions, and the location button."""
    buttons = [step("region", label, code) for code, label, _ in REGIONS]
    return [
        say(
            msg(
                "Where would you like to apply? Choose your region below, or press "
                "“📍 Send my location” and I will show the three nearest places."
            ),
            request="location",
        ),
        say(msg("Regions:"), rows=[*grid(buttons, REGION_COLUMNS), _stop()]),
    ]


def where_to_apply(settlement: str | None = None) -> Message:
    """Where to apply without booking (the place and the online way)."""
    if settlement == "rural":
        return msg(
            "You can apply without booking: come with your identity card to the akimat of "
            "your village or rural district, or apply online at egov.kz."
        )
    if settlement == "urban":
        return msg(
            "You can apply without booking: come with your identity card to the employment "
            "(career) center of your district, or apply online at egov.kz."
        )
    return msg(
        "You can apply without booking: come with your identity card to the employment "
        "(career) center of your district (in a village, to the rural akimat), or apply online "
        "at egov.kz."
    )


def not_available_in(region: str, settlement: str | None = None) -> list[Reply]:
    """The region has no place open for booking: say so, where to apply, another region."""
    rows: list[Row] = [[step("other", msg("Another region"), "region")], _stop()]
    label = REGION_LABELS.get(region)
    lead = (
        msg("Booking a visit is not yet available in this region.")
        if label is None
        else msg("Booking a visit is not yet available in this region: {region}.", region=label)
    )
    return [say(lead, where_to_apply(settlement), rows=rows, ends_request=True)]


def booking_unavailable(region: str | None, settlement: str | None = None) -> list[Reply]:
    """No place is open for booking anywhere (no directory loaded): the booking ends."""
    label = REGION_LABELS.get(region or "")
    lead = (
        msg("Booking a visit is not yet available.")
        if label is None
        else msg("Booking a visit is not yet available in this region: {region}.", region=label)
    )
    return [say(lead, where_to_apply(settlement), ends_request=True)]


def ask_place(places: Sequence[PlaceInfo]) -> list[Reply]:
    """The places of the region, by district, and the location button."""
    lines = [msg("{number}. {card}", number=i + 1, card=PlaceCard(p)) for i, p in enumerate(places)]
    rows: list[Row] = [
        [step("place", PlaceText(p, "district", i + 1), str(i))] for i, p in enumerate(places)
    ]
    rows.append([step("other", msg("Another region"), "region")])
    rows.append(_stop())
    return [
        say(
            msg("Where would you like to go? Choose the place for your district:"),
            *lines,
            msg("Or send your location to see the three nearest places."),
            request="location",
        ),
        say(msg("Places:"), rows=rows),
    ]


def ask_nearest(found: Sequence[tuple[PlaceInfo, float]]) -> list[Reply]:
    """The places nearest to the location the user sent."""
    lines: list[Renderable] = [msg("The places nearest to you:")]
    rows: list[Row] = []
    for index, (place, km) in enumerate(found):
        lines.append(
            msg(
                "{number}. {card}\n≈ {km} km",
                number=index + 1,
                card=PlaceCard(place),
                km=max(1, round(km)),
            )
        )
        rows.append([step("place", PlaceText(place, "district", index + 1), str(index))])
    rows.append(_stop())
    return [say(*lines, msg("Choose the place:"), rows=rows, ends_request=True)]


# --- day, time, phone, confirmation -------------------------------------------------------


def ask_day(place: PlaceInfo, days: Sequence[date], horizon_days: int) -> list[Reply]:
    other = [step("other", msg("Another place"), "place")]
    if not days:
        text = plural(
            "There are no free times at this place in the next {n} day. Please choose "
            "another place, or call the center: {phone}.",
            "There are no free times at this place in the next {n} days. Please choose "
            "another place, or call the center: {phone}.",
            horizon_days,
            phone=show_phone(place.phone),
        )
        return [say(PlaceCard(place), text, rows=[other, _stop()], ends_request=True)]
    buttons = [step("day", Day(day, fmt="weekday"), day.isoformat()) for day in days]
    return [
        say(
            PlaceCard(place),
            msg("Choose a day:"),
            rows=[*grid(buttons, DAY_COLUMNS), other, _stop()],
            ends_request=True,
        )
    ]


def no_times_left() -> Reply:
    return say(msg("There are no free times left that day."))


def ask_time(day: date, starts: Sequence[datetime]) -> list[Reply]:
    buttons = [
        step("time", LocalTime(start, fmt="HH:mm"), start.strftime("%Y%m%d%H%M"))
        for start in starts
    ]
    back = [step("days", msg("◀️ Another day"))]
    return [
        say(
            msg("{day}: choose a time.", day=Day(day, fmt="weekday")),
            rows=[*grid(buttons, TIME_COLUMNS), back],
        )
    ]


def ask_phone(consented: bool) -> list[Reply]:
    if consented:
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
            msg(
                "The center may need to call you about the visit. Press “📱 Share my phone "
                "number” below, or type the number (for example +7 701 234 56 78)."
            ),
            privacy,
            request="contact",
        )
    ]


SHARE: Final = "share"
PRIVATE: Final = "private"
"""Values of the confirm button when the citizen has a pre-screening: whether the center may
see its summary with the appointment (the staff web shows it only then)."""


def ask_confirm(draft: Draft, place: PlaceInfo, *, screened: bool = False) -> list[Reply]:
    """The booking to check. With a finished pre-screening, confirming also answers whether
    the center may see its summary: two confirm buttons, never a default."""
    assert draft.starts_at is not None and draft.phone is not None
    confirm: list[Row]
    texts: list[Renderable] = [
        msg("Please check your booking:"),
        when(draft.starts_at),
        PlaceCard(place),
        msg("Your phone: {phone}", phone=show_phone(draft.phone)),
    ]
    if screened:
        texts.append(
            msg(
                "May the center see your answers and the estimate with this booking? The "
                "interview then starts prepared. You can book either way; /delete_my_data "
                "erases them."
            )
        )
        confirm = [
            [step("confirm", msg("✅ Book and share answers"), SHARE)],
            [step("confirm", msg("✅ Book, do not share"), PRIVATE)],
        ]
    else:
        confirm = [[step("confirm", msg("✅ Confirm"))]]
    rows: list[Row] = [*confirm, [step("days", msg("◀️ Another day"))], _stop()]
    return [
        say(msg("Thank you."), ends_request=True),
        say(*texts, rows=rows),
    ]


def booked(
    appointment: AppointmentInfo,
    place: PlaceInfo,
    checklist: Sequence[Renderable],
    reminders: Sequence[timedelta],
    now: datetime,
) -> list[Reply]:
    """The booking is made: the summary, the place on the map and the calendar file."""
    hours = [
        plural("{n} hour before", "{n} hours before", int(offset.total_seconds() // 3600))
        for offset in reminders
    ]
    remind = msg("I will remind you: {when}.", when=Joined(tuple(hours))) if hours else None
    calendar = CalendarFile(appointment.id, appointment.starts_at, place, checklist, now)
    document = Document(
        filename=calendar.filename,
        content=calendar,
        caption=msg("Add the visit to your calendar"),
    )
    venue = Venue(
        latitude=place.latitude,
        longitude=place.longitude,
        title=PlaceText(place, "name"),
        address=PlaceText(place, "address"),
    )
    summary = say(
        msg("You are booked."),
        when(appointment.starts_at),
        PlaceCard(place),
        msg("Center phone: {phone}", phone=show_phone(place.phone)),
        Lines((msg("What to bring:"), *checklist)),
        remind,
        msg("Please come a few minutes early. /my_appointment shows your booking."),
        rows=appointment_rows(appointment.id, come=False),
        question=APPOINTMENT,
        attachments=(venue, document),
    )
    return [summary]


def default_checklist() -> list[Renderable]:
    return [msg("• your identity card (ID card or passport)")]


# --- one appointment ----------------------------------------------------------------------


def appointment_rows(appointment_id: int, *, come: bool) -> list[Row]:
    rows: list[Row] = []
    if come:
        rows.append([about("come", appointment_id, msg("✅ I will come"))])
    rows.append(
        [
            about("move", appointment_id, msg("🔁 Reschedule")),
            about("cancel", appointment_id, msg("✖️ Cancel")),
        ]
    )
    return rows


def card(appointment: AppointmentInfo, place: PlaceInfo, title: Message) -> list[Reply]:
    return [
        say(
            title,
            when(appointment.starts_at),
            PlaceCard(place),
            msg("Center phone: {phone}", phone=show_phone(place.phone)),
            rows=appointment_rows(appointment.id, come=appointment.confirmed_at is None),
            question=APPOINTMENT,
        )
    ]


def already_booked_title() -> Message:
    return msg("You already have an appointment:")


def your_appointment_title() -> Message:
    return msg("Your appointment:")


def no_appointment() -> Reply:
    return say(msg("You have no upcoming appointment. To book a visit, send /book."))


def appointment_gone() -> Reply:
    return say(msg("This appointment is no longer active."))


def see_you(starts_at: datetime) -> Reply:
    return say(msg("Thank you! We expect you on {when}.", when=when(starts_at)))


def ask_cancel(appointment: AppointmentInfo) -> Reply:
    rows: list[Row] = [
        [about("cancel_yes", appointment.id, msg("Yes, cancel it"))],
        [about("keep", appointment.id, msg("No, keep it"))],
    ]
    return say(
        msg("Cancel your appointment on {when}?", when=when(appointment.starts_at)),
        rows=rows,
        question=APPOINTMENT,
    )


def cancelled() -> Reply:
    return say(msg("Your appointment is cancelled. You can book again at any time: /book."))


def kept() -> Reply:
    return say(msg("Good, your appointment stays as it is."))


def reminder(
    appointment_id: int, starts_at: datetime, offset_minutes: int, place: PlaceInfo
) -> Reply:
    """The reminder of a visit, with "I will come" / "Reschedule" / "Cancel"."""
    if offset_minutes % 60 == 0:
        lead = plural(
            "Reminder: your visit is in {n} hour.",
            "Reminder: your visit is in {n} hours.",
            offset_minutes // 60,
        )
    else:
        lead = plural(
            "Reminder: your visit is in {n} minute.",
            "Reminder: your visit is in {n} minutes.",
            offset_minutes,
        )
    return say(
        lead,
        when(starts_at),
        PlaceCard(place),
        msg("Bring your identity card. If you cannot come, please reschedule or cancel."),
        rows=appointment_rows(appointment_id, come=True),
        question=APPOINTMENT,
    )


# --- hints and endings --------------------------------------------------------------------


def stopped() -> Reply:
    return say(msg("Booking stopped. Send /book to start again."), ends_request=True)


def button_gone() -> Reply:
    return say(msg("This button is no longer active. To book a visit, send /book."))


def older_button() -> Reply:
    return say(msg("This button is from an older message."))


def press_hint() -> Reply:
    return say(msg("Please choose with the buttons below."))


def not_a_phone() -> Reply:
    return say(
        msg(
            "That does not look like a Kazakhstan phone number. Type it like "
            "+7 701 234 56 78, or press the button below."
        )
    )


def not_a_kazakhstan_phone() -> Reply:
    return say(msg("This number is not a Kazakhstan one. Please type a Kazakhstan number."))


def something_went_wrong() -> Reply:
    return say(msg("Something went wrong. Please try /book again."))


def nothing_to_move() -> Reply:
    return say(msg("The appointment to move is no longer booked; booking a new one."))


def slot_taken() -> Reply:
    return say(msg("Sorry, that time has just been taken. Please choose another."))
