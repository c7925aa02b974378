"""Wiring: the Bot, the Dispatcher with its middlewares and routers, and the two ways to run.

`create_dispatcher` is what the entry point and the tests both use, so the tests exercise the
same stack as production. `serve(settings)` runs polling (default) or webhook mode until
cancelled or signalled.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.commands import set_commands
from bot.config import Settings
from bot.delivery import ReplyDelivery
from bot.errors import on_error
from bot.isolation import ChatOrderMiddleware
from bot.middlewares import (
    DatabaseMiddleware,
    DedupMiddleware,
    LocaleMiddleware,
    UserMiddleware,
    write_gate,
)
from bot.polling import UpdateRunner, poll
from bot.privacy import log_loop_exception
from bot.retention import retention_loop
from bot.routers import all_routers
from bot.routers.booking import reminder_sender_task
from bot.speedups import Speedups
from bot.webhook import create_webhook_app
from storage.base import create_engine, is_sqlite, session_maker

log = logging.getLogger(__name__)

DRAIN_SECONDS = 10.0
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
) -> Dispatcher:
    dispatcher = Dispatcher(
        disable_fsm=True, sessionmaker=sessionmaker, settings=settings, delivery=delivery
    )
    dispatcher.update.outer_middleware(ChatOrderMiddleware())
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


@dataclass
class Application:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    bot: Bot
    dispatcher: Dispatcher
    delivery: ReplyDelivery
    gate: asyncio.Lock | None
    """SQLite's write turn of this process (None on PostgreSQL); see bot.middlewares."""

    @classmethod
    def create(cls, settings: Settings) -> Application:
        speedups = Speedups(settings.speedups)
        engine = create_engine(
            settings.database_url, **engine_options(settings.database_url, speedups)
        )
        sessionmaker = session_maker(engine)
        bot = create_bot(settings)
        gate = write_gate(sessionmaker)
        delivery = ReplyDelivery(bot, engine, worker_id=settings.worker_id, gate=gate)
        return cls(
            settings=settings,
            engine=engine,
            sessionmaker=sessionmaker,
            bot=bot,
            dispatcher=create_dispatcher(sessionmaker, settings, delivery, gate),
            delivery=delivery,
            gate=gate,
        )

    async def close(self) -> None:
        await self.bot.session.close()
        await self.engine.dispose()


async def serve(app: Application) -> None:
    """Serve until cancelled: commands menu, retention loop, then polling or the webhook."""
    settings = app.settings
    runner = UpdateRunner(app.dispatcher, app.bot, max_in_flight=settings.max_turns_in_flight)
    background = [
        asyncio.create_task(
            retention_loop(
                app.sessionmaker,
                retention_days=settings.retention_days,
                interval=settings.retention_interval_seconds,
            )
        ),
        asyncio.create_task(set_commands(app.bot)),
        reminder_sender_task(app.bot, app.sessionmaker),
        asyncio.create_task(app.delivery.run(), name="reply-delivery"),
    ]
    allowed = app.dispatcher.resolve_used_update_types()
    try:
        if settings.webhook_url and settings.webhook_secret:
            await _serve_webhook(app, runner, allowed)
        else:
            log.info("polling for updates")
            await poll(
                app.dispatcher,
                app.bot,
                timeout=settings.polling_timeout,
                allowed_updates=allowed,
                runner=runner,
            )
    finally:
        await runner.drain(DRAIN_SECONDS)
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
        await app.delivery.close(DRAIN_SECONDS)


async def _serve_webhook(app: Application, runner: UpdateRunner, allowed: list[str]) -> None:
    settings = app.settings
    assert settings.webhook_url and settings.webhook_secret
    secret = settings.webhook_secret.get_secret_value()
    web_app = create_webhook_app(runner, path=settings.webhook_path, secret=secret)
    site_runner = web.AppRunner(web_app)
    await site_runner.setup()
    site = web.TCPSite(site_runner, settings.webhook_host, settings.webhook_port)
    await site.start()
    await app.bot.set_webhook(settings.webhook_url, secret_token=secret, allowed_updates=allowed)
    log.info("webhook mode: listening on port %d", settings.webhook_port)
    try:
        await asyncio.Event().wait()
    finally:
        await site_runner.cleanup()


async def run(settings: Settings) -> None:
    """The process's life: serve until SIGINT/SIGTERM, finish turns in flight, close cleanly."""
    app = Application.create(settings)
    Speedups(settings.speedups).tune_process()
    task = asyncio.create_task(serve(app))
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(log_loop_exception)
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, task.cancel)
    try:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    finally:
        await app.close()
