"""Webhook mode: Telegram's secret header is required, the answer comes fast."""

from __future__ import annotations

import asyncio
import json
import socket
import time

import aiohttp
from sqlalchemy import func, select

from komek_testing.fake_telegram import FakeTelegram
from storage.conversation import ProcessedUpdate
from tests.bot.conftest import running_bot

SECRET = "webhook-secret_42"


def webhook_overrides(port: int) -> dict[str, object]:
    return {
        "webhook_url": f"http://127.0.0.1:{port}/telegram/hook",
        "webhook_secret": SECRET,
        "webhook_host": "127.0.0.1",
        "webhook_port": port,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_processes_only_requests_with_the_right_secret(
    fake: FakeTelegram, sqlite_url: str
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    overrides = webhook_overrides(port)
    async with running_bot(fake, sqlite_url, **overrides) as app:
        for _ in range(100):
            if fake.webhook is not None:
                break
            await asyncio.sleep(0.05)
        assert fake.webhook is not None and fake.webhook["url"] == url
        user = fake.user(31, language_code="kk")

        for secret in (None, "wrong-secret"):
            update = {"message": user.build_message(text="/start")}
            assert await fake.post_webhook_update(url, update, secret=secret) == 401
        assert await user.wait_idle(quiet=0.2) == []

        update = {"message": user.build_message(text="/start")}
        started = time.monotonic()
        status = await fake.post_webhook_update(url, update, secret=SECRET)
        answered_in = time.monotonic() - started
        assert status == 200 and answered_in < 1.0
        reply = await user.wait_reply()
        assert "Сәлеметсіз бе" in (reply.text or "")

        # Telegram's own delivery (setWebhook registered the secret) works the same way.
        await user.press(reply.buttons[0][0][0])
        assert (await user.wait_reply()).edited

        async with app.sessionmaker() as db:
            handled = await db.scalar(select(func.count()).select_from(ProcessedUpdate))
        assert handled == 2, "the rejected requests were not processed"


async def test_webhook_refuses_what_is_not_an_update_and_acknowledges_what_aiogram_cannot_read(
    fake: FakeTelegram, sqlite_url: str
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    overrides = webhook_overrides(port)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    user = fake.user(32, language_code="ru")
    async with running_bot(fake, sqlite_url, **overrides), aiohttp.ClientSession() as http:

        async def post(body: bytes, content_type: str = "application/json") -> int:
            sent = {**headers, "Content-Type": content_type}
            async with http.post(url, data=body, headers=sent) as response:
                return response.status

        for _ in range(200):  # listening once it has registered itself with Telegram
            if fake.webhook is not None:
                break
            await asyncio.sleep(0.05)
        update = json.dumps({"update_id": 700001, "message": user.build_message(text="/start")})
        assert await post(update.encode(), "text/plain") == 415
        assert await post(b"[" * 200_000 + b"]" * 200_000) == 400  # was a 500 (RecursionError)
        assert await post(b"{not json") == 400
        assert await post(b"[1, 2]") == 400
        assert await post(b'{"message": {}}') == 400
        undecodable = {"update_id": 700002, "message": {"message_id": 1, "chat": {"id": "x"}}}
        assert await post(json.dumps(undecodable).encode()) == 200  # skipped, not redelivered
        assert await user.wait_idle(quiet=0.3) == []
        assert await post(update.encode()) == 200
        assert "Здравствуйте" in (await user.wait_reply()).text


async def test_health_readiness_and_metrics_beside_the_webhook(
    fake: FakeTelegram, sqlite_url: str
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    user = fake.user(987_654_321, language_code="kk")
    async with running_bot(fake, sqlite_url, **webhook_overrides(port)) as app:
        for _ in range(200):
            if fake.webhook is not None:
                break
            await asyncio.sleep(0.05)
        await user.send_command("/start")
        await user.wait_reply()
        assert await app.delivery.drain(5)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/healthz") as response:
                assert response.status == 200
            async with http.get(f"{base}/readyz") as response:
                assert response.status == 200
            async with http.get(f"{base}/metrics") as response:
                assert response.status == 200
                exposed = await response.text()
    for name in (
        'komek_updates_total{type="message"}',
        "komek_turn_seconds_bucket",
        'komek_replies_total{outcome="sent"}',
        "komek_reply_queue_depth",
        "komek_reminder_queue_depth",
        "komek_send_errors_total",
        "komek_database_retries_total",
        "komek_screenings_total",
    ):
        assert name in exposed, name
    assert str(user.chat_id) not in exposed


async def test_not_ready_while_the_database_does_not_answer() -> None:
    from bot.metrics import ready
    from storage.base import create_engine

    engine = create_engine(f"postgresql+asyncpg://nobody@127.0.0.1:{free_port()}/none")
    try:
        assert await ready(engine, timeout=2.0) is False
    finally:
        await engine.dispose()
