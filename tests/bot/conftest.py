"""A real bot (the entry point's own factories) polling a fake Telegram over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.app import Application, serve
from bot.config import Settings
from komek_testing.fake_telegram import FakeTelegram


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


def settings_for(fake: FakeTelegram, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": fake.token,
        "bot_api_base_url": fake.base_url,
        "database_url": database_url,
        "polling_timeout": 5,
        **overrides,
    }
    return Settings(_env_file=None, **values)


@contextlib.asynccontextmanager
async def running_bot(
    fake: FakeTelegram, database_url: str, **overrides: Any
) -> AsyncIterator[Application]:
    """The bot serving in this event loop until the block ends."""
    app = Application.create(settings_for(fake, database_url, **overrides))
    task = asyncio.create_task(serve(app))
    try:
        yield app
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await app.close()


@pytest.fixture
async def bot_app(fake: FakeTelegram, sqlite_url: str) -> AsyncIterator[Application]:
    async with running_bot(fake, sqlite_url) as app:
        yield app
