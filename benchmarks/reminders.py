"""Reminder delivery: N reminders due at once, through the fake Bot API, with a kill -9 halfway.

    .venv/bin/python benchmarks/reminders.py                          # 10,000 at 100/s, SQLite
    .venv/bin/python benchmarks/reminders.py --rate 25 --count 2000   # the production default rate
    .venv/bin/python benchmarks/reminders.py --database postgresql    # KOMEK_TEST_POSTGRES_URL

The sender runs as its own process (`python -m bot.routers.booking`, the real aiogram transport)
against a fake Telegram served here. About halfway (by the clock: count/rate/2 after the first
send, plus a random fraction of a send interval) it is killed with SIGKILL, then started again.
Counted at the fake server: duplicates (a chat messaged twice) and lost reminders (a chat never
messaged), the achieved rate against the configured one (over the whole run, restart included,
and over the time the sender was actually running), and the busiest second.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from booking.places import Directory, Place, import_directory  # noqa: E402
from storage.base import create_engine  # noqa: E402
from storage.booking import Reminder  # noqa: E402
from storage.migrate import upgrade_to_head  # noqa: E402
from tests.booking.seeding import seed_due_reminders  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402
from tests.postgres import create_database, drop_database  # noqa: E402


def bench_place() -> Place:
    return Place.model_validate(
        {
            "id": "BENCH-REMINDERS",
            "kind": "employment_center",
            "region": "KZ-71",
            "district_kk": "Есіл ауданы",
            "district_ru": "район Есиль",
            "name_kk": "Есіл ауданының жұмыспен қамту орталығы",
            "name_ru": "Центр занятости района Есиль",
            "address_kk": "Астана қ., Мәңгілік Ел даңғылы, 8",
            "address_ru": "г. Астана, пр. Мангилик Ел, 8",
            "latitude": 51.09,
            "longitude": 71.41,
            "phone": "+7 7172 55 10 01",
            "hours": {d: "09:00-18:00" for d in ("mon", "tue", "wed", "thu", "fri")},
            "slot_minutes": 20,
            "capacity_per_slot": 5,
        }
    )


def start_sender(fake: FakeTelegram, url: str, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "BOT_TOKEN": fake.token,
        "BOT_API_BASE_URL": fake.base_url,
        "DATABASE_URL": url,
        "BOOKING_SEND_RATE": str(args.rate),
        "BOOKING_LEASE_SECONDS": str(args.lease),
        "BOOKING_SEND_TIMEOUT_SECONDS": str(args.lease / 2.5),
        "BOOKING_POLL_SECONDS": "0.2",
        "BOOKING_BATCH_SIZE": str(args.batch),
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot.routers.booking"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def pending(engine: object) -> int:
    async with engine.connect() as conn:  # type: ignore[attr-defined]
        count = await conn.scalar(
            select(func.count()).select_from(Reminder).where(Reminder.status == "pending")
        )
    return int(count or 0)


def delivered(fake: FakeTelegram) -> list[tuple[float, int]]:
    return [
        (r.time, r.chat_id)
        for r in fake.requests
        if r.method == "sendMessage" and r.ok and r.chat_id is not None
    ]


async def run(url: str, args: argparse.Namespace) -> int:
    engine = create_engine(url)
    place = bench_place()
    now = datetime.now(UTC)
    await import_directory(engine, Directory(sample=True, note="benchmark", places=(place,)))
    chats = await seed_due_reminders(engine, place.id, args.count, now)
    async with FakeTelegram(auto_create_chats=True) as fake:
        started = time.monotonic()
        first = start_sender(fake, url, args)
        while not delivered(fake):
            if first.poll() is not None:
                raise SystemExit("the sender process died")
            await asyncio.sleep(0.01)
        # A moment chosen by the clock, not by the server's events: about `kill_at` of the way.
        planned = args.count * args.kill_at / args.rate + random.uniform(0, 1 / args.rate)
        await asyncio.sleep(max(0.0, planned - (time.monotonic() - delivered(fake)[0][0])))
        first.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        first.wait()
        await asyncio.sleep(0.2)
        at_kill = len(delivered(fake))
        second = start_sender(fake, url, args)
        restarted = time.monotonic()
        try:
            while await pending(engine) > 0:
                if second.poll() is not None:
                    raise SystemExit("the restarted sender died")
                await asyncio.sleep(0.05)
        finally:
            second.send_signal(signal.SIGTERM)
            try:
                second.wait(10)
            except subprocess.TimeoutExpired:
                second.kill()
        sends = delivered(fake)
        busiest = fake.max_rate("sendMessage", 1.0)
    async with engine.connect() as conn:
        rows = await conn.execute(select(Reminder.status, func.count()).group_by(Reminder.status))
        statuses = {status: count for status, count in rows}
    await engine.dispose()

    counts = Counter(chat for _, chat in sends)
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    lost = len(set(chats) - set(counts))
    first_send, last_send = sends[0][0], sends[-1][0]
    span = last_send - first_send
    # Requests already on the wire when the process died still arrive just after the kill; the
    # restarted process needs well over 0.2 s to start, so its first send is the first one later.
    after = [moment for moment, _ in sends if moment > killed + 0.2]
    downtime = (after[0] if after else restarted) - killed
    overall = len(counts) / span if span else 0.0
    running = len(counts) / max(1e-9, span - downtime)
    print(f"database: {make_url(url).get_backend_name()}")
    print(
        f"reminders due: {args.count}; delivered: {len(counts)} distinct, {len(sends)} sends; "
        f"duplicates: {duplicates}; lost: {lost}; outbox: {statuses}"
    )
    print(
        f"killed -9 after {at_kill} sends, {downtime:.2f} s until the restarted sender's first send"
    )
    print(
        f"configured rate: {args.rate:.0f}/s; achieved: {overall:.1f}/s over the whole run "
        f"({overall / args.rate:.1%} of configured, restart included), {running:.1f}/s while "
        f"running ({running / args.rate:.1%}); busiest second: {busiest} messages"
    )
    print(f"wall time: {time.monotonic() - started:.1f} s")
    ok = duplicates == 0 and lost == 0 and overall >= 0.9 * args.rate
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=100.0, help="configured messages/s")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--kill-at", type=float, default=0.5, help="share delivered before kill")
    parser.add_argument("--lease", type=float, default=5.0, help="claim lease in seconds")
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    if args.database == "postgresql":
        admin = os.environ.get("KOMEK_TEST_POSTGRES_URL")
        if not admin:
            print("KOMEK_TEST_POSTGRES_URL is not set")
            return 2
        url = asyncio.run(create_database(admin, prefix="komek_bench"))
        try:
            upgrade_to_head(url)
            return asyncio.run(run(url, args))
        finally:
            asyncio.run(drop_database(admin, url))
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/reminders.sqlite3"
        upgrade_to_head(url)
        return asyncio.run(run(url, args))


if __name__ == "__main__":
    raise SystemExit(main())
