"""Reminders to WhatsApp users: a template outside the 24-hour window (kk and ru), the usual
message with its buttons within it, WhatsApp's refusals handled as Telegram's 403 and 429, and
each sender taking only its own channel's reminders."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import text

from booking import outbox
from booking.sender import ReminderSender
from storage.base import create_engine, session_maker, utc_now
from tests.whatsapp.conftest import TEMPLATE, Front, booking_settings
from tests.whatsapp.helpers import rows
from whatsapp.reminders import WhatsAppTransport, template_parameter


async def due_reminder(front: Front, wa_id: str, language: str) -> int:
    """A WhatsApp user (written once) with a visit booked in three days and its reminder due now."""
    user = front.fake.user(wa_id)
    await user.send_text("/start")
    await user.replies()
    engine = create_engine(front.database_url)
    starts = (utc_now() + timedelta(days=3)).replace(second=0, microsecond=0)
    async with session_maker(engine)() as db, db.begin():
        chat_id = await db.scalar(text("SELECT chat_id FROM users WHERE wa_id = :w"), {"w": wa_id})
        await db.execute(
            text("UPDATE users SET language = :l WHERE chat_id = :c"), {"l": language, "c": chat_id}
        )
        place = await db.scalar(text("SELECT id FROM places ORDER BY id LIMIT 1"))
        appointment = await db.scalar(
            text(
                "INSERT INTO appointments (chat_id, place_id, starts_at, status, phone, language,"
                " created_at, updated_at) VALUES (:c, :p, :s, 'booked', '+77010000000', :l,"
                " :now, :now) RETURNING id"
            ),
            {
                "c": chat_id,
                "p": place,
                "s": starts.replace(tzinfo=None),
                "l": language,
                "now": utc_now().replace(tzinfo=None),
            },
        )
        due = utc_now().replace(tzinfo=None) - timedelta(minutes=1)
        await db.execute(
            text(
                "INSERT INTO reminders (appointment_id, chat_id, offset_minutes, due_at,"
                " next_attempt_at, status, attempts) VALUES (:a, :c, 1440, :d, :d, 'pending', 0)"
            ),
            {"a": appointment, "c": chat_id, "d": due},
        )
    await engine.dispose()
    return int(chat_id)


def sender(front: Front, clock: datetime) -> ReminderSender:
    sessionmaker = session_maker(front.app.engine)
    transport = WhatsAppTransport(
        front.app.client, sessionmaker, front.settings, clock=lambda: clock
    )
    return ReminderSender(
        sessionmaker, transport, booking_settings(), clock=lambda: clock, channel="whatsapp"
    )


def reminder_status(front: Front, chat_id: int) -> list[tuple[object, ...]]:
    return rows(front.database_url, "SELECT status FROM reminders WHERE chat_id = :c", c=chat_id)


async def test_outside_the_window_a_reminder_goes_as_the_template(front: Front) -> None:
    chat_kk = await due_reminder(front, "77020000001", "kk")
    chat_ru = await due_reminder(front, "77020000002", "ru")
    later = utc_now() + timedelta(hours=25)  # they last wrote more than 24 hours before
    assert await sender(front, later).run_once() == 2
    for wa_id, chat_id, language in (
        ("77020000001", chat_kk, "kk"),
        ("77020000002", chat_ru, "ru"),
    ):
        template = front.fake.to(wa_id)[-1].payload
        assert template["type"] == "template"
        assert template["template"]["name"] == TEMPLATE
        assert template["template"]["language"]["code"] == language
        parameters = template["template"]["components"][0]["parameters"]
        assert len(parameters) == 3 and all("\n" not in p["text"] for p in parameters)
        assert reminder_status(front, chat_id) == [("sent",)]
    assert front.fake.refused == []


async def test_within_the_window_a_reminder_is_the_usual_message(front: Front) -> None:
    chat_id = await due_reminder(front, "77020000003", "ru")
    assert await sender(front, utc_now() + timedelta(hours=2)).run_once() == 1
    message = front.fake.to("77020000003")[-1]
    assert message.kind == "interactive/button"
    assert "Напоминание" in message.text
    assert [c.partition(":")[0] for c, _, _ in message.choices] == ["a|come", "a|move", "a|cancel"]
    assert reminder_status(front, chat_id) == [("sent",)]


async def test_re_engagement_required_marks_the_user_as_a_403_does(front: Front) -> None:
    chat_id = await due_reminder(front, "77020000004", "kk")
    front.fake.fail_next("77020000004", 131047)
    assert await sender(front, utc_now() + timedelta(hours=30)).run_once() == 1
    assert reminder_status(front, chat_id) == [("cancelled",)]
    assert rows(
        front.database_url, "SELECT blocked_at IS NOT NULL FROM users WHERE chat_id = :c", c=chat_id
    ) == [(1,)]
    # Writing again lifts it, as on Telegram.
    await front.fake.user("77020000004").send_text("/start")
    assert rows(
        front.database_url, "SELECT blocked_at IS NULL FROM users WHERE chat_id = :c", c=chat_id
    ) == [(1,)]


async def test_a_rate_limit_puts_the_reminder_back_for_later(front: Front) -> None:
    chat_id = await due_reminder(front, "77020000005", "ru")
    front.fake.fail_next("77020000005", 130429)
    now = utc_now() + timedelta(hours=30)
    reminders = sender(front, now)
    assert await reminders.run_once() == 1
    [(status, next_attempt)] = rows(
        front.database_url,
        "SELECT status, next_attempt_at FROM reminders WHERE chat_id = :c",
        c=chat_id,
    )
    assert status == "pending" and str(next_attempt) > str(now.replace(tzinfo=None))
    assert reminders.stats.retried == 1


async def test_each_channel_claims_only_its_own_reminders(front: Front) -> None:
    await due_reminder(front, "77020000006", "ru")
    async with session_maker(front.app.engine)() as db, db.begin():
        lease = timedelta(seconds=30)
        telegram = await outbox.claim_due(
            db, sender_id="tg", now=utc_now(), lease=lease, limit=10, channel="telegram"
        )
        whatsapp = await outbox.claim_due(
            db, sender_id="wa", now=utc_now(), lease=lease, limit=10, channel="whatsapp"
        )
    assert telegram == [] and len(whatsapp) == 1


def test_template_parameters_are_flattened() -> None:
    assert template_parameter("Street 1\n\tBlock  2     floor 3") == "Street 1, Block 2 floor 3"
