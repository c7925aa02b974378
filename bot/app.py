"""The bot process: the Application (everything wired, bot.factory) and how it runs.

`Application.create(settings)` is what the entry point and the tests both use, so the tests
exercise the same stack as production. `serve(app)` runs polling (default) or webhook mode,
with the retention loop, reply delivery and the reminder sender beside it, until cancelled;
`run(settings)` is the process's life, from start to a clean stop on SIGINT/SIGTERM.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import metrics
from bot.commands import set_commands
from bot.config import Settings
from bot.delivery import ReplyDelivery
from bot.factory import create_bot, create_dispatcher, engine_options
from bot.middlewares import write_gate
from bot.polling import UpdateRunner, poll
from bot.privacy import log_loop_exception
from bot.reminders import reminder_sender_task
from bot.retention import retention_loop
from bot.speedups import Speedups
from bot.webhook import create_webhook_app
from storage.base import create_engine, session_maker

log = logging.getLogger(__name__)

DRAIN_SECONDS = 10.0


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
        asyncio.create_task(metrics.sample_queues(app.engine), name="queue-metrics"),
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
    web_app = create_webhook_app(
        runner,
        path=settings.webhook_path,
        secret=secret,
        ready=functools.partial(metrics.ready, app.engine),
    )
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
