"""Booking throughput: many users booking many slots at once, on PostgreSQL and SQLite.

    .venv/bin/python benchmarks/booking.py                      # both engines
    .venv/bin/python benchmarks/booking.py --engines postgresql --users 4000

Each simulated user books one random slot among the next working days of a few places
(capacity 3 each), many at a time over a connection pool, exactly as the bot does
(`booking.appointments.book_slot` in one transaction with its reminders). Prints bookings per
second and checks that no slot holds more than its capacity (appointments and counters agree).
PostgreSQL comes from KOMEK_TEST_POSTGRES_URL (an admin URL; a scratch database is created and
dropped); SQLite is a temporary file.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from booking.appointments import BookingRefused, book_slot  # noqa: E402
from booking.places import Directory, Place, import_directory  # noqa: E402
from booking.slots import upcoming_days  # noqa: E402
from komek_testing.postgres import create_database, drop_database  # noqa: E402
from storage.base import create_engine, session_maker  # noqa: E402
from storage.booking import Appointment, SlotCounter  # noqa: E402
from storage.conversation import User  # noqa: E402
from storage.migrate import upgrade_to_head  # noqa: E402

CAPACITY = 3


def places(count: int) -> list[Place]:
    week = {day: "09:00-18:00" for day in ("mon", "tue", "wed", "thu", "fri")}
    return [
        Place.model_validate(
            {
                "id": f"BENCH-{i}",
                "kind": "employment_center",
                "region": "KZ-71",
                "district_kk": f"Аудан {i}",
                "district_ru": f"Район {i}",
                "name_kk": f"Орталық {i}",
                "name_ru": f"Центр {i}",
                "address_kk": "Астана қ.",
                "address_ru": "г. Астана",
                "latitude": 51.1,
                "longitude": 71.4,
                "phone": "+7 7172 55 10 01",
                "hours": week,
                "lunch": "13:00-14:00",
                "slot_minutes": 20,
                "capacity_per_slot": CAPACITY,
            }
        )
        for i in range(count)
    ]


async def run(
    url: str, users: int, concurrency: int, place_count: int, seat_ratio: float
) -> dict[str, float]:
    engine = create_engine(url, pool_size=concurrency, max_overflow=0)
    sessionmaker = session_maker(engine)
    now = datetime.now(UTC)
    directory = places(place_count)
    await import_directory(
        engine, Directory(sample=True, note="benchmark", places=tuple(directory)), now=now
    )
    async with engine.begin() as conn:
        await conn.execute(
            insert(User),
            [
                {"chat_id": c, "language": "ru", "created_at": now, "last_seen_at": now}
                for c in range(1, users + 1)
            ],
        )
    slots = [
        (place, start)
        for place in directory
        for _, starts in upcoming_days(place, now, horizon_days=14)
        for start in starts
    ]
    # A subset of slots with `seat_ratio` seats per user: popular slots fill up and refuse.
    hot = random.sample(slots, k=min(len(slots), max(1, int(users * seat_ratio / CAPACITY))))
    semaphore = asyncio.Semaphore(concurrency)
    outcomes: dict[str, int] = {"booked": 0}

    async def attempt(chat_id: int) -> None:
        place, start = random.choice(hot)
        async with semaphore:
            try:
                async with sessionmaker() as db, db.begin():
                    await book_slot(
                        db,
                        chat_id=chat_id,
                        place=place,
                        starts_at=start,
                        phone="+77011234567",
                        language="ru",
                        now=now,
                    )
            except BookingRefused as refusal:
                name = type(refusal).__name__
                outcomes[name] = outcomes.get(name, 0) + 1
                return
        outcomes["booked"] += 1

    started = time.perf_counter()
    await asyncio.gather(*(attempt(c) for c in range(1, users + 1)))
    elapsed = time.perf_counter() - started

    async with engine.connect() as conn:
        per_slot = (
            await conn.execute(
                select(Appointment.place_id, Appointment.starts_at, func.count())
                .where(Appointment.status == "booked")
                .group_by(Appointment.place_id, Appointment.starts_at)
            )
        ).all()
        counters = {
            (row.place_id, row.starts_at): row.booked
            for row in await conn.execute(select(SlotCounter))
        }
    overbooked = sum(1 for *_, n in per_slot if n > CAPACITY)
    mismatched = sum(1 for p, s, n in per_slot if counters.get((p, s)) != n)
    await engine.dispose()
    return {
        "attempts": users,
        "booked": outcomes["booked"],
        "full": outcomes.get("SlotFull", 0),
        "elapsed_s": elapsed,
        "bookings_per_s": outcomes["booked"] / elapsed,
        "attempts_per_s": users / elapsed,
        "overbooked_slots": overbooked,
        "counter_mismatches": mismatched,
        "slots_used": len(per_slot),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--engines", nargs="+", default=["postgresql", "sqlite"])
    parser.add_argument("--users", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--places", type=int, default=10)
    parser.add_argument("--seat-ratio", type=float, default=1.5, help="seats offered per user")
    args = parser.parse_args()
    failed = False
    for engine_name in args.engines:
        if engine_name == "postgresql":
            admin = os.environ.get("KOMEK_TEST_POSTGRES_URL")
            if not admin:
                print("postgresql: skipped, KOMEK_TEST_POSTGRES_URL is not set")
                continue
            url = asyncio.run(create_database(admin, prefix="komek_bench"))
            try:
                upgrade_to_head(url)
                result = asyncio.run(
                    run(url, args.users, args.concurrency, args.places, args.seat_ratio)
                )
            finally:
                asyncio.run(drop_database(admin, url))
        else:
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite+aiosqlite:///{folder}/bench.sqlite3"
                upgrade_to_head(url)
                result = asyncio.run(
                    run(url, args.users, args.concurrency, args.places, args.seat_ratio)
                )
        print(
            f"{engine_name}: {result['booked']:.0f} booked of {result['attempts']:.0f} attempts "
            f"({result['full']:.0f} refused: slot full) in {result['elapsed_s']:.2f} s: "
            f"{result['bookings_per_s']:.0f} bookings/s, {result['attempts_per_s']:.0f} "
            f"attempts/s; slots used {result['slots_used']:.0f}, overbooked slots "
            f"{result['overbooked_slots']:.0f}, counter mismatches "
            f"{result['counter_mismatches']:.0f}"
        )
        failed |= bool(result["overbooked_slots"] or result["counter_mismatches"])
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
