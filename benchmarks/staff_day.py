"""The staff day page with 10,000 appointments of one place in the database, on PostgreSQL.

    export KOMEK_TEST_POSTGRES_URL=$(bash scripts/start-postgres.sh | tail -n1)
    .venv/bin/python benchmarks/staff_day.py [--appointments 10000] [--requests 200]

A scratch database gets one place (capacity 4, 20-minute slots: 96 visits a working day) and
`--appointments` booked visits spread over its working days, every citizen with a stored
screening and consent to share it (the heaviest page: every row shows its summary). An
administrator logs in through the real login form (CSRF and session cookies), then the busiest
day's page is requested again and again in-process (httpx over ASGI, no network). Printed: the
server time per request (the app's own `Server-Timing`, from the request entering the app to
its response starting; what the 200 ms bar is about) as median, p95 and max, and the CSV.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from booking.places import Directory, Place, import_directory  # noqa: E402
from booking.slots import day_slots  # noqa: E402
from common.kz import local_day  # noqa: E402
from komek_testing.postgres import create_database, drop_database  # noqa: E402
from staff.accounts import add_account  # noqa: E402
from staff.settings import StaffSettings  # noqa: E402
from staff.web import create_app  # noqa: E402
from storage.base import create_engine, session_maker  # noqa: E402
from storage.booking import Appointment  # noqa: E402
from storage.conversation import Screening, User  # noqa: E402
from storage.migrate import upgrade_to_head  # noqa: E402

RESULT = {
    "verdict": "eligible",
    "eligible": True,
    "assistance": "conditional",
    "members_counted": 4,
    "per_capita_income": 25000.0,
    "steps": [{"rule": "x"}] * 12,
}
PASSWORD = "benchmark password"


async def seed(url: str, count: int) -> tuple[str, date]:
    place = Place.model_validate(
        {
            "id": "KZ-71-bench-ec",
            "kind": "employment_center",
            "region": "KZ-71",
            "district_kk": "Есіл ауданы",
            "district_ru": "район Есиль",
            "name_kk": "Есіл ауданының жұмыспен қамту орталығы",
            "name_ru": "Центр занятости района Есиль",
            "address_kk": "Астана қ., Мәңгілік Ел даңғылы, 8",
            "address_ru": "г. Астана, пр. Мангилик Ел, 8",
            "latitude": 51.0909,
            "longitude": 71.4187,
            "phone": "+7 7172 55 10 01",
            "hours": {day: "09:00-18:00" for day in ("mon", "tue", "wed", "thu", "fri")},
            "lunch": "13:00-14:00",
            "slot_minutes": 20,
            "capacity_per_slot": 4,
        }
    )
    engine = create_engine(url)
    await import_directory(engine, Directory(sample=False, places=(place,)))
    now = datetime.now(UTC)
    starts: list[datetime] = []
    day = date(2027, 1, 4)
    while len(starts) < count:
        for start in day_slots(place, day):
            starts.extend([start] * place.capacity_per_slot)
        day += timedelta(days=1)
    starts = starts[:count]
    async with engine.begin() as conn:
        for first in range(0, count, 2000):
            chunk = range(first, min(count, first + 2000))
            await conn.execute(
                insert(User),
                [
                    {
                        "chat_id": 10_000_000 + i,
                        "language": "ru",
                        "created_at": now,
                        "last_seen_at": now,
                        "consent_at": now,
                    }
                    for i in chunk
                ],
            )
            await conn.execute(
                insert(Screening),
                [
                    {
                        "chat_id": 10_000_000 + i,
                        "created_at": now,
                        "result": RESULT,
                        "household": {"income_kinds": ["wages", "alimony"], "region": "KZ-71"},
                    }
                    for i in chunk
                ],
            )
            await conn.execute(
                insert(Appointment),
                [
                    {
                        "chat_id": 10_000_000 + i,
                        "place_id": place.id,
                        "starts_at": starts[i],
                        "status": "booked",
                        "phone": f"+7701{i:07d}",
                        "language": "ru",
                        "created_at": now,
                        "updated_at": now,
                        "share_summary": True,
                        "share_summary_at": now,
                    }
                    for i in chunk
                ],
            )
    async with session_maker(engine)() as db, db.begin():
        await add_account(db, "bench", PASSWORD, "admin", None)
    await engine.dispose()
    return place.id, local_day(starts[0])  # the first working day: a full one


async def measure(url: str, place_id: str, day: date, requests: int) -> None:
    engine = create_engine(url)
    settings = StaffSettings(_env_file=None, database_url=url, secret_key="bench" * 8)
    app = create_app(settings, engine)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://staff") as client:
        page = await client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        login = await client.post(
            "/login",
            data={"username": "bench", "password": PASSWORD, "csrf_token": token[1], "next": "/"},
        )
        assert login.status_code in (200, 303), login.status_code
        path = f"/places/{place_id}/day/{day.isoformat()}"
        rows = 0
        for kind, suffix in (("page", ""), ("csv", ".csv")):
            server: list[float] = []
            wall: list[float] = []
            for _ in range(requests):
                started = time.perf_counter()
                answer = await client.get(path + suffix)
                wall.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200, answer.status_code
                timing = re.search(r"dur=([0-9.]+)", answer.headers["server-timing"])
                assert timing
                server.append(float(timing[1]))
                rows = answer.text.count('<tr id="a') if kind == "page" else rows
            server.sort()
            print(
                f"day {kind:4}: {rows} appointments shown; server time per request "
                f"median {statistics.median(server):.1f} ms, "
                f"p95 {server[int(len(server) * 0.95) - 1]:.1f} ms, max {server[-1]:.1f} ms "
                f"(in-process round trip median {statistics.median(wall):.1f} ms, "
                f"{requests} requests)"
            )
    await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--appointments", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    admin = os.environ.get("KOMEK_TEST_POSTGRES_URL")
    if not admin:
        raise SystemExit("KOMEK_TEST_POSTGRES_URL is not set (bash scripts/start-postgres.sh)")
    url = await create_database(admin, prefix="komek_staff_bench")
    try:
        await asyncio.to_thread(upgrade_to_head, url)
        started = time.perf_counter()
        place_id, day = await seed(url, args.appointments)
        print(f"seeded {args.appointments} appointments in {time.perf_counter() - started:.1f} s")
        await measure(url, place_id, day, args.requests)
    finally:
        await drop_database(admin, url)


if __name__ == "__main__":
    asyncio.run(main())
