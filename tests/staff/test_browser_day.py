"""The bar, in a real browser: citizens book through the bot (the real bot polling the fake Bot
API); an administrator logs in, finds the bookings (time and phone) on the day page and in its
CSV, sees the summary of the citizen who agreed to share it only, cancels one visit (the citizen
gets the bot's message), marks a no-show, opens the statistics and uploads a figures table."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from booking.places import Directory, import_directory, load_directory
from bot.app import Application
from common.kz import local_day
from komek_testing.fake_telegram import FakeTelegram, FakeUser
from komek_testing.players import Player, current_question, label_for
from storage.base import create_engine
from storage.booking import Appointment, Reminder
from storage.staff import StaffAudit
from tests.booking.test_bot_booking import button_with, last_with_buttons, newest_id, press_for
from tests.bot.conftest import running_bot
from tests.staff.conftest import add_staff, log_in, serving, shoot

SAMPLE = "booking/data/places.sample.yaml"
PHONES = {900_001: "+77011234567", 900_002: "+77017654321"}
GOOD_TABLE = (
    "region,quarter,subsistence_minimum,median_income,poverty_line,source\n"
    "KZ-35,2031-Q2,,,51000,Test table of the staff web (not official)\n"
)
BAD_TABLE = (
    "region,quarter,subsistence_minimum,median_income,poverty_line,source\nKZ-99,2031-Q2,,,-5,\n"
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram, sqlite_url: str) -> AsyncIterator[Application]:
    engine = create_engine(sqlite_url)
    sample = load_directory(SAMPLE)  # imported as an official directory: production books
    official = [place.model_copy(update={"is_sample": False}) for place in sample.places]
    await import_directory(engine, Directory(sample=False, places=tuple(official)))
    await add_staff(engine, "boss", "admin", None)
    await engine.dispose()
    async with running_bot(fake, sqlite_url) as application:
        yield application


async def book_through_the_bot(user: FakeUser, language: str, phone: str, *, share: bool) -> None:
    """Book a visit as a citizen would; `share`: the confirm button pressed answers whether the
    center may see the pre-screening summary."""
    await user.send_command("/start")
    await user.wait_reply()
    await Player(user, language).play_until("after_result")
    message, _ = current_question(user)
    before = newest_id(user)
    await user.press(label_for(message, "book"))
    places = await last_with_buttons(user, "place", after=before)
    days = await press_for(user, button_with(places, "place"), "day")
    times = await press_for(user, button_with(days, "day"), "time")
    await user.press(button_with(times, "time"))
    await user.wait_reply()
    before = newest_id(user)
    await user.share_contact(phone)
    confirm = await last_with_buttons(user, "confirm", after=before)
    choice = "share" if share else "private"
    await press_for(user, button_with(confirm, f"confirm:{choice}"), "move")


async def wait_for_text(user: FakeUser, words: str, timeout: float = 5.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in user.messages:
            if words in (message.text or ""):
                return message.text or ""
        await asyncio.sleep(0.05)
    raise AssertionError(f"no message with {words!r}: {[m.text for m in user.messages[-3:]]}")


async def test_a_booking_made_in_the_bot_is_seen_handled_and_exported(
    fake: FakeTelegram,
    bot: Application,
    sqlite_url: str,
    browser: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KOMEK_PARAMETERS_DIR", str(tmp_path))  # the upload writes here
    sharing, private = (
        fake.user(900_001, language_code="ru"),
        fake.user(900_002, language_code="kk"),
    )
    await book_through_the_bot(sharing, "ru", PHONES[900_001], share=True)
    await book_through_the_bot(private, "kk", PHONES[900_002], share=False)
    async with bot.sessionmaker() as db:
        rows = {a.chat_id: a for a in await db.scalars(select(Appointment))}
    assert (rows[900_001].share_summary, rows[900_002].share_summary) == (True, False)
    assert rows[900_001].share_summary_at is not None  # the answer is kept with its time
    first = rows[900_001]
    place, day = first.place_id, local_day(first.starts_at).isoformat()

    async with serving(sqlite_url) as staff:
        page = await (await browser.new_context(accept_downloads=True, locale="ru-RU")).new_page()
        await page.goto(f"{staff.url}/places/{place}/day/{day}")
        assert page.url.startswith(f"{staff.url}/login")  # no session: sent to log in
        await shoot(page, "login")
        await log_in(page, staff.url, "boss")
        assert page.url == f"{staff.url}/places/{place}/day/{day}"  # back where it was asked
        await shoot(page, "day")
        text = await page.inner_text("table.day")
        assert "+7 701 123 4567" in text and "+7 701 765 4321" in text
        sharing_row = page.locator(f"#a{first.id}")
        private_row = page.locator(f"#a{rows[900_002].id}")
        assert "Доход на человека" in await sharing_row.inner_text()  # shared: the summary
        assert "Доход на человека" not in await private_row.inner_text()  # not shared
        local = first.starts_at.astimezone(local_tz()).strftime("%H:%M")
        assert local in await sharing_row.inner_text()

        async with page.expect_download() as download_info:
            await page.click("a[download]")
        content = Path(await (await download_info.value).path()).read_bytes()
        assert content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for Cyrillic
        csv_text = content.decode("utf-8-sig")
        assert "Время;Телефон" in csv_text and "8 (701) 123 4567" in csv_text and local in csv_text

        # Cancel the private citizen's visit: the bot tells them, in Kazakh.
        await private_row.locator("summary").click()
        await private_row.locator("form[action$='/cancel'] button").click()
        await page.wait_for_selector(".flash.ok")
        await shoot(page, "day-after-cancel")
        await bot.delivery.reclaim(own=False)  # the bot's periodic outbox sweep, run now
        told = await wait_for_text(private, "/book")
        assert "болдырмады" in told
        async with bot.sessionmaker() as db:
            cancelled = await db.get(Appointment, rows[900_002].id)
            assert cancelled is not None and cancelled.status == "cancelled_by_staff"
            left = await db.scalars(
                select(Reminder.appointment_id).where(Reminder.status == "pending")
            )
            assert rows[900_002].id not in set(left)

        # After the visit's time, the other citizen did not come.
        staff.now[0] = first.starts_at + timedelta(minutes=30)
        await page.goto(f"{staff.url}/places/{place}/day/{day}")
        await page.locator(f"#a{first.id} button[value=no_show]").click()
        await page.wait_for_selector(".flash.ok")
        assert "неявка" in (await page.locator(f"#a{first.id}").inner_text()).lower()
        async with bot.sessionmaker() as db:
            marked = await db.get(Appointment, first.id)
            assert marked is not None and marked.status == "no_show"
            actions = set(await db.scalars(select(StaffAudit.action)))
            assert {"appointment.cancel", "appointment.no_show"} <= actions

        await page.goto(f"{staff.url}/places/{place}/week/{day}")
        await shoot(page, "week")
        await page.goto(f"{staff.url}/stats?start={day}&end={day}")
        assert await page.locator("figure.chart svg").count() == 4
        totals = await page.inner_text("ul.totals")
        assert "+7" not in await page.content()  # no personal data on this page
        assert "100" in totals  # one no-show out of one marked visit: 100 %
        await shoot(page, "stats")

        await page.goto(f"{staff.url}/figures")
        bad, good = tmp_path / "bad.csv", tmp_path / "regional-2031-Q2.csv"
        bad.write_text(BAD_TABLE)
        good.write_text(GOOD_TABLE)
        await page.set_input_files("input[type=file]", str(bad))
        await page.click("form[action='/figures/import'] button")
        refused = await page.inner_text(".flash.error")
        assert "KZ-99" in refused or "region" in refused
        await page.set_input_files("input[type=file]", str(good))
        await page.click("form[action='/figures/import'] button")
        await page.wait_for_selector(".flash.ok")
        assert "2031-Q2" in await page.inner_text("table.figures")
        await shoot(page, "figures")
        await page.goto(f"{staff.url}/places")
        await shoot(page, "places")


def local_tz() -> Any:
    from common.kz import KZ_TIME

    return KZ_TIME
