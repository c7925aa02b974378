"""The bot process: the Application (everything wired, bot.factory) and how it runs.

`Application.create(settings)` is what the entry point and the tests both use, so the tests
exercise the same stack as production. `serve(app)` runs polling (default) or webhook mode,
with the retention loop, reply delivery and the reminder sender beside it, until cancelled;
`run(settings)` is the process's life, from start to a clean stop on SIGINT/SIGTERM.

With `REDIS_URL` the chats' locks are shared in Redis (bot.redis_isolation), so several webhook
workers behind nginx can serve one bot (deploy/, docs/operations.md); without it, the locks
are this process's own, as for the embedded default (SQLite, polling).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
from dataclasses import dataclass
from datetime import timedelta

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.base import BaseEventIsolation
from aiohttp import web
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import metrics
from bot.commands import set_commands
from bot.config import Settings
from bot.delivery import ReplyDelivery
from bot.factory import create_bot, create_dispatcher, engine_options
from bot.middlewares import write_gate
from bot.places_check import warn_about_directory
from bot.polling import UpdateRunner, poll
from bot.privacy import log_loop_exception
from bot.redis_isolation import RedisChatIsolation, redis_client
from bot.reminders import reminder_sender_task
from bot.retention import retention_loop
from bot.speedups import Speedups
from bot.webhook import create_webhook_app
from storage.base import create_engine, session_maker

log = logging.getLogger(__name__)


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
    redis: Redis | None = None
    """The Redis shared by the workers (REDIS_URL), or None: one process on its own."""

    @classmethod
    def create(cls, settings: Settings) -> Application:
        speedups = Speedups(settings.speedups)
        engine = create_engine(
            settings.database_url, **engine_options(settings.database_url, speedups)
        )
        sessionmaker = session_maker(engine)
        bot = create_bot(settings)
        gate = write_gate(sessionmaker)
        redis = redis_client(settings.redis_url.get_secret_value()) if settings.redis_url else None
        delivery = ReplyDelivery(
            bot,
            engine,
            worker_id=settings.worker_id,
            gate=gate,
            lease=timedelta(seconds=settings.reply_lease_seconds),
            across_workers=redis is not None,
        )
        isolation: BaseEventIsolation | None = RedisChatIsolation(redis) if redis else None
        return cls(
            settings=settings,
            engine=engine,
            sessionmaker=sessionmaker,
            bot=bot,
            dispatcher=create_dispatcher(sessionmaker, settings, delivery, gate, isolation),
            delivery=delivery,
            gate=gate,
            redis=redis,
        )

    async def close(self) -> None:
        await self.bot.session.close()
        if self.redis is not None:
            await self.redis.aclose()
        await self.engine.dispose()


async def serve(app: Application) -> None:
    """Serve until cancelled: commands menu, retention loop, then polling or the webhook."""
    settings = app.settings
    await warn_about_directory(app.engine, demo=settings.demo)
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
        asyncio.create_task(
            app.delivery.run(sweep_seconds=min(10.0, settings.reply_lease_seconds / 4)),
            name="reply-delivery",
        ),
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
        drain = settings.shutdown_seconds
        await runner.drain(drain)
        # The replies go out and their outcomes are recorded while the delivery's own task (the
        # outcome writer) still runs: cancelled first, sent replies would stay unrecorded and be
        # probed as "in doubt" after the restart (found by the SIGTERM test).
        await app.delivery.drain(drain)
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
        await app.delivery.close(1.0)


async def _serve_webhook(app: Application, runner: UpdateRunner, allowed: list[str]) -> None:
    settings = app.settings
    assert settings.webhook_url and settings.webhook_secret
    secret = settings.webhook_secret.get_secret_value()
    web_app = create_webhook_app(
        runner,
        path=settings.webhook_path,
        secret=secret,
        ready=functools.partial(metrics.ready, app.engine, app.redis),
    )
    # On SIGTERM, cleanup stops listening (nginx sends new updates to the other workers), then
    # waits up to `shutdown_seconds` for the requests in flight: each answers once its turn is
    # committed.
    site_runner = web.AppRunner(web_app, shutdown_timeout=settings.shutdown_seconds)
    await site_runner.setup()
    site = web.TCPSite(site_runner, settings.webhook_host, settings.webhook_port)
    await site.start()
    await app.bot.set_webhook(settings.webhook_url, secret_token=secret, allowed_updates=allowed)
    log.info("webhook mode: listening on port %d", settings.webhook_port)
    try:
        await asyncio.Event().wait()
    finally:
        metrics.SHUTTING_DOWN.set(1)
        log.info("stopping: no new updates; finishing the turns in flight")
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
