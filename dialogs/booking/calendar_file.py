"""The appointment as an iCalendar (.ics) file, so the visit lands in the phone's calendar.

A `dialogs.reply.Document`'s content, rendered late like any text: the event's title, alarm
and checklist are in the user's language. Times are written in Asia/Almaty with its VTIMEZONE
(a calendar app shows local time even when the phone is elsewhere); the UID is stable per
appointment, so a rescheduled visit sent again updates the same event in apps that track UIDs.
One alarm two hours before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from icalendar import Alarm, Calendar, Event

from common.i18n import Language
from common.kz import KZ_TIME
from common.text import Renderable, msg
from dialogs.booking.port import PlaceInfo
from dialogs.booking.sample import SAMPLE_NOTE, sample_label

PRODUCT_ID = "-//Komek//Booking//KK-RU"


@dataclass(frozen=True, slots=True)
class CalendarFile:
    """The visit as an .ics file."""

    appointment_id: int
    starts_at: datetime
    place: PlaceInfo
    checklist: Sequence[Renderable]
    now: datetime

    @property
    def filename(self) -> str:
        return f"komek-{self.appointment_id}.ics"

    def render(self, lang: Language) -> bytes:
        place = self.place
        starts = self.starts_at.astimezone(KZ_TIME)
        calendar = Calendar()
        calendar.add("prodid", PRODUCT_ID)
        calendar.add("version", "2.0")
        calendar.add("method", "PUBLISH")
        event = Event()
        event.add("uid", f"appointment-{self.appointment_id}@komek")
        event.add("dtstamp", self.now)
        event.add("dtstart", starts)
        event.add("dtend", starts + timedelta(minutes=place.slot_minutes))
        name = place.localized("name", lang)
        if place.is_sample:
            name = sample_label(name).render(lang)
        title = msg("Visit: {place}", place=name)
        event.add("summary", title.render(lang))
        event.add("location", place.localized("address", lang))
        event.add("geo", (place.latitude, place.longitude))
        lines = [item.render(lang) for item in self.checklist]
        if place.is_sample:
            lines.insert(0, SAMPLE_NOTE.render(lang))
        event.add("description", "\n".join(lines))
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", msg("Visit to the center in two hours").render(lang))
        alarm.add("trigger", timedelta(hours=-2))
        event.add_component(alarm)
        calendar.add_component(event)
        calendar.add_missing_timezones()
        return bytes(calendar.to_ical())
