"""Reminder delivery: N reminders due at once, through the fake Bot API, with a kill -9 halfway.

    .venv/bin/python benchmarks/reminders.py                          # 10,000 at 100/s, SQLite
    .venv/bin/python benchmarks/reminders.py --rate 25 --count 2000   # the production default rate
    .venv/bin/python benchmarks/reminders.py --database postgresql    # KOMEK_TEST_POSTGRES_URL

The sender runs as its own process (`python -m bot reminders`, the real aiogram transport)
against a fake Telegram served here. About halfway (by the clock: count/rate/2 after the first
send, plus a random fraction of a send interval) it is killed with SIGKILL, then started again.
Counted at the fake server: duplicates (a chat messaged twice) and lost reminders (a chat never
messaged), the achieved rate against the configured one (over the whole run, restart included,
and over the time the sender was actually running), and the busiest second.

The in-doubt window: for every delivered reminder, the time from the fake server having taken
the sendMessage (and from its answer being ready) to the sender's "sent" mark (`sent_at`, read
from the sender's clock just before its UPDATE goes out). The fake runs in this process, so its
monotonic times become wall-clock times by this process's offset between the two clocks. A kill
landing in that window, or in the UPDATE's own round trip after it, repeats the message. The
UPDATE is timed after the run on the same database (rows seeded and claimed for it, marked one
by one the way the sender does), so (window + UPDATE) / send interval estimates the chance of a
duplicate per crash.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from booking.places import Directory, Place, import_directory  # noqa: E402
from booking.sender import SentMarks  # noqa: E402
from bot.factory import engine_options  # noqa: E402
from komek_testing.fake_telegram import FakeTelegram, RecordedRequest  # noqa: E402
from komek_testing.postgres import create_database, drop_database  # noqa: E402
from komek_testing.seeding import seed_due_reminders  # noqa: E402
from storage.base import create_engine  # noqa: E402
from storage.booking import Reminder  # noqa: E402
from storage.migrate import upgrade_to_head  # noqa: E402


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
        [sys.executable, "-m", "bot", "reminders"],
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


KILLER = """
import os, signal, sys, time
pid, at = int(sys.argv[1]), float(sys.argv[2])
while (left := at - time.monotonic()) > 0:
    time.sleep(min(left, 0.5) if left > 0.002 else 0)
os.kill(pid, signal.SIGKILL)
print(repr(time.monotonic()))
"""


async def kill_at(pid: int, moment: float) -> float:
    """SIGKILL `pid` at `moment` (time.monotonic, shared by the machine's processes) from a
    separate process; returns when it was sent."""
    killer = await asyncio.create_subprocess_exec(
        sys.executable, "-c", KILLER, str(pid), repr(moment), stdout=subprocess.PIPE
    )
    out, _ = await killer.communicate()
    return float(out.decode().strip())


def wall_offset() -> float:
    """Wall clock minus monotonic clock in this process (the fake's clock), best of a few reads."""
    readings = []
    for _ in range(5):
        before = time.monotonic()
        wall = time.time()
        after = time.monotonic()
        readings.append((after - before, wall - (before + after) / 2))
    return min(readings)[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def in_doubt_windows(
    fake: FakeTelegram, marks: dict[int, datetime], offset: float
) -> tuple[list[float], list[float]]:
    """Seconds from each chat's last successful sendMessage (taken; answered) to its sent mark."""
    last: dict[int, RecordedRequest] = {}
    for r in fake.requests:
        if r.method == "sendMessage" and r.ok and r.chat_id is not None:
            last[r.chat_id] = r
    taken, answered = [], []
    for chat, sent_at in marks.items():
        record = last.get(chat)
        if record is None:
            continue
        mark = sent_at.timestamp()
        taken.append(mark - (record.time + offset))
        answered.append(mark - (record.answered_at + offset))
    return taken, answered


async def time_marks(url: str, place_id: str, count: int, first_chat: int) -> list[float]:
    """Seconds each "sent" UPDATE takes on an engine set up like the sender's, one at a time."""
    engine = create_engine(url, **engine_options(url))
    now = datetime.now(UTC)
    await seed_due_reminders(engine, place_id, count, now, first_chat=first_chat)
    async with engine.begin() as conn:
        rows = await conn.execute(
            select(Reminder.id).where(Reminder.chat_id >= first_chat).order_by(Reminder.id)
        )
        ids = list(rows.scalars())
    sender = "bench-marks"
    async with engine.begin() as conn:
        await conn.execute(
            Reminder.__table__.update()
            .where(Reminder.id.in_(ids))
            .values(claimed_by=sender, claimed_until=now + timedelta(hours=1))
        )
    marks = SentMarks(engine)
    await marks.open()
    took = []
    for reminder_id in ids:
        begun = time.perf_counter()
        assert await marks.mark(reminder_id, sender, 1, datetime.now(UTC))
        took.append(time.perf_counter() - begun)
    await marks.close()
    await engine.dispose()
    return took


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
    offset_before = wall_offset()
    # The fake's full garbage collections (100-250 ms with thousands of recorded requests) would
    # stall its answers and show up as in-doubt time that no real Telegram adds: off for the run.
    gc.collect()
    gc.freeze()
    gc.disable()
    async with FakeTelegram(auto_create_chats=True) as fake:
        started = time.monotonic()
        first = start_sender(fake, url, args)
        while not delivered(fake):
            if first.poll() is not None:
                raise SystemExit("the sender process died")
            await asyncio.sleep(0.01)
        # A moment chosen by the clock, not by the server's events: about `kill_at` of the way.
        # The kill comes from a process of its own: a timer of this event loop, which also
        # serves the fake, would fire right after the fake answers (the worst moment) more
        # often than chance.
        planned = args.count * args.kill_at / args.rate + random.uniform(0, 1 / args.rate)
        killed = await kill_at(first.pid, delivered(fake)[0][0] + planned)
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
    gc.enable()
    offset = (offset_before + wall_offset()) / 2
    drift = abs(wall_offset() - offset_before)
    async with engine.connect() as conn:
        rows = await conn.execute(select(Reminder.status, func.count()).group_by(Reminder.status))
        statuses = {status: count for status, count in rows}
        marked = await conn.execute(
            select(Reminder.chat_id, Reminder.sent_at).where(Reminder.sent_at.is_not(None))
        )
        marks = {chat: sent_at for chat, sent_at in marked}
    await engine.dispose()
    taken, answered = in_doubt_windows(fake, marks, offset)
    updates = await time_marks(url, place.id, 500, first_chat=max(chats) + 1)

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
    if taken:
        interval_ms = 1000 / args.rate
        median_ms = statistics.median(taken) * 1000
        update_ms = statistics.median(updates) * 1000
        print(
            f"in-doubt window (fake took sendMessage -> sent mark), {len(taken)} messages: "
            f"median {median_ms:.2f} ms, p99 {percentile(taken, 0.99) * 1000:.2f} ms, "
            f"mean {statistics.fmean(taken) * 1000:.2f} ms; from the fake's answer: median "
            f"{statistics.median(answered) * 1000:.2f} ms, p99 "
            f"{percentile(answered, 0.99) * 1000:.2f} ms (clock offset drift {drift * 1e6:.0f} us)"
        )
        print(
            f"the sent UPDATE itself ({len(updates)} timed after the run): median {update_ms:.2f} "
            f"ms, p99 {percentile(updates, 0.99) * 1000:.2f} ms"
        )
        print(
            f"implied chance of a repeat per crash: ({median_ms:.2f} + {update_ms:.2f}) ms / "
            f"{interval_ms:.1f} ms send interval = {(median_ms + update_ms) / interval_ms:.1%} "
            f"(window alone: {median_ms / interval_ms:.1%}; by the mean window: "
            f"{(statistics.fmean(taken) * 1000 + update_ms) / interval_ms:.1%})"
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
