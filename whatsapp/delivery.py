"""Replies are committed with the turn and delivered afterwards, per chat, in order, once.

A turn writes its messages into `whatsapp_outbox` in its own transaction (whatsapp.store); after
the commit they are handed here, and each chat's messages go out one by one, in row order, from
a task of the chat's own (bot/delivery.py is the Telegram twin):

- a refusal that says the user cannot be reached (131047 re-engagement, 131026 undeliverable)
  marks them as Telegram's 403 does (no reminders until they write again) and drops the chat's
  queue;
- a throughput limit (130429…) pauses every chat for `rate_limit_pause`; a limit on this one
  user (131056), 5xx and network failures are retried with backoff for `give_up_after`;
- any other refusal drops that one message (logged by its error code; never a text or number).

A document is uploaded first (`/media`), then sent by its media id. Rows are claimed by this
worker with a lease renewed by `run`; rows left by a dead worker are taken once their lease runs
out, a restarted worker's own at once. A message on the wire when the process dies is sent
again after the restart (the Cloud API has no idempotency key): at most one per chat.
Once sent, a row's recipient and body are blanked (whatsapp.store.forget_old purges it later).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Final

import orjson
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.privacy import chat_ref
from storage.base import session_maker, utc_now
from whatsapp import store
from whatsapp.client import GraphClient, GraphError
from whatsapp.store import OUTBOX

log = logging.getLogger(__name__)

BACKOFF_SECONDS: Final = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)


@dataclass
class Pending:
    row_id: int
    chat_id: int
    recipient: str
    body: str
    created: float = field(default_factory=time.monotonic)


class Delivery:
    """Delivers committed messages per chat (see the module docstring)."""

    def __init__(
        self,
        engine: AsyncEngine,
        client: GraphClient,
        *,
        worker_id: str,
        lease: timedelta = timedelta(seconds=60),
        give_up_after: float = 3600.0,
        send_timeout: float = 30.0,
        rate_limit_pause: float = 60.0,
    ) -> None:
        self.engine = engine
        self.sessionmaker = session_maker(engine)
        self.client = client
        self.worker_id = worker_id
        self.lease = lease
        self.give_up_after = give_up_after
        self.send_timeout = send_timeout
        self.rate_limit_pause = rate_limit_pause
        self.queues: dict[int, deque[Pending]] = {}
        self.tasks: dict[int, asyncio.Task[None]] = {}
        self.known: set[int] = set()
        self.paused_until = 0.0
        self.sent = 0
        self._idle = asyncio.Event()
        self._idle.set()

    # --- the turn's side ------------------------------------------------------------------

    def submit(self, items: list[Pending]) -> None:
        """Queue committed rows (in id order within each chat) and start their chats' tasks."""
        for item in items:
            if item.row_id in self.known:
                continue
            self.known.add(item.row_id)
            self.queues.setdefault(item.chat_id, deque()).append(item)
            if item.chat_id not in self.tasks:
                self._idle.clear()
                task = asyncio.create_task(self._serve_chat(item.chat_id))
                self.tasks[item.chat_id] = task

    # --- sending ------------------------------------------------------------------------------

    async def _serve_chat(self, chat_id: int) -> None:
        try:
            queue = self.queues[chat_id]
            while queue:
                item = queue[0]
                try:
                    outcome = await self._deliver(item)
                except Exception:  # a database hiccup: the row stays claimed, the sweep retries
                    log.exception("%s: a reply could not be recorded", chat_ref(chat_id))
                    outcome = "retry-later"
                queue.popleft()
                self.known.discard(item.row_id)
                if outcome == "blocked":
                    for dropped in list(queue):
                        await self._mark(dropped, outcome="blocked", message_id=None)
                        self.known.discard(dropped.row_id)
                    queue.clear()
        finally:
            self.tasks.pop(chat_id, None)
            if not self.queues.get(chat_id):
                self.queues.pop(chat_id, None)
            if not self.tasks:
                self._idle.set()

    async def _deliver(self, item: Pending) -> str:
        attempt = 0
        while True:
            wait = self.paused_until - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                message_id = await self._send(item)
            except GraphError as error:
                verdict = error.verdict
                if verdict == "blocked":
                    log.info("%s: unreachable on WhatsApp (%s)", chat_ref(item.chat_id), error)
                    await self._mark(item, outcome="blocked", message_id=None)
                    async with self.sessionmaker() as db, db.begin():
                        await store.mark_unreachable(db, item.chat_id, utc_now())
                    return "blocked"
                if verdict == "rejected":
                    log.warning("%s: a reply was refused (%s)", chat_ref(item.chat_id), error)
                    await self._mark(item, outcome="dropped", message_id=None)
                    return "dropped"
                if time.monotonic() - item.created > self.give_up_after:
                    log.warning("%s: a reply was given up (%s)", chat_ref(item.chat_id), error)
                    await self._mark(item, outcome="dropped", message_id=None)
                    return "dropped"
                if verdict == "rate_limited":
                    self.paused_until = max(
                        self.paused_until, time.monotonic() + self.rate_limit_pause
                    )
                    continue
                await asyncio.sleep(BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) - 1)])
                attempt += 1
                continue
            await self._mark(item, outcome="sent", message_id=message_id)
            self.sent += 1
            return "sent"

    async def _send(self, item: Pending) -> str:
        message: dict[str, Any] = orjson.loads(item.body)
        upload = message.pop("upload", None)
        if isinstance(upload, dict) and message.get("type") == "document":
            document = dict(message["document"])
            document["id"] = await self.client.upload(
                base64.b64decode(upload["content"]),
                str(document.get("filename", "file")),
                str(upload["mime_type"]),
                timeout=self.send_timeout,
            )
            message["document"] = document
        return await self.client.send(item.recipient, message, timeout=self.send_timeout)

    async def _mark(self, item: Pending, *, outcome: str, message_id: str | None) -> None:
        async with self.sessionmaker() as db, db.begin():
            await db.execute(
                update(OUTBOX)
                .where(OUTBOX.c.id == item.row_id, OUTBOX.c.sent_at.is_(None))
                .values(
                    sent_at=utc_now(),
                    message_id=message_id,
                    outcome=outcome,
                    body="",
                    recipient="",
                    claimed_until=None,
                )
            )

    # --- leases, sweeps, shutdown ---------------------------------------------------------

    async def sweep(self, *, own: bool = False) -> int:
        """Take unsent rows whose lease ran out (`own`: this worker's too, after a restart)."""
        async with self.sessionmaker() as db, db.begin():
            rows = await store.unsent_claimable(db, self.worker_id, utc_now(), self.lease, own=own)
        self.submit([Pending(row.id, row.chat_id, row.recipient, row.body) for row in rows])
        return len(rows)

    async def renew_leases(self) -> None:
        queued = sorted(self.known)
        if not queued:
            return
        async with self.sessionmaker() as db, db.begin():
            await db.execute(
                update(OUTBOX)
                .where(
                    OUTBOX.c.id.in_(queued),
                    OUTBOX.c.claimed_by == self.worker_id,
                    OUTBOX.c.sent_at.is_(None),
                )
                .values(claimed_until=utc_now() + self.lease)
            )

    async def run(self, stop: asyncio.Event, *, every: float = 10.0) -> None:
        """Renew this worker's leases and take over abandoned rows until `stop` is set."""
        own = True
        while not stop.is_set():
            try:
                await self.renew_leases()
                await self.sweep(own=own)
                own = False
            except Exception:
                log.exception("the WhatsApp outbox sweep failed; trying again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)

    async def drain(self, timeout: float) -> bool:
        """Wait until every queued message is settled; False if `timeout` ran out first."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def close(self, timeout: float) -> None:
        await self.drain(timeout)
        for task in list(self.tasks.values()):
            task.cancel()
        await asyncio.gather(*self.tasks.values(), return_exceptions=True)
        async with self.sessionmaker() as db, db.begin():
            await db.execute(
                update(OUTBOX)
                .where(OUTBOX.c.claimed_by == self.worker_id, OUTBOX.c.sent_at.is_(None))
                .values(claimed_until=None)
            )
