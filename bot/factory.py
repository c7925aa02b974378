"""The composition root: the Bot, the engine's options and the Dispatcher, built from settings.

Everything the bot process is made of is put together here and nowhere else; `bot.app` runs
it, the tests and the reminder sender build from the same functions.
"""

from __future__ import annotations

import asyncio

from aiogram import Bot, Dispatcher
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.fsm.storage.base import BaseEventIsolation
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.delivery import ReplyDelivery
from bot.errors import on_error
from bot.isolation import ChatOrderMiddleware
from bot.middlewares import (
    DatabaseMiddleware,
    DedupMiddleware,
    LocaleMiddleware,
    UserMiddleware,
)
from bot.routers import all_routers
from bot.speedups import Speedups
from storage.base import is_sqlite

POSTGRES_POOL_SIZE = 30
"""As many connections as storage.base's default pool may open (10 + 20 overflow), kept open."""


def create_bot(settings: Settings) -> Bot:
    """A Bot whose every API call goes to `BOT_API_BASE_URL` when it is set."""
    if not settings.token:
        raise ValueError("BOT_TOKEN is not configured")
    base = settings.bot_api_base_url
    api = TelegramAPIServer.from_base(base) if base else PRODUCTION
    return Bot(token=settings.token, session=Speedups(settings.speedups).session(api))


def create_dispatcher(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    delivery: ReplyDelivery,
    gate: asyncio.Lock | None,
    isolation: BaseEventIsolation | None = None,
) -> Dispatcher:
    """`isolation`: where a chat's lock lives (bot.redis_isolation across workers); None, in
    this process."""
    dispatcher = Dispatcher(
        disable_fsm=True, sessionmaker=sessionmaker, settings=settings, delivery=delivery
    )
    dispatcher.update.outer_middleware(ChatOrderMiddleware(isolation))
    dispatcher.update.outer_middleware(DatabaseMiddleware(sessionmaker, delivery, gate))
    dispatcher.update.outer_middleware(UserMiddleware())
    dispatcher.update.outer_middleware(LocaleMiddleware())
    dispatcher.update.outer_middleware(DedupMiddleware())
    dispatcher.include_routers(*all_routers())
    Speedups(settings.speedups).tune_routers(dispatcher)
    dispatcher.errors.register(on_error)
    return dispatcher


def engine_options(url: str, speedups: Speedups | None = None) -> dict[str, object]:
    """Engine settings for the bot's hot path (and the speed-ups' options on SQLite)."""
    if not is_sqlite(url):
        # No ping before every checkout (one round trip per update): a connection found dead
        # is invalidated and the turn runs again (bot.middlewares.DatabaseMiddleware).
        # All connections stay in the pool: overflow connections would be closed on return and
        # opened again under load (a PostgreSQL connect and fresh prepared statements each).
        return {"pool_pre_ping": False, "pool_size": POSTGRES_POOL_SIZE, "max_overflow": 0}
    return (speedups or Speedups()).engine_options(url)
