"""A sender process killed with SIGKILL mid-batch, then restarted: every due reminder is
delivered exactly once (counted at the fake Bot API), on SQLite and PostgreSQL.

The kill lands between two sends (after one send is recorded, before the next starts), with
rows of the batch still claimed: they must come back after the lease, not be lost or doubled.
The one window no Bot API client can close (Telegram accepted a message, the process dies
before committing "sent") is measured by benchmarks/reminders.py with kills at random moments.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from booking.sender import ReminderSender
from booking.settings import BookingSettings
from bot.reminders import TelegramTransport
from komek_testing.fake_telegram import FakeTelegram
from komek_testing.seeding import seed_due_reminders
from storage.base import session_maker as sessionmaker
from storage.booking import Reminder
from tests.booking.conftest import add_places, make_place

ROOT = Path(__file__).resolve().parents[2]
COUNT = 120
RATE = 40.0
LEASE = 2.0
SEND_TIMEOUT = 1.0
KILL_AFTER = 52  # mid-batch: claimed rows not yet sent are waiting in the queue


def start_sender(fake: FakeTelegram, database_url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "BOT_TOKEN": fake.token,
        "BOT_API_BASE_URL": fake.base_url,
        "DATABASE_URL": database_url,
        "BOOKING_SEND_RATE": str(RATE),
        "BOOKING_PER_CHAT_INTERVAL_SECONDS": "1",
        "BOOKING_LEASE_SECONDS": str(LEASE),
        "BOOKING_SEND_TIMEOUT_SECONDS": str(SEND_TIMEOUT),
        "BOOKING_POLL_SECONDS": "0.2",
        "BOOKING_BATCH_SIZE": "50",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "reminders"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def delivered(fake: FakeTelegram) -> Counter[int]:
    return Counter(r.chat_id for r in fake.requests_for("sendMessage") if r.ok and r.chat_id)


async def pending(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        count = await conn.scalar(
            select(func.count()).select_from(Reminder).where(Reminder.status == "pending")
        )
    return int(count or 0)


async def test_a_sender_killed_mid_batch_and_restarted_sends_each_reminder_once(
    engine: AsyncEngine, database_url: str, fake: FakeTelegram
) -> None:
    place = make_place()
    await add_places(engine, place)
    chats = await seed_due_reminders(engine, place.id, COUNT, datetime.now(UTC))
    fake.auto_create_chats = True

    first = start_sender(fake, database_url)
    try:
        deadline = time.monotonic() + 30
        while sum(delivered(fake).values()) < KILL_AFTER:
            assert time.monotonic() < deadline, "the sender did not start sending"
            assert first.poll() is None, "the sender process died"
            await asyncio.sleep(0.002)
        await asyncio.sleep(0.5 / RATE)  # between this send and the next one
        first.send_signal(signal.SIGKILL)
        first.wait(5)
    finally:
        if first.poll() is None:
            first.kill()
    sent_before_restart = sum(delivered(fake).values())
    assert KILL_AFTER <= sent_before_restart < COUNT
    assert await pending(engine) > 0

    # The restart: a fresh sender (new id, same code) in this process, with the real clock.
    bot = fake.make_bot()
    settings = BookingSettings(
        _env_file=None,
        send_rate=RATE,
        lease_seconds=LEASE,
        send_timeout_seconds=SEND_TIMEOUT,
        poll_seconds=0.1,
    )
    restarted = ReminderSender(sessionmaker(engine), TelegramTransport(bot), settings)
    stop = asyncio.Event()
    running = asyncio.create_task(restarted.run(stop))
    try:
        deadline = time.monotonic() + 30
        while await pending(engine) > 0:
            assert time.monotonic() < deadline, f"{await pending(engine)} reminders never sent"
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await running
        await bot.session.close()

    counts = delivered(fake)
    assert set(counts) == set(chats), "lost reminders"
    assert max(counts.values()) == 1, "duplicates"
    async with engine.connect() as conn:
        rows = await conn.execute(select(Reminder.status, func.count()).group_by(Reminder.status))
        statuses = {status: count for status, count in rows}
    assert statuses == {"sent": COUNT}
