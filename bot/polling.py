"""Long polling that confirms updates to Telegram only after their turns are committed.

aiogram's own polling confirms a batch (by asking for the next offset) as soon as the handler
tasks are created, so a crash at that moment would lose those answers. Here every update of a
batch is handled concurrently (one chat at a time, see ChatOrderMiddleware) and the next
`getUpdates` call, which confirms the batch, waits until each turn has ended. A turn only
reads and writes the database (its replies go out from the outbox, bot.delivery), so a chat in
a flood wait or a slow send never holds up the next batch. Updates redelivered after a crash
are dropped by the processed_updates claim.

Nothing that comes back from Telegram stops polling: each update is decoded on its own (one
that cannot be read is skipped, bot.updates), and any failed call, an HTML error page of a proxy
included, is retried with backoff.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import Final

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramRetryAfter
from aiogram.types import Update

from bot import metrics
from bot.privacy import describe_failure
from bot.updates import fetch_updates

log = logging.getLogger(__name__)

BACKOFF_SECONDS: Final = (0.5, 1.0, 2.0, 5.0, 10.0)


def log_failure(error: BaseException) -> None:
    """Type and stack only: the exception's message might quote what the user typed."""
    log.error("update failed with %s", describe_failure(error))


class UpdateRunner:
    """Feeds updates to the dispatcher as tasks and tracks them for a graceful stop.

    At most `max_in_flight` turns run at once (None: no limit); the others wait their turn in
    arrival order. Under load this keeps each turn's own steps (a commit, then several replies
    in sequence) from queueing behind every other update on the event loop, so a turn with
    many replies (the result) is not several times slower than the rest.
    """

    def __init__(
        self, dispatcher: Dispatcher, bot: Bot, *, max_in_flight: int | None = None
    ) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.tasks: set[asyncio.Task[None]] = set()
        self.slots = asyncio.Semaphore(max_in_flight) if max_in_flight else None

    def start(self, update: Update) -> asyncio.Task[None]:
        """Handle the update in the background; the task ends when its turn has ended
        (committed with its replies, or failed and answered with an apology)."""
        task = asyncio.create_task(self._run(update))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def _run(self, update: Update) -> None:
        metrics.UPDATES.labels(type=update.event_type).inc()
        started = time.perf_counter()
        try:
            if self.slots is None:
                await self.dispatcher.feed_update(self.bot, update)
            else:
                async with self.slots:
                    await self.dispatcher.feed_update(self.bot, update)
        except Exception as error:  # one update's failure ends that update, never the process
            metrics.TURN_FAILURES.inc()
            log_failure(error)
        finally:
            metrics.TURN_SECONDS.observe(time.perf_counter() - started)

    async def drain(self, timeout: float) -> None:
        if self.tasks:
            await asyncio.wait(set(self.tasks), timeout=timeout)


async def poll(
    dispatcher: Dispatcher,
    bot: Bot,
    *,
    timeout: int,
    allowed_updates: Sequence[str] | None = None,
    runner: UpdateRunner | None = None,
) -> None:
    """Run until cancelled; handlers in flight are left to the caller (`runner.drain`)."""
    runner = runner or UpdateRunner(dispatcher, bot)
    offset: int | None = None
    failures = 0
    while True:
        try:
            batch = await fetch_updates(
                bot, offset=offset, timeout=timeout, allowed_updates=allowed_updates
            )
        except TelegramRetryAfter as error:
            await asyncio.sleep(error.retry_after)
            continue
        except Exception as error:  # HTML error pages, resets, 5xx, 409...: never fatal
            delay = BACKOFF_SECONDS[min(failures, len(BACKOFF_SECONDS) - 1)]
            failures += 1
            log.warning("getUpdates failed (%s), retrying in %.1f s", type(error).__name__, delay)
            await asyncio.sleep(delay)
            continue
        failures = 0
        if batch.updates:
            turns = [runner.start(update) for update in batch.updates]
            await asyncio.wait(turns)
        offset = batch.next_offset
