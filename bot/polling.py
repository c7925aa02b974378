"""Long polling that confirms an update to Telegram only after its turn is committed.

aiogram's own polling confirms a batch (by asking for the next offset) as soon as the handler
tasks are created, so a crash at that moment would lose those answers. Here every update of a
batch is handled concurrently (one chat at a time, see ChatOrderMiddleware) and the next
`getUpdates` call, which confirms the batch, waits until each update has committed its
transaction. Replies may still be sending meanwhile: a 429 wait does not stall polling.
Updates redelivered after a crash are dropped by the processed_updates claim.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Sequence
from typing import Final

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter
from aiogram.methods import GetUpdates
from aiogram.types import Update
from aiohttp import ClientError

log = logging.getLogger(__name__)

BACKOFF_SECONDS: Final = (0.5, 1.0, 2.0, 5.0, 10.0)


def log_failure(error: BaseException) -> None:
    """Type and stack only: the exception's message might quote what the user typed."""
    frames = "".join(traceback.format_tb(error.__traceback__))
    log.error("update failed with %s\n%s", type(error).__name__, frames)


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

    def start(self, update: Update) -> asyncio.Event:
        """Handle the update in the background; the event is set once its turn is committed."""
        committed = asyncio.Event()
        task = asyncio.create_task(self._run(update, committed))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return committed

    async def _run(self, update: Update, committed: asyncio.Event) -> None:
        try:
            if self.slots is None:
                await self.dispatcher.feed_update(self.bot, update, committed=committed)
            else:
                async with self.slots:
                    await self.dispatcher.feed_update(self.bot, update, committed=committed)
        except Exception as error:
            log_failure(error)
        finally:
            committed.set()

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
        request = GetUpdates(
            offset=offset,
            timeout=timeout,
            allowed_updates=list(allowed_updates) if allowed_updates is not None else None,
        )
        try:
            updates = await bot(request, request_timeout=timeout + 15)
        except TelegramRetryAfter as error:
            await asyncio.sleep(error.retry_after)
            continue
        except (TelegramAPIError, ClientError, TimeoutError) as error:
            delay = BACKOFF_SECONDS[min(failures, len(BACKOFF_SECONDS) - 1)]
            failures += 1
            log.warning("getUpdates failed (%s), retrying in %.1f s", type(error).__name__, delay)
            await asyncio.sleep(delay)
            continue
        failures = 0
        if not updates:
            continue
        committed = [runner.start(update) for update in updates]
        await asyncio.gather(*(event.wait() for event in committed))
        offset = updates[-1].update_id + 1
