"""What an operator watches: Prometheus metrics of the bot process, and its health.

Counters and histograms are updated where things happen (updates and turns in bot.polling,
conflicts and database retries in bot.middlewares, sends in bot.delivery, screenings in
bot.turn); the queue gauges are sampled from the database every `SAMPLE_SECONDS` by
`sample_queues`. `/metrics`, `/healthz` (the process answers) and `/readyz` (the database
answers, and Redis when the bot uses it: `ready`) are served on the webhook port
(bot.webhook). No label carries personal data: types, verdicts, error codes and statuses only.

Each worker process has its own registry and its own port: Prometheus scrapes every worker
(docs/operations.md), and sums across them; the queue gauges, read from the shared database,
are the same on every worker (take their max, not their sum).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Final

from prometheus_client import Counter, Gauge, Histogram
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.base import utc_now
from storage.booking import Appointment, Reminder
from storage.replies import OutgoingReply

log = logging.getLogger(__name__)

SAMPLE_SECONDS: Final = 15.0

UPDATES: Final = Counter("komek_updates_total", "Telegram updates received, by type", ["type"])
TURN_SECONDS: Final = Histogram(
    "komek_turn_seconds",
    "From an update's start to the end of its turn (committed with its replies)",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
TURN_FAILURES: Final = Counter("komek_turn_failures_total", "Turns that ended in an error")
SCREENINGS: Final = Counter(
    "komek_screenings_total", "Finished screenings, by verdict", ["verdict"]
)
DATABASE_RETRIES: Final = Counter(
    "komek_database_retries_total", "Turns run again, by reason", ["reason"]
)
REPLIES_SENT: Final = Counter("komek_replies_total", "Replies delivered, by outcome", ["outcome"])
SEND_ERRORS: Final = Counter(
    "komek_send_errors_total", "Bot API calls that failed, by HTTP code or kind", ["code"]
)
REPLY_QUEUE: Final = Gauge("komek_reply_queue_depth", "Committed replies not yet delivered")
REPLY_QUEUE_AGE: Final = Gauge(
    "komek_reply_queue_oldest_seconds", "Age of the oldest committed reply not yet delivered"
)
REMINDER_QUEUE: Final = Gauge("komek_reminder_queue_depth", "Reminders due and not yet sent")
REMINDER_QUEUE_AGE: Final = Gauge(
    "komek_reminder_queue_oldest_seconds", "How long the oldest due reminder has waited"
)
APPOINTMENTS: Final = Gauge("komek_appointments", "Appointments, by status", ["status"])
REMINDERS_SENT: Final = Gauge("komek_reminders_sent", "Reminders sent so far")
ISOLATION_FALLBACKS: Final = Counter(
    "komek_isolation_fallbacks_total",
    "Turns run under the process's own chat lock because Redis could not be reached",
)
SHUTTING_DOWN: Final = Gauge(
    "komek_shutting_down", "1 once the worker stopped taking updates (SIGTERM), else 0"
)


async def ready(engine: AsyncEngine, redis: Redis | None = None, timeout: float = 2.0) -> bool:
    """The database (and Redis, when given) answer within `timeout`: what `/readyz` says.

    Checked afresh on every call, so readiness comes back by itself when the database does."""
    database = await database_ready(engine, timeout)
    shared = await redis_ready(redis, timeout) if redis is not None else True
    return database and shared


async def database_ready(engine: AsyncEngine, timeout: float = 2.0) -> bool:
    """The database answers a trivial query within `timeout`. A pooled connection found dead
    (the server restarted meanwhile) is dropped with the pool and one fresh try is made."""
    for attempt in range(2):
        try:
            async with asyncio.timeout(timeout), engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            return True
        except DBAPIError as error:
            if attempt == 0 and error.connection_invalidated:
                continue
            log.warning("not ready: the database did not answer (%s)", type(error).__name__)
        except Exception as error:
            log.warning("not ready: the database did not answer (%s)", type(error).__name__)
        return False
    return False


async def redis_ready(redis: Redis, timeout: float = 2.0) -> bool:
    """Redis answers PING within `timeout`."""
    try:
        async with asyncio.timeout(timeout):
            return bool(await redis.ping())
    except (RedisError, OSError, TimeoutError) as error:
        log.warning("not ready: redis did not answer (%s)", type(error).__name__)
        return False


def _age(oldest: datetime | None, now: datetime) -> float:
    return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0


async def sample_once(engine: AsyncEngine) -> None:
    now = utc_now()
    async with engine.connect() as connection:
        unsent = (
            await connection.execute(
                select(func.count(), func.min(OutgoingReply.created_at)).where(
                    OutgoingReply.sent_at.is_(None)
                )
            )
        ).one()
        due = (
            await connection.execute(
                select(func.count(), func.min(Reminder.next_attempt_at)).where(
                    Reminder.status == "pending", Reminder.next_attempt_at <= now
                )
            )
        ).one()
        sent = await connection.scalar(
            select(func.count()).select_from(Reminder).where(Reminder.status == "sent")
        )
        statuses = (
            await connection.execute(
                select(Appointment.status, func.count()).group_by(Appointment.status)
            )
        ).all()
    REPLY_QUEUE.set(unsent[0])
    REPLY_QUEUE_AGE.set(_age(unsent[1], now))
    REMINDER_QUEUE.set(due[0])
    REMINDER_QUEUE_AGE.set(_age(due[1], now))
    REMINDERS_SENT.set(sent or 0)
    for status, count in statuses:
        APPOINTMENTS.labels(status=status).set(count)


async def sample_queues(engine: AsyncEngine, interval: float = SAMPLE_SECONDS) -> None:
    """Until cancelled: refresh the queue gauges from the database."""
    while True:
        try:
            await sample_once(engine)
        except Exception as error:  # the database may be away; /readyz says so
            log.warning("sampling the queues failed (%s)", type(error).__name__)
        await asyncio.sleep(interval)
