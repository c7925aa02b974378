"""What the booking conversation and the reminders say, as rendered messages (no Telegram).

`Outgoing` is one message in the user's language: text with inline buttons, a reply keyboard
asking to share the phone or the location, a venue (the place on the map) or a file (the .ics).
Every text goes through `msg`/`plural` (gettext domain `booking`); dates and times are Babel's,
in Kazakhstan's time zone. Callback data: `!bk:<action>:<value>:<version>` for buttons of the
booking steps, `!bk:<action>:<appointment id>` for buttons about one appointment (they stay
valid on old reminders).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal, Protocol

import phonenumbers

from booking.places import Place
from dialogs.i18n import Language
from dialogs.text import LocalTime, Renderable, msg, plural

PREFIX: Final = "!bk"


@dataclass(frozen=True, slots=True)
class Venue:
    latitude: float
    longitude: float
    title: str
    address: str


@dataclass(frozen=True, slots=True)
class Document:
    filename: str
    content: bytes
    caption: str


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message in the user's language: text with inline buttons, or a venue, or a file.

    `request` asks for a reply keyboard with one share button labelled `request_label`;
    `remove_keyboard` takes a previous reply keyboard away.
    """

    text: str = ""
    buttons: tuple[tuple[tuple[str, str], ...], ...] = ()
    request: Literal["contact", "location"] | None = None
    request_label: str = ""
    remove_keyboard: bool = False
    venue: Venue | None = None
    document: Document | None = None


def say(
    lang: Language,
    *parts: Renderable | None,
    buttons: Sequence[Sequence[tuple[Renderable, str]]] = (),
    request: Literal["contact", "location"] | None = None,
    remove_keyboard: bool = False,
) -> Outgoing:
    text = "\n\n".join(p.render(lang) for p in parts if p is not None)
    rendered = tuple(tuple((label.render(lang), data) for label, data in row) for row in buttons)
    label = ""
    if request == "contact":
        label = msg("📱 Share my phone number").render(lang)
    elif request == "location":
        label = msg("📍 Send my location").render(lang)
    return Outgoing(
        text=text,
        buttons=rendered,
        request=request,
        request_label=label,
        remove_keyboard=remove_keyboard,
    )


def rows(
    items: Sequence[tuple[Renderable, str]], columns: int
) -> list[list[tuple[Renderable, str]]]:
    return [list(items[i : i + columns]) for i in range(0, len(items), columns)]


def parse_phone(text: str) -> str | None:
    """A Kazakhstan number in any usual spelling → E.164 (`+77011234567`), else None."""
    cleaned = text.strip()
    digits = "".join(ch for ch in cleaned if ch.isdigit())
    if not cleaned.startswith("+") and len(digits) == 11 and digits[0] == "7":
        cleaned = "+" + digits  # a contact shared without the plus sign
    try:
        number = phonenumbers.parse(cleaned, "KZ")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number_for_region(number, "KZ"):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def show_phone(phone: str) -> str:
    number = phonenumbers.parse(phone, "KZ")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def flow_data(action: str, value: str, version: int) -> str:
    return f"{PREFIX}:{action}:{value}:{version}"


def appointment_data(action: str, appointment_id: int) -> str:
    return f"{PREFIX}:{action}:{appointment_id}"


def is_ours(data: str | None) -> bool:
    return bool(data) and str(data).startswith(PREFIX + ":")


def when(moment: datetime) -> LocalTime:
    return LocalTime(moment, fmt="EEEE, d MMMM y, HH:mm")


@dataclass(frozen=True, slots=True)
class PlaceCard:
    """The place's name and address in the user's language."""

    place: Place

    def render(self, lang: Language) -> str:
        return f"{self.place.localized('name', lang)}\n{self.place.localized('address', lang)}"


def checklist_lines(items: Sequence[Renderable]) -> list[Renderable]:
    return [msg("What to bring:"), *items]


def default_checklist() -> list[Renderable]:
    return [msg("• your identity card (ID card or passport)")]


def appointment_buttons(appointment_id: int, *, come: bool) -> list[list[tuple[Renderable, str]]]:
    rows: list[list[tuple[Renderable, str]]] = []
    if come:
        rows.append([(msg("✅ I will come"), appointment_data("come", appointment_id))])
    rows.append(
        [
            (msg("🔁 Reschedule"), appointment_data("move", appointment_id)),
            (msg("✖️ Cancel"), appointment_data("cancel", appointment_id)),
        ]
    )
    return rows


def reminder_text(place: Place, starts_at: datetime, offset_minutes: int) -> list[Renderable]:
    if offset_minutes % 60 == 0:
        hours = offset_minutes // 60
        lead = plural(
            "Reminder: your visit is in {n} hour.",
            "Reminder: your visit is in {n} hours.",
            hours,
        )
    else:
        lead = plural(
            "Reminder: your visit is in {n} minute.",
            "Reminder: your visit is in {n} minutes.",
            offset_minutes,
        )
    return [
        lead,
        when(starts_at),
        PlaceCard(place),
        msg("Bring your identity card. If you cannot come, please reschedule or cancel."),
    ]


class ReminderItem(Protocol):
    """What the sender knows of a claimed reminder (booking.outbox.ClaimedReminder)."""

    @property
    def appointment_id(self) -> int: ...
    @property
    def starts_at(self) -> datetime: ...
    @property
    def offset_minutes(self) -> int: ...
    @property
    def language(self) -> str: ...


def reminder_message(item: ReminderItem, place: Place) -> Outgoing:
    """The reminder in the user's language, with "I will come" / "Reschedule" / "Cancel"."""
    lang: Language = "kk" if item.language == "kk" else "ru"
    return say(
        lang,
        *reminder_text(place, item.starts_at, item.offset_minutes),
        buttons=appointment_buttons(item.appointment_id, come=True),
    )


@dataclass(frozen=True, slots=True)
class Lines:
    """Several renderables as consecutive lines of one paragraph."""

    lines: list[Renderable]

    def render(self, lang: Language) -> str:
        return "\n".join(line.render(lang) for line in self.lines)
