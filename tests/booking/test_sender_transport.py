"""The reminder path after Telegram answers, over real HTTP to the fake Bot API.

`JsonBodySession.sent_message_id` takes only the message id from a success and raises aiogram's
exceptions on failures; `TelegramTransport` turns those into the sender's outcomes; the sender
stores the id, and never claims a batch while a message is on the wire.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import SendMessage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from booking import outbox
from booking.notifications import ReminderDue
from booking.sender import Blocked, Rejected, ReminderSender, RetryAfter, Transient
from booking.settings import BookingSettings
from bot.reminders import TelegramTransport
from bot.speedups.json_session import JsonBodySession
from komek_testing.fake_telegram import FakeTelegram, fake_api
from komek_testing.seeding import seed_due_reminders
from storage.booking import Reminder
from tests.booking.conftest import add_places, make_place

CHAT = 7101
REMINDER = ReminderDue(
    appointment_id=1,
    starts_at=datetime(2026, 12, 3, 5, 0, tzinfo=UTC),
    offset_minutes=24 * 60,
    language="kk",
    place=make_place(),
)


@pytest.fixture
async def json_bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    bot = Bot(fake.token, session=JsonBodySession(api=fake_api(fake.base_url)))
    fake.user(CHAT, language_code="kk")
    try:
        yield bot
    finally:
        await bot.session.close()


def session_of(bot: Bot) -> JsonBodySession:
    assert isinstance(bot.session, JsonBodySession)
    return bot.session


async def test_sent_message_id_is_the_id_telegram_gave(fake: FakeTelegram, json_bot: Bot) -> None:
    session = session_of(json_bot)
    first = await session.sent_message_id(json_bot, SendMessage(chat_id=CHAT, text="бір"))
    second = await session.sent_message_id(json_bot, SendMessage(chat_id=CHAT, text="екі"))
    assert [m.message_id for m in fake.sent_messages(CHAT)] == [first, second]
    assert first != second
    assert [r.content_type for r in fake.requests_for("sendMessage")] == ["application/json"] * 2


async def test_sent_message_id_raises_aiograms_exceptions(
    fake: FakeTelegram, json_bot: Bot
) -> None:
    session = session_of(json_bot)
    fake.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(TelegramRetryAfter) as flood:
        await session.sent_message_id(json_bot, SendMessage(chat_id=CHAT, text="x"))
    assert flood.value.retry_after == 7
    fake.fail_next("sendMessage", status=403)
    with pytest.raises(TelegramForbiddenError):
        await session.sent_message_id(json_bot, SendMessage(chat_id=CHAT, text="x"))
    for status in (500, 502):
        fake.fail_next("sendMessage", status=status)
        with pytest.raises(TelegramServerError):
            await session.sent_message_id(json_bot, SendMessage(chat_id=CHAT, text="x"))
    with pytest.raises(TelegramBadRequest):  # chat not found
        await session.sent_message_id(json_bot, SendMessage(chat_id=424242, text="x"))
    assert fake.sent_messages(CHAT) == []


async def test_the_transport_maps_every_answer_to_an_outcome(
    fake: FakeTelegram, json_bot: Bot
) -> None:
    transport = TelegramTransport(json_bot)
    message_id = await transport.send(CHAT, REMINDER, timeout=2)
    sent = fake.sent_messages(CHAT)[-1]
    assert message_id == sent.message_id
    assert sent.callback_data == ["!bk:come:1", "!bk:move:1", "!bk:cancel:1"]

    fake.fail_next("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter) as flood:
        await transport.send(CHAT, REMINDER, timeout=2)
    assert flood.value.seconds == 3
    fake.fail_next("sendMessage", status=403)
    with pytest.raises(Blocked):
        await transport.send(CHAT, REMINDER, timeout=2)
    fake.fail_next("sendMessage", status=502)
    with pytest.raises(Transient):
        await transport.send(CHAT, REMINDER, timeout=2)
    with pytest.raises(Rejected):
        await transport.send(424242, REMINDER, timeout=2)
    fake.set_latency(1.5)
    with pytest.raises(Transient):  # the send timeout
        await transport.send(CHAT, REMINDER, timeout=1)
    assert fake.sent_messages(CHAT)[0].message_id == message_id


class SlowTransport(TelegramTransport):
    """The real transport, holding each message on the wire a little and noting when."""

    def __init__(self, bot: Bot) -> None:
        super().__init__(bot)
        self.on_the_wire: list[tuple[float, float]] = []

    async def send(self, chat_id: int, message: ReminderDue, *, timeout: float) -> int | None:
        began = time.monotonic()
        await asyncio.sleep(0.005)
        message_id = await super().send(chat_id, message, timeout=timeout)
        self.on_the_wire.append((began, time.monotonic()))
        return message_id


async def test_the_sender_stores_the_id_and_never_claims_while_a_message_is_on_the_wire(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    fake: FakeTelegram,
    json_bot: Bot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    place = make_place()
    await add_places(engine, place)
    chats = await seed_due_reminders(engine, place.id, 40, datetime.now(UTC))
    fake.auto_create_chats = True
    claims: list[tuple[float, float]] = []
    claim_due = outbox.claim_due

    async def timed_claim(*args: object, **kwargs: object) -> list[outbox.ClaimedReminder]:
        began = time.monotonic()
        try:
            return await claim_due(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            claims.append((began, time.monotonic()))

    monkeypatch.setattr(outbox, "claim_due", timed_claim)
    settings = BookingSettings(
        _env_file=None,
        send_rate=200.0,
        per_chat_interval_seconds=0.0,
        lease_seconds=10.0,
        send_timeout_seconds=2.0,
        batch_size=4,  # a claim every two or three sends
        poll_seconds=0.05,
    )
    transport = SlowTransport(json_bot)
    sender = ReminderSender(sessionmaker, transport, settings)
    stop = asyncio.Event()
    running = asyncio.create_task(sender.run(stop))
    try:
        deadline = time.monotonic() + 20
        while sender.stats.sent < len(chats):
            assert time.monotonic() < deadline, f"only {sender.stats.sent} sent"
            await asyncio.sleep(0.02)
    finally:
        stop.set()
        await running

    assert len(claims) >= 10 and len(transport.on_the_wire) == len(chats)
    overlaps = [
        (claim, send)
        for claim in claims
        for send in transport.on_the_wire
        if claim[0] < send[1] and send[0] < claim[1]
    ]
    assert overlaps == []
    async with engine.connect() as conn:
        rows = (await conn.execute(select(Reminder.chat_id, Reminder.message_id))).all()
    given = {m.chat_id: m.message_id for c in chats for m in fake.sent_messages(c)}
    assert {chat: message_id for chat, message_id in rows} == given
    assert len(given) == len(chats)
