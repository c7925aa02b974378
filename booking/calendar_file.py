"""The appointment as an iCalendar (.ics) file, so the visit lands in the phone's calendar.

Times are written in Asia/Almaty with its VTIMEZONE (a calendar app shows local time even when
the phone is elsewhere); the UID is stable per appointment, so a rescheduled visit sent again
updates the same event in apps that track UIDs. One alarm two hours before.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from icalendar import Alarm, Calendar, Event

from booking.places import Place
from dialogs.i18n import KZ_TIME, Language
from dialogs.text import msg
from storage.booking import Appointment

PRODUCT_ID = "-//Komek//Booking//KK-RU"


def appointment_ics(
    appointment: Appointment,
    place: Place,
    lang: Language,
    checklist: Sequence[str],
    *,
    now: datetime,
) -> bytes:
    starts = appointment.starts_at.astimezone(KZ_TIME)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"appointment-{appointment.id}@komek")
    event.add("dtstamp", now)
    event.add("dtstart", starts)
    event.add("dtend", starts + timedelta(minutes=place.slot_minutes))
    event.add("summary", msg("Visit: {place}", place=place.localized("name", lang)).render(lang))
    event.add("location", place.localized("address", lang))
    event.add("geo", (place.latitude, place.longitude))
    event.add("description", "\n".join(checklist))
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", msg("Visit to the center in two hours").render(lang))
    alarm.add("trigger", timedelta(hours=-2))
    event.add_component(alarm)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
