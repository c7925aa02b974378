"""Two families, one in Kazakh and one in Russian, screen and book a visit on WhatsApp, end to
end over loopback HTTP: the fake Graph API posts their signed messages to the webhook and
checks every message the app sends against WhatsApp's limits (refusing what the real API
refuses). Only button and list presses and what a person would type."""

from __future__ import annotations

import logging

import pytest
from icalendar import Calendar

from storage.whatsapp import ID_BASE
from tests.whatsapp.conftest import Front
from tests.whatsapp.helpers import rows
from tests.whatsapp.player import ASTANA_ALONE, FAMILY_OF_THREE, Family, play_booking, play_intake


async def book(front: Front, wa_id: str, family: Family) -> None:
    user = front.fake.user(wa_id)
    asked = await play_intake(user, family)
    assert asked[0] == "language" and "consent" in asked and asked[-1] == "after_result"
    steps = await play_booking(user, family)
    assert steps[-2:] == ["phone", "confirm"]
    assert await front.app.delivery.drain(10)


def sent_kinds(front: Front, wa_id: str) -> list[str]:
    return [message.kind for message in front.fake.to(wa_id)]


def calendar_of(front: Front, wa_id: str) -> Calendar:
    (document,) = [m for m in front.fake.to(wa_id) if m.kind == "document"]
    upload = front.fake.uploads[document.payload["document"]["id"]]
    assert document.payload["document"]["filename"].endswith(".ics")
    return Calendar.from_ical(upload.content)


async def test_a_family_in_kazakh_books_by_pressing_and_typing(
    front: Front, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    wa_id = "77011234567"
    family = Family(
        "kk",
        FAMILY_OF_THREE,
        {"region": ["Шымкент"], "age": ["34", "36"], "child_ages": ["5"], "amount": ["150000"]},
        phone="+77011234567",
        contact_card=True,
    )
    await book(front, wa_id, family)

    [(chat_id, channel, language, consent)] = rows(
        front.database_url,
        "SELECT chat_id, channel, language, consent_at IS NOT NULL FROM users WHERE wa_id = :w",
        w=wa_id,
    )
    assert isinstance(chat_id, int) and chat_id > ID_BASE  # never a Telegram id
    assert (channel, language, consent) == ("whatsapp", "kk", 1)
    [(status, phone, appointment_language)] = rows(
        front.database_url,
        "SELECT status, phone, language FROM appointments WHERE chat_id = :c",
        c=chat_id,
    )
    assert (status, phone, appointment_language) == ("booked", "+77011234567", "kk")
    assert rows(front.database_url, "SELECT count(*) FROM screenings WHERE chat_id = :c", c=chat_id)
    kinds = sent_kinds(front, wa_id)
    assert "location" in kinds and "document" in kinds  # the place on the map, the calendar
    assert "interactive/location_request_message" in kinds
    event = calendar_of(front, wa_id).walk("VEVENT")[0]
    assert str(event["summary"]).startswith("Қабылдау: Шымкент") and "(үлгі деректер)" in str(
        event["summary"]
    )
    texts = " ".join(m.text for m in front.fake.to(wa_id))
    assert "АӘК" in texts and "Сіз" in texts
    assert front.fake.refused == []  # every message within WhatsApp's limits
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in ("77011234567", "7011234567", "701 234", "150000", "Сәлеметсіз"):
        assert secret not in logged


async def test_a_family_in_russian_books_paging_with_more(
    front: Front, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    wa_id = "77057654321"
    family = Family("ru", ASTANA_ALONE, {"age": ["40"], "amount": ["0"]}, phone="8 705 765 43 21")
    await book(front, wa_id, family)

    [(chat_id,)] = rows(front.database_url, "SELECT chat_id FROM users WHERE wa_id = :w", w=wa_id)
    [(status, phone)] = rows(
        front.database_url, "SELECT status, phone FROM appointments WHERE chat_id = :c", c=chat_id
    )
    assert (status, phone) == ("booked", "+77057654321")
    # The 20 regions and the day's times came as lists paged with "More…", never over 10 rows.
    pages = [m for m in front.fake.to(wa_id) if any(c.startswith("p|") for c, _, _ in m.choices)]
    assert pages and all(len(m.choices) <= 10 for m in front.fake.to(wa_id))
    assert any(title == "Ещё…" for m in pages for _, title, _ in m.choices)
    texts = " ".join(m.text for m in front.fake.to(wa_id))
    assert "Вы записаны." in texts and "АСП" in texts
    assert "document" in sent_kinds(front, wa_id) and "location" in sent_kinds(front, wa_id)
    assert front.fake.refused == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in ("77057654321", "705 765", "Сәлеметсіз"):
        assert secret not in logged
    # The sent rows of the outbox keep neither the number nor the text.
    assert rows(
        front.database_url,
        "SELECT count(*) FROM whatsapp_outbox WHERE recipient != '' OR body != ''",
    ) == [(0,)]
