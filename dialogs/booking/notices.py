"""What a citizen is told when the center cancels or moves their visit, or closes that day.

One wording for every front end: the staff web renders it into the Telegram bot's reply outbox
(staff/notices.py), the WhatsApp front end into a text message within WhatsApp's 24-hour window
(whatsapp/notices.py; outside it, an approved template with the same facts goes instead). Plain
text, no buttons: the citizen books again with /book (typed on WhatsApp as on Telegram).
Transport- and database-free, like every screen here: the kind of change, the place (as the
booking port shows it) and the times come in, a translatable message goes out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal

from common.text import LocalTime, Message, Verbatim, msg
from dialogs.booking.port import PlaceInfo
from dialogs.booking.screens import PlaceText

NoticeKind = Literal["cancelled", "moved", "closed"]

WHEN: Final = "d MMMM y, HH:mm"
"""A notice names the day in full, year included: it may come days before the visit."""


def when(moment: datetime) -> LocalTime:
    """The visit's time as a notice shows it (Kazakhstan's time zone)."""
    return LocalTime(moment, fmt=WHEN)


def notice_text(
    kind: str, place: PlaceInfo, starts_at: datetime, new_starts_at: datetime | None = None
) -> Message:
    """The notice as one translatable message (a `moved` one without its new time is worded as
    a cancellation: the citizen must not be told of a time that is not known)."""
    name = PlaceText(place, "name")
    phone = Verbatim(place.phone)
    if kind == "moved" and new_starts_at is not None:
        return msg(
            "The center has moved your visit to {place} from {old} to {new}. Reminders will "
            "come before the new time. If it does not suit you, send /my_appointment to "
            "choose another time or cancel. Questions: {phone}.",
            place=name,
            old=when(starts_at),
            new=when(new_starts_at),
            phone=phone,
        )
    if kind == "closed":
        return msg(
            "{place} is closed on the day of your visit ({old}), so the visit is cancelled. "
            "We apologise. Please choose another day: send /book. Questions: {phone}.",
            place=name,
            old=when(starts_at),
            phone=phone,
        )
    return msg(
        "The center has cancelled your visit to {place} on {old}. We apologise. To choose "
        "another time, send /book. Questions: {phone}.",
        place=name,
        old=when(starts_at),
        phone=phone,
    )
