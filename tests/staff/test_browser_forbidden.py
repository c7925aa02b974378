"""The refusals, in a real browser: no login, another place's page or form field, a form
without or with a wrong CSRF token, a disabled account, too many failed logins."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select

from booking.places import Directory, import_directory
from common.kz import local_day
from staff.accounts import disable_account
from storage.base import create_engine, session_maker
from storage.booking import Appointment
from storage.conversation import User
from storage.staff import StaffAudit
from tests.booking.conftest import make_place
from tests.staff.conftest import PASSWORD, add_staff, csrf_of, log_in, serving, shoot

A, B = "KZ-71-a-ec", "KZ-71-b-ec"


@pytest.fixture
async def seeded(sqlite_url: str) -> AsyncIterator[dict[str, int]]:
    """Two places, a booked appointment at each (tomorrow), and accounts."""
    engine = create_engine(sqlite_url)
    places = (
        make_place(A, capacity=2),
        make_place(B, capacity=2, district_ru="район B", district_kk="B ауданы"),
    )
    await import_directory(engine, Directory(sample=False, places=places))
    now = datetime.now(UTC)
    starts = now + timedelta(days=1)
    async with engine.begin() as conn:
        await conn.execute(
            insert(User),
            [
                {"chat_id": c, "language": "ru", "created_at": now, "last_seen_at": now}
                for c in (1, 2)
            ],
        )
        ids = {}
        for chat_id, place in ((1, A), (2, B)):
            ids[place] = (
                await conn.execute(
                    insert(Appointment)
                    .values(
                        chat_id=chat_id,
                        place_id=place,
                        starts_at=starts,
                        status="booked",
                        phone="+77011234567",
                        language="ru",
                        created_at=now,
                        updated_at=now,
                    )
                    .returning(Appointment.id)
                )
            ).scalar_one()
    await add_staff(engine, "anna", "staff", A)
    await add_staff(engine, "boss", "admin", None)
    await add_staff(engine, "gone", "staff", A)
    await engine.dispose()
    yield ids


async def test_what_staff_may_not_do(seeded: dict[str, int], sqlite_url: str, browser: Any) -> None:
    async with serving(sqlite_url, max_failures_per_account=3) as staff:
        day = local_day(datetime.now(UTC) + timedelta(days=1)).isoformat()
        context = await browser.new_context(locale="kk-KZ")
        page = await context.new_page()

        # No login: every page sends to /login, and a POST changes nothing.
        for path in (f"/places/{A}/day/{day}", f"/places/{A}/day/{day}.csv", "/stats", "/figures"):
            response = await page.goto(staff.url + path)
            assert response is not None and page.url.startswith(f"{staff.url}/login?next=")
        anonymous_token = csrf_of(await page.content())  # the login form's token
        answer = await page.request.post(
            f"{staff.url}/places/{A}/appointments/{seeded[A]}/cancel",
            form={"csrf_token": anonymous_token},
            max_redirects=0,
        )
        assert answer.status == 303 and answer.headers["location"].startswith("/login")

        await log_in(page, staff.url, "anna")
        await page.goto(f"{staff.url}/places/{A}/day/{day}")
        assert await page.locator("table.day tbody tr").count() == 1
        token = csrf_of(await page.content())

        # Another place: its pages, its CSV, its feeds, and its appointment through our URL.
        for path in (
            f"/places/{B}/day/{day}",
            f"/places/{B}/day/{day}.csv",
            f"/places/{B}/week/{day}",
            f"/places/{B}/feeds",
            f"/places/{A}/edit",
            "/audit",
            f"/stats?place={B}",
            "/stats?region=KZ-71",
        ):
            response = await page.goto(staff.url + path)
            assert response is not None and response.status == 403, path
        await shoot(page, "forbidden")
        for url in (
            f"/places/{B}/appointments/{seeded[B]}/cancel",
            f"/places/{A}/appointments/{seeded[B]}/cancel",
            f"/places/{A}/appointments/{seeded[B]}/outcome",
            f"/places/{A}/appointments/{seeded[B]}/move",
        ):
            answer = await page.request.post(
                staff.url + url,
                form={
                    "csrf_token": token,
                    "outcome": "no_show",
                    "starts_at": "2030-01-01T04:00:00+00:00",
                },
            )
            assert answer.status == 403, url

        # CSRF: a form without its token, or with a wrong one, is refused before anything runs.
        target = f"{staff.url}/places/{A}/appointments/{seeded[A]}/cancel"
        for form in ({}, {"csrf_token": "forged"}, {"csrf_token": token + "x"}):
            answer = await page.request.post(target, form=form)
            assert answer.status == 403, form
        upload = await page.request.post(
            f"{staff.url}/figures/import",
            multipart={"file": {"name": "t.csv", "mimeType": "text/csv", "buffer": b"x"}},
        )
        assert upload.status == 403
        async with session_maker(staff.engine)() as db:
            still = await db.get(Appointment, seeded[A])
            assert still is not None and still.status == "booked"
            assert not list(await db.scalars(select(StaffAudit)))

        # Disabling an account ends its session at once and refuses its password.
        second = await (await browser.new_context()).new_page()
        await log_in(second, staff.url, "gone")
        await second.goto(f"{staff.url}/places/{A}/day/{day}")
        assert "/login" not in second.url
        async with session_maker(staff.engine)() as db, db.begin():
            assert await disable_account(db, "gone", datetime.now(UTC))
        await second.goto(f"{staff.url}/places/{A}/day/{day}")
        assert "/login" in second.url
        await log_in(second, staff.url, "gone")
        assert "/login" in second.url
        assert "өшірілген" in await second.inner_text(".flash.error") or "отключена" in (
            await second.inner_text(".flash.error")
        )

        # Too many failed logins: even the right password waits.
        third = await (await browser.new_context(locale="ru-RU")).new_page()
        for _ in range(3):
            await log_in(third, staff.url, "boss", "wrong password!")
            assert "Неверное имя" in await third.inner_text(".flash.error")
        await log_in(third, staff.url, "boss", PASSWORD)
        assert "/login" in third.url
        assert "Слишком много" in await third.inner_text(".flash.error")
        await shoot(third, "locked")
        staff.now[0] += timedelta(minutes=16)  # the window has passed
        await log_in(third, staff.url, "boss", PASSWORD)
        assert "/login" not in third.url
