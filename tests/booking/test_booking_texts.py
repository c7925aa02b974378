"""Pure pieces of the booking conversation: phone numbers, reminder texts, the .ics file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardMarkup
from icalendar import Calendar

from booking.notifications import ReminderDue
from booking.places import Place
from booking.slots import local_moment
from bot.reminders import reminder_call
from common.phone import parse_phone
from common.text import Verbatim
from dialogs.booking.calendar_file import CalendarFile
from tests.booking.conftest import make_place

SLOT = local_moment(date(2026, 12, 3), time(10, 0))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("+7 701 123 45 67", "+77011234567"),
        ("8 (701) 123-45-67", "+77011234567"),
        ("87011234567", "+77011234567"),
        ("77011234567", "+77011234567"),  # a shared contact without the plus sign
        ("+7 7172 55 10 01", "+77172551001"),  # a city number in Astana
        ("+7 916 123 45 67", None),  # a Russian mobile: +7 too, but not Kazakhstan
        ("12345", None),
        ("call me", None),
        ("", None),
    ],
)
def test_phone_numbers_are_validated_as_kazakhstan_numbers(
    typed: str, expected: str | None
) -> None:
    assert parse_phone(typed) == expected


@dataclass
class Due:
    appointment_id: int
    starts_at: datetime
    offset_minutes: int
    language: str


@dataclass
class Outgoing:
    """The reminder as Telegram shows it: its text and its buttons' (label, data) rows."""

    text: str
    buttons: list[list[tuple[str, str]]]


def reminder_message(item: Due, place: Place) -> Outgoing:
    """The reminder as the transport sends it (dialogs.booking.screens, bot.keyboards)."""
    due = ReminderDue(
        item.appointment_id, item.starts_at, item.offset_minutes, item.language, place
    )
    call = reminder_call(1, due)
    assert isinstance(call, SendMessage) and isinstance(call.reply_markup, InlineKeyboardMarkup)
    rows = call.reply_markup.inline_keyboard
    return Outgoing(call.text, [[(b.text, b.callback_data or "") for b in row] for row in rows])


@pytest.mark.parametrize(
    ("language", "hours", "phrase"),
    [
        ("ru", 24, "через 24 часа"),
        ("ru", 2, "через 2 часа"),
        ("ru", 1, "через 1 час"),
        ("ru", 5, "через 5 часов"),
        ("kk", 24, "24 сағат қалды"),
        ("kk", 2, "2 сағат қалды"),
    ],
)
def test_reminders_speak_the_users_language_with_plurals(
    language: str, hours: int, phrase: str
) -> None:
    place = make_place()
    out: Outgoing = reminder_message(Due(7, SLOT, hours * 60, language), place)
    assert phrase in out.text
    assert place.localized("address", "kk" if language == "kk" else "ru") in out.text
    assert [data for row in out.buttons for _, data in row] == [
        "!bk:come:7",
        "!bk:move:7",
        "!bk:cancel:7",
    ]
    assert ("10:00" in out.text) and ("3 декабря" in out.text or "3 желтоқсан" in out.text)


def test_minutes_reminder() -> None:
    out = reminder_message(Due(1, SLOT, 30, "ru"), make_place())
    assert "через 30 минут" in out.text


def test_the_calendar_file_is_in_almaty_time_with_an_alarm() -> None:
    place = make_place()
    now = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
    checklist = [Verbatim("• удостоверение личности")]
    data = CalendarFile(12, SLOT, place, checklist, now).render("ru")
    calendar = Calendar.from_ical(data)
    event = calendar.walk("VEVENT")[0]
    assert str(event["uid"]) == "appointment-12@komek"
    assert event.decoded("dtstart").astimezone(UTC) == SLOT
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=20)
    assert b"TZID=Asia/Almaty" in data and calendar.walk("VTIMEZONE")
    assert "Центр занятости" in str(event["summary"])
    assert str(event["location"]) == place.address_ru
    assert "удостоверение" in str(event["description"])
    assert event.walk("VALARM")[0].decoded("trigger") == timedelta(hours=-2)
