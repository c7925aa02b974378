"""The center's notices reach WhatsApp citizens, over loopback HTTP with the fake Graph API.

The staff side runs as the staff routes run it (a booking.staff_actions change, then
staff.notices.queue, in one transaction); the WhatsApp front end's hand-over (whatsapp/notices.py)
then sends the notice: the Telegram wording as a text within the 24-hour window, the approved
template in the citizen's language outside it. A Telegram citizen's notice still goes to the
bot's reply outbox, and "delete my data" takes pending notices along.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import orjson
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from booking import notice_outbox
from booking.appointments import book_slot
from booking.places import Place, get_place
from booking.slots import upcoming_days
from booking.staff_actions import CitizenNotice, cancel_by_staff, close_day, move_by_staff
from bot import store as bot_store
from common.kz import local_day
from dialogs.booking.notices import when
from komek_testing.fake_graph import FakeWhatsAppUser, SentMessage
from staff import notices
from storage.base import create_engine, session_maker, utc_now
from storage.booking import Appointment
from storage.conversation import User
from storage.notices import CitizenNoticeRow
from storage.places import PlaceRow
from storage.whatsapp import ID_BASE
from tests.whatsapp.conftest import Front
from tests.whatsapp.helpers import rows
from tests.whatsapp.player import ASTANA_ALONE, Family, play_booking, play_intake
from whatsapp.notices import NoticeSender

CANCELLED, MOVED = "komek_visit_cancelled", "komek_visit_moved"
NOTICE_TEMPLATES = {
    (CANCELLED, "kk"): 3,
    (CANCELLED, "ru"): 3,
    (MOVED, "kk"): 4,
    (MOVED, "ru"): 4,
}


def sender(front: Front, clock: datetime) -> NoticeSender:
    """The front end's hand-over with a clock of the test's own (the notice templates are
    approved: the fake refuses a template it does not know)."""
    front.fake.templates.update(NOTICE_TEMPLATES)
    return NoticeSender(
        front.app.sessionmaker, front.app.delivery, front.settings, clock=lambda: clock
    )


async def staff_does(
    front: Front,
    action: Callable[..., object],
    *args: object,
) -> list[CitizenNotice]:
    """A staff action and its notices, queued in the same transaction (as the routes do)."""
    async with front.app.sessionmaker() as db, db.begin():
        done = await action(db, *args)  # type: ignore[misc]
        told = done if isinstance(done, list) else [done]
        assert told and all(isinstance(n, CitizenNotice) for n in told), done
        places: dict[str, Place] = {}
        for notice in told:
            place = await get_place(db, notice.place_id)
            assert place is not None
            places[place.id] = place
        await notices.queue(db, told, places, utc_now())
    return told


async def greeted(front: Front, wa_id: str) -> tuple[FakeWhatsAppUser, int]:
    """A WhatsApp user who wrote once (so they have a users row and a window)."""
    user = front.fake.user(wa_id)
    await user.send_text("/start")
    await user.replies()
    [(chat_id,)] = rows(front.database_url, "SELECT chat_id FROM users WHERE wa_id = :w", w=wa_id)
    assert isinstance(chat_id, int)
    return user, chat_id


async def booked(front: Front, chat_id: int, language: str, nth: int = 0) -> int:
    """A visit of the first sample place, at its `nth` slot three days or more ahead."""
    async with front.app.sessionmaker() as db, db.begin():
        await db.execute(
            text("UPDATE users SET language = :l WHERE chat_id = :c"),
            {"l": language, "c": chat_id},
        )
        place = await first_place(db)
        start = slots_after(place, utc_now() + timedelta(days=3))[nth]
        appointment = await book_slot(
            db,
            chat_id=chat_id,
            place=place,
            starts_at=start,
            phone="+77010000000",
            language=language,
            now=utc_now(),
        )
    return appointment.id


async def first_place(db: AsyncSession) -> Place:
    place_id = await db.scalar(select(PlaceRow.id).order_by(PlaceRow.id).limit(1))
    place = await get_place(db, str(place_id))
    assert place is not None
    return place


def slots_after(place: Place, moment: datetime) -> list[datetime]:
    """The place's bookable starts after `moment`, in order."""
    return [
        start
        for _day, starts in upcoming_days(place, utc_now(), horizon_days=14)
        for start in starts
        if start > moment
    ]


def notice_rows(front: Front, chat_id: int) -> list[tuple[object, ...]]:
    return rows(
        front.database_url,
        "SELECT kind, status FROM citizen_notices WHERE chat_id = :c ORDER BY id",
        c=chat_id,
    )


def telegram_replies(front: Front, chat_id: int) -> list[tuple[object, ...]]:
    return rows(front.database_url, "SELECT body FROM reply_outbox WHERE chat_id = :c", c=chat_id)


def template_of(message: SentMessage) -> tuple[str, str, list[str]]:
    template = message.payload["template"]
    parameters = [p["text"] for p in template["components"][0]["parameters"]]
    return template["name"], template["language"]["code"], parameters


async def test_a_citizen_who_booked_on_whatsapp_is_told_by_text_within_the_window(
    front: Front, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    wa_id = "77057650001"
    user = front.fake.user(wa_id)
    family = Family("ru", ASTANA_ALONE, {"age": ["40"], "amount": ["0"]}, phone="8 705 765 00 01")
    await play_intake(user, family)
    await play_booking(user, family)
    assert await front.app.delivery.drain(10)
    [(chat_id, appointment_id)] = rows(
        front.database_url,
        "SELECT a.chat_id, a.id FROM appointments a JOIN users u ON u.chat_id = a.chat_id"
        " WHERE u.wa_id = :w AND a.status = 'booked'",
        w=wa_id,
    )
    assert isinstance(chat_id, int)
    sent_before = len(front.fake.to(wa_id))

    [notice] = await staff_does(front, cancel_by_staff, appointment_id, utc_now())
    assert notice.kind == "cancelled" and notice.language == "ru"
    assert telegram_replies(front, chat_id) == []  # the Telegram bot cannot reach them
    assert notice_rows(front, chat_id) == [("cancelled", "pending")]

    assert await sender(front, utc_now()).run_once() == 1
    assert await front.app.delivery.drain(10)
    [told] = front.fake.to(wa_id)[sent_before:]
    assert told.kind == "text"
    assert "отменил ваш приём" in told.text and "/book" in told.text
    assert "(тестовые данные)" in told.text  # a SAMPLE place says so
    assert notice_rows(front, chat_id) == [("cancelled", "sent")]
    assert await sender(front, utc_now()).run_once() == 0  # once only
    assert front.fake.refused == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (wa_id, "705 765", "отменил"):
        assert secret not in logged


async def test_outside_the_window_the_template_goes_in_the_citizens_language(
    front: Front,
) -> None:
    _, chat_kk = await greeted(front, "77057650002")
    _, chat_ru = await greeted(front, "77057650003")
    moved_id = await booked(front, chat_kk, "kk")
    cancelled_id = await booked(front, chat_ru, "ru", 1)
    async with front.app.sessionmaker() as db:
        place = await first_place(db)
    async with front.app.sessionmaker() as db:
        old = await db.scalar(select(Appointment.starts_at).where(Appointment.id == moved_id))
        gone = await db.scalar(select(Appointment.starts_at).where(Appointment.id == cancelled_id))
    assert old is not None and gone is not None
    new = slots_after(place, utc_now() + timedelta(days=4))[0]

    await staff_does(front, move_by_staff, moved_id, place, new, utc_now())
    await staff_does(front, cancel_by_staff, cancelled_id, utc_now())

    later = utc_now() + timedelta(hours=25)  # they last wrote more than 24 hours before
    assert await sender(front, later).run_once() == 2
    assert await front.app.delivery.drain(10)
    [moved] = [m for m in front.fake.to("77057650002") if m.kind == "template"]
    name, code, parameters = template_of(moved)
    assert (name, code, len(parameters)) == (MOVED, "kk", 4)
    assert parameters[0].startswith(place.name_kk) and parameters[3] == place.phone
    assert parameters[1:3] == [when(old).render("kk"), when(new).render("kk")]
    assert parameters[1] != when(old).render("ru")  # the month in Kazakh
    [cancelled] = [m for m in front.fake.to("77057650003") if m.kind == "template"]
    name, code, parameters = template_of(cancelled)
    assert (name, code, len(parameters)) == (CANCELLED, "ru", 3)
    assert parameters[0].startswith(place.name_ru) and parameters[2] == place.phone
    assert parameters[1] == when(gone).render("ru")
    assert all("\n" not in value for value in parameters)
    assert notice_rows(front, chat_kk) == [("moved", "sent")]
    assert notice_rows(front, chat_ru) == [("cancelled", "sent")]
    assert front.fake.refused == []


async def test_a_closed_day_tells_telegram_by_the_bot_and_whatsapp_by_a_notice(
    front: Front,
) -> None:
    _, wa_chat = await greeted(front, "77057650004")
    appointment_id = await booked(front, wa_chat, "kk")
    telegram_chat = 424242  # a Telegram user booked at the same place and day
    async with front.app.sessionmaker() as db, db.begin():
        await db.execute(
            text(
                "INSERT INTO users (chat_id, channel, language, created_at, last_seen_at)"
                " VALUES (:c, 'telegram', 'ru', :now, :now)"
            ),
            {"c": telegram_chat, "now": utc_now()},
        )
        place = await first_place(db)
        [(start,)] = await db.execute(
            text("SELECT starts_at FROM appointments WHERE id = :a"), {"a": appointment_id}
        )
        day = local_day(start if isinstance(start, datetime) else datetime.fromisoformat(start))
        same_day = [s for s in slots_after(place, utc_now()) if local_day(s) == day]
        await book_slot(
            db,
            chat_id=telegram_chat,
            place=place,
            starts_at=same_day[-1],
            phone="+77010000001",
            language="ru",
            now=utc_now(),
        )

    told = await staff_does(front, close_day, place.id, day, utc_now())
    assert {n.chat_id for n in told} == {wa_chat, telegram_chat}
    [(body,)] = telegram_replies(front, telegram_chat)
    assert "не работает в день вашего приёма" in orjson.loads(str(body))["text"]
    assert notice_rows(front, telegram_chat) == []
    assert telegram_replies(front, wa_chat) == []
    assert await sender(front, utc_now()).run_once() == 1
    assert await front.app.delivery.drain(10)
    closed = front.fake.to("77057650004")[-1]
    assert closed.kind == "text" and "жұмыс істемейді" in closed.text
    assert notice_rows(front, wa_chat) == [("closed", "sent")]


async def test_an_unreachable_citizen_is_marked_and_a_past_visit_is_not_told(
    front: Front,
) -> None:
    _, chat_id = await greeted(front, "77057650005")
    appointment_id = await booked(front, chat_id, "ru")
    await staff_does(front, cancel_by_staff, appointment_id, utc_now())
    front.fake.fail_next("77057650005", 131026)  # undeliverable
    assert await sender(front, utc_now() + timedelta(hours=30)).run_once() == 1
    assert await front.app.delivery.drain(10)
    assert rows(
        front.database_url, "SELECT blocked_at IS NOT NULL FROM users WHERE chat_id = :c", c=chat_id
    ) == [(1,)]
    assert front.fake.to("77057650005")[-1].kind != "template"  # refused, so not recorded

    _, other = await greeted(front, "77057650006")
    second = await booked(front, other, "kk")
    await staff_does(front, cancel_by_staff, second, utc_now())
    far_later = utc_now() + timedelta(days=30)  # the front end was down past the visit
    sent_before = len(front.fake.to("77057650006"))
    assert await sender(front, far_later).run_once() == 1
    assert notice_rows(front, other) == [("cancelled", "expired")]
    assert len(front.fake.to("77057650006")) == sent_before


async def test_delete_my_data_removes_pending_notices(front: Front) -> None:
    user, chat_id = await greeted(front, "77057650007")
    appointment_id = await booked(front, chat_id, "ru")
    await staff_does(front, cancel_by_staff, appointment_id, utc_now())
    assert notice_rows(front, chat_id) == [("cancelled", "pending")]
    await user.send_text("удалить мои данные")
    await user.replies()
    await user.send_text("да")
    await user.replies()
    assert rows(front.database_url, "SELECT count(*) FROM users WHERE chat_id = :c", c=chat_id) == [
        (0,)
    ]
    assert notice_rows(front, chat_id) == []
    assert await sender(front, utc_now()).run_once() == 0


async def test_the_queue_is_claimed_per_channel_once_on_every_database(database_url: str) -> None:
    engine = create_engine(database_url)
    now = utc_now()
    try:
        async with session_maker(engine)() as db, db.begin():
            for chat_id, channel in ((ID_BASE + 1, "whatsapp"), (7, "telegram")):
                db.add(User(chat_id=chat_id, channel=channel, created_at=now, last_seen_at=now))
            await db.flush()
            queued = [
                CitizenNotice(chat_id, "kk", "cancelled", "place-1", now + timedelta(days=2))
                for chat_id in (ID_BASE + 1, 7)
            ]
            assert await notice_outbox.add(db, queued, now) == 2
        lease = timedelta(seconds=30)
        async with session_maker(engine)() as db, db.begin():
            claimed = await notice_outbox.claim(
                db, channel="whatsapp", worker_id="a", now=now, lease=lease
            )
            again = await notice_outbox.claim(
                db, channel="whatsapp", worker_id="b", now=now, lease=lease
            )
        assert [n.chat_id for n in claimed] == [ID_BASE + 1] and again == []
        async with session_maker(engine)() as db, db.begin():
            assert not await notice_outbox.settle(db, claimed[0].id, "b", status="sent", now=now)
            assert await notice_outbox.settle(db, claimed[0].id, "a", status="sent", now=now)
            assert await notice_outbox.forget_settled(db, now + timedelta(days=2)) == 1
            await bot_store.delete_user(db, 7)  # erasure takes the other one along
            left = await db.scalar(select(func.count()).select_from(CitizenNoticeRow))
        assert left == 0
    finally:
        await engine.dispose()
