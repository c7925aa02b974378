"""aiogram clients wired to a fake server (for tests that drive the bot in-process)."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer


class LoopbackSession(AiohttpSession):
    """AiohttpSession without the 250 ms TLS grace sleep on close: the fake is plain HTTP."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def fake_api(base_url: str) -> TelegramAPIServer:
    """What the bot gets from ``BOT_API_BASE_URL``: ``{base}/bot{token}/{method}``."""
    return TelegramAPIServer.from_base(base_url)


def make_bot(base_url: str, token: str, **bot_kwargs: Any) -> Bot:
    """A real aiogram Bot talking HTTP to the fake; close it with ``await bot.session.close()``."""
    return Bot(token, session=LoopbackSession(api=fake_api(base_url)), **bot_kwargs)
