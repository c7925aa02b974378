"""Where booking is not possible, and sample data: never an empty list, never a sample in
production, and every sample place saying so wherever it is shown."""

from __future__ import annotations

import asyncio
import logging

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from booking.places import (
    SAMPLE_DIRECTORY,
    Directory,
    directory_status,
    import_directory,
    load_directory,
    load_sample_if_empty,
)
from booking.service import BookingService
from booking.settings import BookingSettings
from bot.places_check import warn_about_directory
from dialogs.booking import screens
from dialogs.booking.calendar_file import CalendarFile
from dialogs.booking.flow import Start
from dialogs.reply import RenderedDocument, RenderedVenue, render
from storage.base import create_engine, session_maker
from storage.places import PlaceRow
from tests.booking.conftest import NOW, make_place
from tests.booking.fake_booking_port import FakeBookingPort, FakeCitizen, FakePlace, slots
from tests.booking.test_booking_screens import DAY1, Chat, make_port

WHERE = "egov.kz"


async def test_without_any_place_booking_says_where_to_apply_and_ends() -> None:
    chat = Chat(FakeBookingPort([]), FakeCitizen(known_region="KZ-35", known_settlement="rural"))
    (reply,) = await chat.start()
    assert "Запись на приём в этом регионе пока недоступна: Карагандинская область." in reply.text
    assert "акимат вашего села" in reply.text and WHERE in reply.text
    assert reply.options == () and reply.request is None  # no list at all, not an empty one
    assert chat.current is None  # the booking ended


async def test_without_any_place_and_no_region_known() -> None:
    chat = Chat(FakeBookingPort([]))
    (reply,) = await chat.start()
    assert reply.text.startswith("Запись на приём пока недоступна.")
    assert "карьерный центр (центр занятости) вашего района, а в селе" in reply.text


async def test_a_region_without_places_says_so_with_another_region_one_tap_away() -> None:
    chat = Chat(make_port(), FakeCitizen(known_region="KZ-35", known_settlement="urban"))
    (reply,) = await chat.start()
    assert "пока недоступна: Карагандинская область" in reply.text and WHERE in reply.text
    assert chat.buttons() == ["other:region", "stop:-"]
    await chat.press("other:region")
    assert "region:KZ-35" in chat.buttons()
    await chat.press("region:KZ-35")  # picked from the list: the same plain answer
    assert chat.buttons() == ["other:region", "stop:-"]
    assert "Карагандинская область" in chat.text_shown


async def test_the_places_for_the_citizens_settlement_come_first() -> None:
    places = [
        FakePlace("C1", "KZ-15", "Aktobe center"),
        FakePlace("R1", "KZ-15", "Martuk akimat", kind="rural_akimat"),
    ]
    port = FakeBookingPort(places)
    village = Chat(port, FakeCitizen(known_region="KZ-15", known_settlement="rural"))
    await village.start()
    assert village.current is not None and village.current.draft.offered == ["R1", "C1"]
    town = Chat(port, FakeCitizen(known_region="KZ-15", known_settlement="urban"))
    await town.start()
    assert town.current is not None and town.current.draft.offered == ["C1", "R1"]


@pytest.mark.parametrize("value", ["²", "٣", "1" * 4301, "-1", "99", ""])
async def test_a_forged_place_button_gets_the_hint(value: str) -> None:
    chat = Chat(make_port(), FakeCitizen(known_region="KZ-71"))
    await chat.start()
    await chat.press(f"place:{value}")
    assert "Пожалуйста, выберите с помощью кнопок ниже." in chat.text_shown
    assert chat.buttons()[:3] == ["place:0", "place:1", "place:2"]


# --- the sample flag ----------------------------------------------------------------------


async def test_a_sample_place_says_so_on_buttons_cards_calendar_and_reminders() -> None:
    sample = FakePlace("A1", "KZ-71", "Esil", is_sample=True)
    port = FakeBookingPort([sample], free={"A1": [(DAY1, slots(DAY1, 10, 11))]})
    chat = Chat(port, FakeCitizen(known_region="KZ-71"))
    request, listing = await chat.start()
    assert "⚠️ Тестовые данные для демонстрации" in request.text
    assert listing.options[0].label == "1. district of Esil (ru) (тестовые данные)"
    days = await chat.press("place:0")
    assert "⚠️ Тестовые данные" in days[0].text
    await chat.press(chat.first("day"))
    await chat.press(chat.first("time"))
    await chat.text("+7 701 123 45 67")
    booked = (await chat.press("confirm:-"))[-1]
    assert "⚠️ Тестовые данные" in booked.text
    venue, document = booked.attachments
    assert isinstance(venue, RenderedVenue) and venue.title == "Esil (ru) (тестовые данные)"
    assert isinstance(document, RenderedDocument)
    event = Calendar.from_ical(document.content).walk("VEVENT")[0]
    assert "(тестовые данные)" in str(event["summary"])
    assert "Тестовые данные для демонстрации" in str(event["description"])
    (reminder,) = render([screens.reminder(7, slots(DAY1, 10)[0], 120, sample)], "kk")
    assert "Көрсетуге арналған үлгі деректер" in reminder.text


def test_an_official_place_carries_no_sample_mark() -> None:
    place = FakePlace("A1", "KZ-71", "Esil")
    (reminder,) = render([screens.reminder(7, slots(DAY1, 10)[0], 120, place)], "ru")
    calendar = CalendarFile(1, slots(DAY1, 10)[0], place, [], NOW).render("ru")
    assert "естовые данные" not in reminder.text and "естовые" not in calendar.decode()


# --- the service, the sample directory and the start-up warning (database) -----------------


async def test_production_never_offers_or_books_a_sample_place(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        assert await load_sample_if_empty(engine) == len(load_directory(SAMPLE_DIRECTORY).places)
        async with session_maker(engine)() as db:
            flags = set(await db.scalars(select(PlaceRow.is_sample)))
            assert flags == {True}  # the stored flag, not a name
            production = BookingService(db, BookingSettings())
            assert not production.settings.sample_places
            assert await production.places_in("KZ-71") == []
            assert await production.nearest(51.1, 71.4, 3) == []
            assert not await production.has_open_places()
            refused = await production.book(
                1, place_id="KZ-71-esil-ec", starts_at=NOW, phone=None, language="ru",
                replacing=None, now=NOW,
            )  # fmt: skip
            assert refused == "slot_taken"
            demo = BookingService(db, BookingSettings().model_copy(update={"sample_places": True}))
            assert len(await demo.places_in("KZ-71")) == 3 and await demo.has_open_places()
            citizen = FakeCitizen(known_region="KZ-71")
            no_booking = await Chat(production, citizen).act(Start())  # type: ignore[arg-type]
            assert "пока недоступна" in no_booking[0].text
    finally:
        await engine.dispose()


async def test_the_sample_is_loaded_into_an_empty_database_only(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        official = Directory(sample=False, places=(make_place(),))
        await import_directory(engine, official, now=NOW)
        assert await load_sample_if_empty(engine) == 0
        status = await directory_status(engine)
        assert (status.official, status.sample) == (1, 0)
        async with session_maker(engine)() as db:
            assert await db.scalar(select(func.count()).select_from(PlaceRow)) == 1
    finally:
        await engine.dispose()


async def test_the_bot_warns_at_start_without_an_official_directory(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_engine(sqlite_url)
    try:
        with caplog.at_level(logging.WARNING, logger="bot.places_check"):
            await warn_about_directory(engine, demo=False)
        assert "no official directory of places is loaded" in caplog.text
        caplog.clear()
        await import_directory(engine, Directory(sample=False, places=(make_place(),)), now=NOW)
        with caplog.at_level(logging.WARNING, logger="bot.places_check"):
            await warn_about_directory(engine, demo=False)
        assert caplog.text == ""
    finally:
        await engine.dispose()


async def test_workers_started_at_once_load_the_sample_once(postgres_url: str) -> None:
    """DEMO=1 with several workers on an empty database: each loads it only if no other did,
    and none crashes on the other's rows (found by the multi-worker load test)."""
    engines = [create_engine(postgres_url) for _ in range(4)]
    try:
        loaded = await asyncio.gather(*(load_sample_if_empty(engine) for engine in engines))
        assert sorted(loaded)[-1] == len(load_directory(SAMPLE_DIRECTORY).places)
        assert sum(1 for count in loaded if count) == 1
        async with session_maker(engines[0])() as db:
            total = await db.scalar(select(func.count()).select_from(PlaceRow))
            assert total == len(load_directory(SAMPLE_DIRECTORY).places)
    finally:
        for engine in engines:
            await engine.dispose()
