"""Webhook mode: an aiohttp endpoint that checks Telegram's secret header and answers fast.

The answer (200) is sent once the update's turn is committed, which takes milliseconds; the
replies are sent in the background. A request without the right
`X-Telegram-Bot-Api-Secret-Token` gets 401 and is not processed.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Final

from aiogram import Bot
from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError

from bot.polling import UpdateRunner

log = logging.getLogger(__name__)

SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"
COMMIT_WAIT_SECONDS: Final = 5.0
RUNNER_KEY: Final = web.AppKey("runner", UpdateRunner)


def create_webhook_app(runner: UpdateRunner, *, path: str, secret: str) -> web.Application:
    bot: Bot = runner.bot
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            log.warning("webhook request with a missing or wrong secret rejected")
            return web.Response(status=401, text="unauthorized")
        try:
            update = Update.model_validate(await request.json(), context={"bot": bot})
        except (ValueError, ValidationError):
            return web.Response(status=400, text="not an update")
        committed = runner.start(update)
        try:
            await asyncio.wait_for(committed.wait(), timeout=COMMIT_WAIT_SECONDS)
        except TimeoutError:
            log.warning("update not committed within %.0f s, answering anyway", 5.0)
        return web.Response(status=200)

    app = web.Application()
    app[RUNNER_KEY] = runner
    app.router.add_post(path, receive)
    return app
