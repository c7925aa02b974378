"""Webhook mode: an aiohttp endpoint that checks Telegram's secret header and acknowledges an
update only once its turn is over.

A turn commits the answer together with its replies (bot.delivery sends them afterwards), so
the 200 goes out when nothing can be lost any more: a crash before it makes Telegram deliver
the update again (the processed_updates claim drops it if it had committed after all). A
request without the right `X-Telegram-Bot-Api-Secret-Token` gets 401, a body that is not JSON
(`application/json` only; too deep, or not an update) 400; an update aiogram cannot decode is
acknowledged and skipped (bot.updates), or Telegram would hold back the chat's next updates
behind it forever.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Final

import orjson
from aiogram import Bot
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.polling import UpdateRunner
from bot.updates import decode_update

log = logging.getLogger(__name__)

SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES: Final = 1024 * 1024
"""Telegram's updates are a few kB; anything near a megabyte is not one."""
RUNNER_KEY: Final = web.AppKey("runner", UpdateRunner)


def create_webhook_app(
    runner: UpdateRunner,
    *,
    path: str,
    secret: str,
    ready: Callable[[], Awaitable[bool]] | None = None,
) -> web.Application:
    """The webhook at `path`, and `/healthz`, `/readyz` (`ready()`), `/metrics` beside it."""
    bot: Bot = runner.bot
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            log.warning("webhook request with a missing or wrong secret rejected")
            return web.Response(status=401, text="unauthorized")
        if request.content_type != "application/json":
            return web.Response(status=415, text="application/json only")
        try:
            raw = orjson.loads(await request.read())
        except orjson.JSONDecodeError:  # also nesting deeper than orjson's 1024 levels
            return web.Response(status=400, text="not JSON")
        if not isinstance(raw, dict) or type(raw.get("update_id")) is not int:
            return web.Response(status=400, text="not an update")
        update = decode_update(raw, bot)
        if update is None:
            return web.Response(status=200)  # logged by id; acknowledged so the chat goes on
        turn = runner.start(update)
        try:
            await asyncio.shield(turn)
        except asyncio.CancelledError:  # shutting down before the commit: Telegram retries
            return web.Response(status=503, text="shutting down")
        return web.Response(status=200)

    async def healthz(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def readyz(_: web.Request) -> web.Response:
        if ready is None or await ready():
            return web.Response(text="ready")
        return web.Response(status=503, text="not ready")

    async def metrics(_: web.Request) -> web.Response:
        body = generate_latest()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[RUNNER_KEY] = runner
    app.router.add_post(path, receive)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    return app
