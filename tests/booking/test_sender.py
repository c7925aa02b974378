"""The reminder sender against the fake Bot API: timing with a controllable clock, Telegram's
errors (429, 5xx, 403), several senders at once, and no stale reminder after a reschedule."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta

import pytest
from aiogram import Bot
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from booking.appointments import book_slot
from booking.sender import Pacer, ReminderSender
from booking.settings import BookingSettings
from booking.slots import local_moment
from bot.reminders import TelegramTransport
from komek_testing.fake_telegram import FakeTelegram
from komek_testing.seeding import seed_due_reminders
from storage.base import create_engine, session_maker
from storage.booking import Reminder
from storage.conversation import User
from tests.booking.conftest import NOW, add_places, add_users, make_place

SLOT = local_moment(date(2026, 12, 3), time(10, 0))
CHAT = 42


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def fast_settings(**changes: float) -> BookingSettings:
    values = {"send_rate": 500.0, "per_chat_interval_seconds": 0.0, "lease_seconds": 30.0}
    values.update(changes)
    return BookingSettings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    bot = fake.make_bot()
    yield bot
    await bot.session.close()


async def book(
    sessionmaker: async_sessionmaker[AsyncSession], chat_id: int, starts: datetime = SLOT
) -> int:
    async with sessionmaker() as db, db.begin():
        appointment = await book_slot(
            db,
            chat_id=chat_id,
            place=make_place(capacity=10),
            starts_at=starts,
            phone=None,
            language="kk",
            now=NOW,
        )
    return appointment.id


async def statuses(sessionmaker: async_sessionmaker[AsyncSession]) -> list[tuple[int, str]]:
    async with sessionmaker() as db:
        rows = await db.execute(
            select(Reminder.offset_minutes, Reminder.status).order_by(Reminder.due_at)
        )
        return [(row.offset_minutes, row.status) for row in rows]


@pytest.fixture
async def booked(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], fake: FakeTelegram
) -> int:
    await add_places(engine, make_place(capacity=10))
    await add_users(engine, [CHAT], language="kk")
    fake.user(CHAT, language_code="kk")
    return await book(sessionmaker, CHAT)


async def test_reminders_go_out_24h_and_2h_before_in_the_users_language(
    sessionmaker: async_sessionmaker[AsyncSession], fake: FakeTelegram, bot: Bot, booked: int
) -> None:
    clock = Clock(SLOT - timedelta(hours=25))
    sender = ReminderSender(sessionmaker, TelegramTransport(bot), fast_settings(), clock=clock)
    assert await sender.run_once() == 0
    clock.now = SLOT - timedelta(hours=24)
    assert await sender.run_once() == 1
    first = fake.sent_messages(CHAT)
    assert len(first) == 1
    assert "24 сағат" in (first[0].text or "")  # Kazakh, the user's language
    assert first[0].callback_data == [
        f"!bk:come:{booked}",
        f"!bk:move:{booked}",
        f"!bk:cancel:{booked}",
    ]
    clock.now = SLOT - timedelta(hours=3)
    assert await sender.run_once() == 0
    clock.now = SLOT - timedelta(hours=2) + timedelta(seconds=5)
    assert await sender.run_once() == 1
    assert "2 сағат" in (fake.sent_messages(CHAT)[-1].text or "")
    clock.now = SLOT + timedelta(hours=1)
    assert await sender.run_once() == 0
    assert await statuses(sessionmaker) == [(1440, "sent"), (120, "sent")]
    assert sender.stats.sent == 2


async def test_a_late_reminder_goes_out_only_while_the_visit_is_ahead(
    sessionmaker: async_sessionmaker[AsyncSession], fake: FakeTelegram, bot: Bot, booked: int
) -> None:
    # The bot was down for a day: both reminders are due, only the closer one is worth sending.
    clock = Clock(SLOT - timedelta(hours=1))
    sender = ReminderSender(sessionmaker, TelegramTransport(bot), fast_settings(), clock=clock)
    assert await sender.run_once() == 2
    assert len(fake.sent_messages(CHAT)) == 1
    assert await statuses(sessionmaker) == [(1440, "expired"), (120, "sent")]


async def test_a_reminder_of_a_visit_already_started_is_not_sent(
    sessionmaker: async_sessionmaker[AsyncSession], fake: FakeTelegram, bot: Bot, booked: int
) -> None:
    clock = Clock(SLOT + timedelta(minutes=1))
    sender = ReminderSender(sessionmaker, TelegramTransport(bot), fast_settings(), clock=clock)
    assert await sender.run_once() == 2
    assert fake.sent_messages(CHAT) == []
    assert {status for _, status in await statuses(sessionmaker)} == {"expired"}


async def test_flood_control_is_honoured_and_the_reminder_sent_once(
    sessionmaker: async_sessionmaker[AsyncSession], fake: FakeTelegram, bot: Bot, booked: int
) -> None:
    fake.fail_next("sendMessage", status=429, retry_after=1)
    clock = Clock(SLOT - timedelta(hours=24))
    sender = ReminderSender(sessionmaker, TelegramTransport(bot), fast_settings(), clock=clock)
    await sender.run_once()
    assert fake.sent_messages(CHAT) == [] and sender.stats.retried == 1
    assert await sender.run_once() == 0  # not before retry_after has passed
    clock.now += timedelta(seconds=1)
    started = asyncio.get_running_loop().time()
    assert await sender.run_once() == 1
    assert asyncio.get_running_loop().time() - started >= 0.5  # the global pause was kept
    assert len(fake.sent_messages(CHAT)) == 1


async def test_server_errors_are_retried_with_backoff(
    sessionmaker: async_sessionmaker[AsyncSession], fake: FakeTelegram, bot: Bot, booked: int
) -> None:
    fake.fail_next("sendMessage", status=502, times=2)
    clock = Clock(SLOT - timedelta(hours=24))
    sender = ReminderSender(sessionmaker, TelegramTransport(bot), fast_settings(), clock=clock)
    await sender.run_once()
    clock.now += timedelta(seconds=1)
    await sender.run_once()
    assert await sender.run_once() == 0  # second failure: backoff of 2 s
    clock.now += timedelta(seconds=2)
    await sender.run_once()
    assert len(fake.sent_messages(CHAT)) == 1
    assert sender.stats.retried == 2
    assert await statuses(sessionmaker) == [(1440, "sent"), (120, "pending")]


async def test_a_user_who_blocked_the_bot_is_not_messaged_again(
    sessionmaker: async_sessionmaker[AsyncSession], fake: FakeTelegram, bot: Bot, booked: int
) -> None:
    fake.block(CHAT)
    clock = Clock(SLOT - timedelta(hours=24))
    sender = ReminderSender(sessionmaker, TelegramTransport(bot), fast_settings(), clock=clock)
    await sender.run_once()
    async with sessionmaker() as db:
        user = await db.get(User, CHAT)
        assert user is not None and user.blocked_at is not None
    assert await statuses(sessionmaker) == [(1440, "cancelled"), (120, "cancelled")]
    clock.now = SLOT - timedelta(hours=2)
    assert await sender.run_once() == 0
    assert len(fake.requests_for("sendMessage", chat_id=CHAT)) == 1


async def test_reschedule_leaves_no_stale_reminder(
    sessionmaker: async_sessionmaker[AsyncSession], fake: FakeTelegram, bot: Bot, booked: int
) -> None:
    later = SLOT + timedelta(days=1)
    async with sessionmaker() as db, db.begin():
        await book_slot(
            db,
            chat_id=CHAT,
            place=make_place(capacity=10),
            starts_at=later,
            phone=None,
            language="kk",
            now=NOW,
            replacing=booked,
        )
    clock = Clock(SLOT - timedelta(hours=1))  # the old reminders' times have all passed
    sender = ReminderSender(sessionmaker, TelegramTransport(bot), fast_settings(), clock=clock)
    assert await sender.run_once() == 0
    clock.now = later - timedelta(hours=2)
    assert await sender.run_once() == 2  # the new 24 h (superseded, expired) and 2 h reminders
    sent = fake.sent_messages(CHAT)
    assert len(sent) == 1 and "2 сағат" in (sent[0].text or "")


async def test_several_senders_deliver_each_reminder_exactly_once(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], fake: FakeTelegram
) -> None:
    place = make_place()
    await add_places(engine, place)
    now = datetime.now(NOW.tzinfo)
    chats = await seed_due_reminders(engine, place.id, 300, now)
    fake.auto_create_chats = True
    bots = [fake.make_bot() for _ in range(3)]
    senders = [
        ReminderSender(
            sessionmaker, TelegramTransport(b), fast_settings(batch_size=20), sender_id=f"s{i}"
        )
        for i, b in enumerate(bots)
    ]

    async def drain(sender: ReminderSender) -> None:
        while await sender.run_once():
            pass

    await asyncio.gather(*(drain(s) for s in senders))
    for b in bots:
        await b.session.close()
    delivered = Counter(r.chat_id for r in fake.requests_for("sendMessage") if r.ok)
    assert set(delivered) == set(chats) and set(delivered.values()) == {1}
    assert sum(s.stats.sent for s in senders) == 300
    assert all(s.stats.sent > 0 for s in senders)  # they really worked side by side


class FakeClock:
    """Time that passes only when the pacer sleeps: the pacing, not the machine, is measured."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def test_the_pacer_keeps_the_global_rate_and_one_message_a_second_per_chat() -> None:
    clock = FakeClock()
    pacer = Pacer(rate=50, per_chat_interval=1.0, clock=clock, sleep=clock.sleep)
    sent_at = []
    for chat in range(30):
        await pacer.wait_turn(chat)
        sent_at.append(clock.now)
    # A burst of a tenth of a second's worth (5 at 50/s) goes at once, then one every 20 ms.
    assert sent_at[:5] == [1000.0] * 5
    gaps = [round(b - a, 6) for a, b in itertools.pairwise(sent_at[4:])]
    assert gaps == [0.02] * 25
    assert sum(1 for t in sent_at if t < 1000.0 + 1.0) == 30  # never more than the rate allows
    assert pacer.chat_delay(29) == 1.0
    assert pacer.chat_delay(10_000) == 0
    pacer.pause(5)
    await pacer.wait_turn(1)
    assert clock.now >= sent_at[-1] + 5, "a flood wait pauses every send"


async def test_at_the_default_rate_telegram_never_answers_429(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    engine = create_engine(sqlite_url)
    place = make_place()
    await add_places(engine, place)
    chats = await seed_due_reminders(engine, place.id, 60, datetime.now(NOW.tzinfo))
    fake.auto_create_chats = True
    fake.set_flood_limits(global_per_second=30, per_chat_per_second=1)
    bot = fake.make_bot()
    sender = ReminderSender(
        session_maker(engine),
        TelegramTransport(bot),
        BookingSettings(_env_file=None),
    )
    assert sender.settings.send_rate == 25
    while await sender.run_once():
        pass
    await bot.session.close()
    await engine.dispose()
    answers = [r.status for r in fake.requests_for("sendMessage")]
    assert answers.count(200) == len(chats) and 429 not in answers
    assert fake.max_rate("sendMessage", 1.0) <= 28
