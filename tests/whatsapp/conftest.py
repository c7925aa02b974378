"""The WhatsApp front end on loopback: the fake Graph API, the webhook app, a fresh database.

`front` starts the fake Cloud API and the app (`WhatsAppFrontEnd.web_app()` on a free port,
real HTTP both ways), with the SAMPLE places loaded and offered (a demonstration), and the
reminder sender off (the reminder tests run it with a clock of their own).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web
from pydantic import SecretStr

from booking.places import load_sample_if_empty
from booking.settings import BookingSettings
from komek_testing.fake_graph import FakeGraph
from storage.base import create_engine
from whatsapp.app import PATH, WhatsAppFrontEnd
from whatsapp.settings import WhatsAppSettings

TEMPLATE = "komek_visit_reminder"
TEMPLATES = {(TEMPLATE, "kk"): 3, (TEMPLATE, "ru"): 3}


@dataclass
class Front:
    fake: FakeGraph
    app: WhatsAppFrontEnd
    settings: WhatsAppSettings
    url: str
    database_url: str


def booking_settings() -> BookingSettings:
    """Booking as in a demonstration (the SAMPLE places are offered), no .env read."""
    settings = BookingSettings(_env_file=None)
    return settings.model_copy(update={"sample_places": True})


def whatsapp_settings(fake: FakeGraph, database_url: str) -> WhatsAppSettings:
    return WhatsAppSettings(
        token=SecretStr(fake.token),
        phone_number_id=fake.phone_number_id,
        app_secret=SecretStr(fake.app_secret),
        verify_token=SecretStr("verify-me"),
        api_base_url=fake.base_url,
        api_version=fake.version,
        database_url=database_url,
        reminder_template=TEMPLATE,
    )


@pytest.fixture
async def front(sqlite_url: str) -> AsyncIterator[Front]:
    engine = create_engine(sqlite_url)
    await load_sample_if_empty(engine)
    async with FakeGraph(templates=dict(TEMPLATES)) as fake:
        settings = whatsapp_settings(fake, sqlite_url)
        app = WhatsAppFrontEnd(settings, booking_settings(), engine=engine, reminders=False)
        runner = web.AppRunner(app.web_app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        url = f"http://127.0.0.1:{port}"
        fake.webhook_url = url + PATH
        try:
            yield Front(fake, app, settings, url, sqlite_url)
        finally:
            await runner.cleanup()
            await engine.dispose()
