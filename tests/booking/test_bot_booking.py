"""The booking conversation end to end: the real bot polling the fake Bot API, both languages."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from booking.places import Directory, import_directory, load_directory
from booking.slots import local_day
from bot.app import Application
from komek_testing.fake_telegram import FakeTelegram, FakeUser, SentMessage
from komek_testing.players import Player, current_question, label_for
from storage.base import create_engine
from storage.booking import Appointment, Reminder
from tests.bot.conftest import running_bot

SAMPLE = "booking/data/places.sample.yaml"

WORDS = {
    "kk": {
        "booked": "Жазылдыңыз",
        "checklist": "куәлі",
        "day": "күнді",
        "phone_hint": "Қазақстан",
        "buttons_hint": "батырма",
    },
    "ru": {
        "booked": "Вы записаны",
        "checklist": "удостоверение",
        "day": "день",
        "phone_hint": "Казахстан",
        "buttons_hint": "кноп",
    },
}


@pytest.fixture
async def app(fake: FakeTelegram, database_url: str) -> AsyncIterator[Application]:
    engine = create_engine(database_url)
    sample = load_directory(SAMPLE)  # imported as an official directory: production books
    official = [place.model_copy(update={"is_sample": False}) for place in sample.places]
    await import_directory(engine, Directory(sample=False, places=tuple(official)))
    await engine.dispose()
    async with running_bot(fake, database_url) as application:
        yield application


def button_with(message: SentMessage, action: str) -> str:
    """The callback data of the first button whose data is `!bk:<action>:...`."""
    for data in message.callback_data:
        if data.startswith(f"!bk:{action}:"):
            return data
    raise LookupError(f"no {action} button on {message.button_labels}")


def shows_request(user: FakeUser, kind: str) -> bool:
    """Whether the reply keyboard under the input field has a share button of that kind."""
    rows = (user.reply_keyboard or {}).get("keyboard", [])
    return any(button.get(kind) for row in rows for button in row)


def newest_id(user: FakeUser) -> int:
    return max((m.message_id for m in user.messages), default=0)


async def last_with_buttons(user: FakeUser, action: str, after: int = 0) -> SentMessage:
    """The newest message (sent after message `after`) with `action` buttons, waiting for it."""
    deadline = time.monotonic() + 5
    while True:
        await user.wait_idle(quiet=0.1)
        for message in reversed(user.messages):
            if message.message_id > after and any(
                d.startswith(f"!bk:{action}:") for d in message.callback_data
            ):
                return message
        if time.monotonic() > deadline:
            texts = [m.text for m in user.messages[-3:]]
            raise LookupError(f"no message with {action} buttons: {texts}")
        await asyncio.sleep(0.05)


async def press_for(user: FakeUser, data: str, action: str) -> SentMessage:
    """Press a button and wait for the next screen, the one with `action` buttons."""
    before = newest_id(user)
    await user.press(data)
    return await last_with_buttons(user, action, after=before)


@pytest.mark.parametrize("language", ["kk", "ru"])
async def test_book_after_the_result_with_the_contact_button(
    fake: FakeTelegram, app: Application, language: str
) -> None:
    user = fake.user(800_001, language_code=language)
    await user.send_command("/start")
    await user.wait_reply()
    await Player(user, language).play_until("after_result")
    message, _ = current_question(user)
    before = newest_id(user)
    await user.press(label_for(message, "book"))
    places = await last_with_buttons(user, "place", after=before)  # Almaty city, from the intake
    listing = "\n".join(m.text or "" for m in user.messages[-2:])
    assert "Алматы" in listing and len(places.callback_data) == 6  # 4 places, other, stop

    days = await press_for(user, button_with(places, "place"), "day")
    assert WORDS[language]["day"] in (days.text or "").lower()
    times = await press_for(user, button_with(days, "day"), "time")
    before = newest_id(user)
    await user.press(button_with(times, "time"))
    await user.wait_reply()
    assert shows_request(user, "request_contact")
    await user.send_text("12345")  # not a phone: a hint and the same question
    hint = await user.wait_reply()
    assert WORDS[language]["phone_hint"] in (hint.text or "")
    await user.wait_idle(quiet=0.1)
    assert shows_request(user, "request_contact")
    before = newest_id(user)
    await user.share_contact("+77011234567")
    confirm = await last_with_buttons(user, "confirm", after=before)
    assert "+7 701 123 4567" in (confirm.text or "")
    summary = await press_for(user, button_with(confirm, "confirm"), "move")
    await user.wait_idle(quiet=0.3)

    messages = user.messages
    assert WORDS[language]["booked"] in (summary.text or "")
    assert WORDS[language]["checklist"] in (summary.text or "").lower()
    venue = next(m for m in messages if m.kind == "venue")
    assert venue.venue is not None and venue.venue["address"]
    document = next(m for m in messages if m.kind == "document")
    assert document.document is not None and document.document.filename.endswith(".ics")
    event = Calendar.from_ical(document.document.content).walk("VEVENT")[0]

    async with app.sessionmaker() as db:
        booked = (await db.scalars(select(Appointment))).one()
        assert booked.status == "booked" and booked.phone == "+77011234567"
        assert booked.language == language
        # The first confirm button shares the pre-screening summary with the center, and says so.
        assert button_with(confirm, "confirm").startswith("!bk:confirm:share")
        assert booked.share_summary is True and booked.share_summary_at is not None
        assert event.decoded("dtstart").astimezone(UTC) == booked.starts_at
        assert (await db.scalar(select(func.count()).select_from(Reminder)) or 0) >= 1

    # /my_appointment shows it with reschedule and cancel; cancelling frees everything.
    before = newest_id(user)
    await user.send_command("/my_appointment")
    card = await last_with_buttons(user, "cancel", after=before)
    assert button_with(card, "move")
    await user.press(button_with(card, "come"))  # "I will come", as on a reminder
    await user.wait_reply()
    async with app.sessionmaker() as db:
        assert (await db.scalars(select(Appointment))).one().confirmed_at is not None
    sure = await press_for(user, button_with(card, "cancel"), "cancel_yes")
    await user.press(button_with(sure, "cancel_yes"))
    await user.wait_reply()
    async with app.sessionmaker() as db:
        assert (await db.scalars(select(Appointment.status))).one() == "cancelled"
        assert await db.scalar(select(func.count()).select_from(Reminder)) == 0


@pytest.mark.parametrize("language", ["kk", "ru"])
async def test_book_by_command_with_a_location_and_a_typed_phone_then_reschedule(
    fake: FakeTelegram, app: Application, language: str
) -> None:
    user = fake.user(800_002, language_code=language)
    await user.send_command("/book")
    await last_with_buttons(user, "region")
    assert shows_request(user, "request_location")
    await user.send_text("hello")  # not a button: a hint and the same question
    hint = await user.wait_reply()
    assert WORDS[language]["buttons_hint"] in (hint.text or "")
    await user.wait_idle(quiet=0.1)
    before = newest_id(user)
    await user.share_location(51.1282, 71.4304)  # Astana
    places = await last_with_buttons(user, "place", after=before)
    assert len([d for d in places.callback_data if d.startswith("!bk:place:")]) == 3
    assert "Астана" in (places.text or "")
    days = await press_for(user, button_with(places, "place"), "day")
    times = await press_for(user, button_with(days, "day"), "time")
    await user.press(button_with(times, "time"))
    await user.wait_reply()
    before = newest_id(user)
    await user.send_text("8 (701) 765-43-21")
    confirm = await last_with_buttons(user, "confirm", after=before)
    await press_for(user, button_with(confirm, "confirm"), "move")
    async with app.sessionmaker() as db:
        first = (await db.scalars(select(Appointment))).one()
        assert first.phone == "+77017654321"

    # A press on the old confirm button books nothing twice.
    await user.press_on(confirm.message_id, button_with(confirm, "confirm"))
    await user.wait_reply()

    before = newest_id(user)
    await user.send_command("/my_appointment")
    card = await last_with_buttons(user, "move", after=before)
    days = await press_for(user, button_with(card, "move"), "day")
    day_buttons = [d for d in days.callback_data if d.startswith("!bk:day:")]
    times = await press_for(user, day_buttons[-1], "time")
    slots = [d for d in times.callback_data if d.startswith("!bk:time:")]
    confirm = await press_for(user, slots[-1], "confirm")  # the phone is remembered
    await press_for(user, button_with(confirm, "confirm"), "move")
    async with app.sessionmaker() as db:
        rows = (await db.scalars(select(Appointment).order_by(Appointment.id))).all()
        assert [r.status for r in rows] == ["rescheduled", "booked"]
        assert rows[1].starts_at > rows[0].starts_at
        reminders = (await db.scalars(select(Reminder))).all()
        assert reminders and {r.appointment_id for r in reminders} == {rows[1].id}
        assert local_day(rows[1].starts_at) >= local_day(datetime.now(UTC))
