"""The staff web served for real (uvicorn on loopback, in the test's event loop) and driven by
Playwright through Debian's Chromium (`/usr/bin/chromium`; no browser is ever downloaded).

Browser tests skip when /usr/bin/chromium is missing; scripts/test.sh (and so CI) installs it.
Screenshots of the main pages go to tests/staff/screenshots/ (git-ignored): look at them.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from staff.accounts import add_account
from staff.settings import StaffSettings
from staff.web import create_app
from storage.base import create_engine, session_maker

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PASSWORD = "correct horse battery staple"


@dataclass
class StaffServer:
    url: str
    app: FastAPI
    engine: AsyncEngine
    now: list[datetime]
    """The staff web's clock, movable by the test (`now[0]`)."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def add_staff(engine: AsyncEngine, name: str, role: str, place: str | None) -> None:
    async with session_maker(engine)() as db, db.begin():
        await add_account(db, name, PASSWORD, role, place)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def serving(database_url: str, **settings: Any) -> AsyncIterator[StaffServer]:
    engine = create_engine(database_url)
    now = [datetime.now(UTC)]
    config = StaffSettings(
        _env_file=None, database_url=database_url, secret_key="test-secret-" + "x" * 20, **settings
    )
    app = create_app(config, engine, clock=lambda: now[0])
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        yield StaffServer(f"http://127.0.0.1:{port}", app, engine, now)
    finally:
        server.should_exit = True
        await task
        await engine.dispose()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/test.sh installs it)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield chromium
        finally:
            await chromium.close()


async def log_in(page: Any, url: str, username: str, password: str = PASSWORD) -> None:
    if "/login" not in page.url:
        await page.goto(f"{url}/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", password)
    await page.click("button.primary")


async def shoot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found[1]


Clock = Callable[[], datetime]
