"""Replies are committed with the turn and delivered afterwards, per chat, in order, once.

A turn writes what it has to say into the reply outbox (storage/replies.py) in its own
transaction (`TurnReplies`, flushed by the unit of work just before the commit). After the
commit `ReplyDelivery` sends those rows, chat by chat, each chat in its own task:

- a chat in a flood wait (429) waits alone; no lock is held and no other chat is delayed;
- 5xx, network errors and answers that are not JSON (a proxy's HTML page) are retried with
  backoff for as long as `give_up_after`; a 403 marks the user blocked and drops the chat's
  queue; a 400 drops the one call, except "message is not modified" (the edit is already
  there) and an edit that carries the next question, which is then sent as a new message (the
  pressed message was deleted, or is too old to edit);
- a call whose outcome is unknown (the connection broke after Telegram may have processed it,
  or this process was killed between Telegram's answer and the "sent" mark) is checked before
  it is repeated: a text message is looked for by editing the messages that may be it, just
  after the last id known in the chat, to the very same text: Telegram answers "message is not
  modified" only for the message we sent, "message can't be edited" for the user's messages and
  "message to edit not found" past the end. Found, it is recorded, not sent twice. Other calls
  are repeated: edits and callback answers are idempotent; a venue or a document may, in that
  rare case, arrive twice.

Rows are claimed by this worker (`worker_id`, stable across restarts of one process slot) with
a lease that a heartbeat renews; a restarted worker takes its own unsent rows back at once,
and rows of a worker that never came back are taken by any other once their lease ran out.

Several workers (`across_workers`): a chat's turns may run on different workers, so a turn
that stores replies while older ones of its chat are still unsent elsewhere (being sent by
another worker, or left by a dead one) marks its own to wait: they go out only once those are
marked sent, or taken over here when their lease ran out (and checked before a repeat, as
above). Without this, a dead worker's reply taken over later would arrive after the chat had
moved on: out of order, and sent twice if it had in fact arrived.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final, cast

import orjson
from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import TelegramMethod
from sqlalchemy import Table, bindparam, func, insert, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot import metrics, store
from bot.privacy import chat_ref
from bot.telegram_session import PreparedCall, prepare_call, send_prepared
from storage.base import is_locked, utc_now
from storage.booking import Reminder
from storage.replies import OutgoingReply

log = logging.getLogger(__name__)

OUTBOX: Final = cast(Table, OutgoingReply.__table__)
REMINDERS: Final = cast(Table, Reminder.__table__)
_MARK_DONE: Final = (
    update(OUTBOX)
    .where(OUTBOX.c.id == bindparam("p_id"), OUTBOX.c.sent_at.is_(None))
    .values(
        sent_at=bindparam("p_now"),
        message_id=bindparam("p_message"),
        outcome=bindparam("p_outcome"),
        body="",
        claimed_until=None,
    )
)

MAX_RETRY_AFTER_SECONDS: Final = 300.0
BACKOFF_SECONDS: Final = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)
PROBE_LIMIT: Final = 5
"""How many message ids after the last known one the in-doubt check looks at."""
EDITS: Final = frozenset({"editMessageText", "editMessageCaption", "editMessageReplyMarkup"})
NOT_MODIFIED: Final = "message is not modified"
CANNOT_EDIT: Final = "message can't be edited"
NOT_FOUND: Final = "message to edit not found"

ORDER_POLL_SECONDS: Final = (0.1, 0.4)
"""How often a reply waiting for older ones at another worker looks again (first, at most):
the other worker's "sent" mark is usually a moment away, and a person reads for seconds."""
EPHEMERAL_ORDER: Final = 2**62
"""Unstored calls go after every stored row of the chat that is already queued."""


@dataclass(order=True)
class Pending:
    """One outbox row on its way (rows without an id are apologies that were never stored)."""

    order: int
    chat_id: int = field(compare=False)
    call: PreparedCall = field(compare=False)
    row_id: int | None = field(default=None, compare=False)
    or_send: bool = field(default=False, compare=False)
    after_message_id: int | None = field(default=None, compare=False)
    created: float = field(default_factory=time.monotonic, compare=False)
    in_doubt: bool = field(default=False, compare=False)
    """Telegram may already have made this call (a broken answer, or a previous life)."""
    after_others: bool = field(default=False, compare=False)
    """Older replies of the chat were unsent at another worker when this one was stored."""
    turn: int = field(default=0, compare=False)
    """The first row id of the turn that stored it (its turn's replies share it)."""


class TurnReplies:
    """What one turn says to one chat, collected in order and stored with the turn's commit.

    Nothing is sent from inside a turn; `bot.middlewares.UnitOfWork` writes these rows in the
    turn's transaction and hands them to `ReplyDelivery` once it has committed.
    """

    def __init__(self, bot: Bot, chat_id: int, *, after_message_id: int | None = None) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.after_message_id = after_message_id
        self.calls: list[tuple[PreparedCall, bool]] = []
        self.closed = False

    def add(self, method: TelegramMethod[Any], *, or_send: bool = False) -> None:
        """Say this after what was added before. `or_send`: an edit that carries the next
        question; if the message cannot be edited, the text goes as a new message."""
        if self.closed:
            raise RuntimeError("a reply was added after the turn was committed")
        self.calls.append((prepare_call(self.bot, method), or_send))

    def rows(self, worker_id: str, now: datetime, lease: timedelta) -> list[dict[str, Any]]:
        return [
            {
                "chat_id": self.chat_id,
                "method": call.method,
                "body": call.body,
                "or_send": or_send,
                "after_message_id": self.after_message_id,
                "created_at": now,
                "claimed_by": worker_id,
                "claimed_until": now + lease,
                "attempts": 0,
            }
            for call, or_send in self.calls
        ]


class ReplyDelivery:
    """Delivers committed replies per chat (see the module docstring)."""

    def __init__(
        self,
        bot: Bot,
        engine: AsyncEngine,
        *,
        worker_id: str,
        gate: asyncio.Lock | None = None,
        lease: timedelta = timedelta(seconds=60),
        give_up_after: float = 3600.0,
        send_timeout: int = 30,
        across_workers: bool = False,
    ) -> None:
        self.bot = bot
        self.across_workers = across_workers
        self.engine = engine
        self.worker_id = worker_id
        self.gate = gate
        self.lease = lease
        self.give_up_after = give_up_after
        self.send_timeout = send_timeout
        self.queues: dict[int, list[Pending]] = {}
        self.tasks: dict[int, asyncio.Task[None]] = {}
        self.known: set[int] = set()
        self.last_message_id: dict[int, int] = {}
        self.delivered = 0
        self.marks: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._ephemeral = 0
        self._idle = asyncio.Event()
        self._idle.set()

    # --- the turn's side ------------------------------------------------------------------

    async def store(self, db: AsyncSession, replies: TurnReplies) -> list[Pending]:
        """Write the turn's replies in its transaction; hand the result to `submit` after the
        commit."""
        replies.closed = True
        if not replies.calls:
            return []
        rows = replies.rows(self.worker_id, utc_now(), self.lease)
        connection = await db.connection()
        statement = insert(OUTBOX).returning(OUTBOX.c.id, sort_by_parameter_order=True)
        ids = list((await connection.execute(statement, rows)).scalars())
        behind = self.across_workers and bool(
            await connection.scalar(_older_elsewhere(replies.chat_id, min(ids), self.worker_id))
        )
        return [
            Pending(
                order=row_id,
                chat_id=replies.chat_id,
                call=call,
                row_id=row_id,
                or_send=or_send,
                after_message_id=replies.after_message_id,
                after_others=behind,
                turn=ids[0],
            )
            for row_id, (call, or_send) in zip(ids, replies.calls, strict=True)
        ]

    def submit(self, items: list[Pending]) -> None:
        """Queue committed rows (or unstored apologies) for their chats and start sending."""
        for item in items:
            if item.row_id is not None:
                if item.row_id in self.known:
                    continue
                self.known.add(item.row_id)
            heapq.heappush(self.queues.setdefault(item.chat_id, []), item)
            if item.chat_id not in self.tasks:
                task = asyncio.create_task(self._serve_chat(item.chat_id))
                self.tasks[item.chat_id] = task
                self._idle.clear()

    def say_now(self, bot: Bot, chat_id: int, method: TelegramMethod[Any]) -> None:
        """Send a call that could not be stored (the apology after a failed turn), in the chat's
        order, with the same retries; lost if the process dies first."""
        self._ephemeral += 1
        call = prepare_call(bot, method)
        self.submit([Pending(order=EPHEMERAL_ORDER + self._ephemeral, chat_id=chat_id, call=call)])

    # --- the sending side -----------------------------------------------------------------

    async def _serve_chat(self, chat_id: int) -> None:
        queue = self.queues[chat_id]
        try:
            while queue:
                item = heapq.heappop(queue)
                if item.after_others:
                    if await self._older_taken_over(item):
                        heapq.heappush(queue, item)  # the older ones, now queued here, go first
                        continue
                    for later in queue:  # the rest of its turn: nothing older elsewhere
                        if later.turn == item.turn:
                            later.after_others = False
                try:
                    blocked = await self._deliver(item)
                except Exception as error:  # one bad row must not stop the chat's others
                    log.error("%s: a reply failed with %s", chat_ref(chat_id), type(error).__name__)
                    # Left unmarked: its lease runs out and it is taken again, as in doubt.
                    if item.row_id is not None:
                        self.known.discard(item.row_id)
                    continue
                if blocked:
                    for rest in queue:
                        self._record(rest, outcome="blocked", message_id=None)
                    queue.clear()
        finally:
            del self.queues[chat_id]
            del self.tasks[chat_id]
            if not self.tasks:
                self._idle.set()

    async def _older_taken_over(self, item: Pending) -> bool:
        """Wait while older replies of the chat are unsent at another worker; True once some
        were taken over here (their lease ran out), False when none are left elsewhere."""
        assert item.row_id is not None
        query = select(OUTBOX.c.id, OUTBOX.c.claimed_until).where(
            _older_elsewhere_clause(item.chat_id, item.row_id, self.worker_id)
        )
        pause = ORDER_POLL_SECONDS[0]
        while True:
            async with self.engine.connect() as connection:
                older = (await connection.execute(query)).all()
            if not older:
                item.after_others = False
                return False
            now = utc_now()
            expired = any(row.claimed_until is None or row.claimed_until < now for row in older)
            if expired and await self.reclaim(own=False):
                return True
            await asyncio.sleep(pause)
            pause = min(pause * 2, ORDER_POLL_SECONDS[1])

    async def _deliver(self, item: Pending) -> bool:
        """Make the call until it has an outcome; True if the user has blocked the bot."""
        failures = 0
        while True:
            if item.in_doubt and item.call.method == "sendMessage":
                found = await self._find_delivered(item)
                if found is not None:
                    log.info(
                        "%s: a reply had arrived already; not sent twice", chat_ref(item.chat_id)
                    )
                    self._record(item, outcome="sent", message_id=found)
                    return False
            try:
                message_id = await send_prepared(self.bot, item.call, self.send_timeout)
            except TelegramRetryAfter as flood:
                metrics.SEND_ERRORS.labels(code="429").inc()
                delay = min(float(flood.retry_after), MAX_RETRY_AFTER_SECONDS)
                log.info("%s: flood control, waiting %.1f s", chat_ref(item.chat_id), delay)
                await asyncio.sleep(delay)
                continue
            except TelegramForbiddenError:
                metrics.SEND_ERRORS.labels(code="403").inc()
                log.info("%s: the bot is blocked, not messaging again", chat_ref(item.chat_id))
                self._record(item, outcome="blocked", message_id=None)
                await self._write(store.blocked(item.chat_id, utc_now()))
                return True
            except TelegramBadRequest as error:
                metrics.SEND_ERRORS.labels(code="400").inc()
                outcome = self._after_refusal(item, error)
                if outcome is None:
                    continue  # the edit became a new message: send that
                self._record(item, outcome=outcome, message_id=None)
                return False
            except (TelegramServerError, TelegramNetworkError, ClientDecodeError) as error:
                metrics.SEND_ERRORS.labels(code=_error_code(error)).inc()
                item.in_doubt = True
                if time.monotonic() - item.created > self.give_up_after:
                    log.warning(
                        "%s: %s given up after %s",
                        chat_ref(item.chat_id),
                        item.call.method,
                        type(error).__name__,
                    )
                    self._record(item, outcome="expired", message_id=None)
                    return False
                await asyncio.sleep(BACKOFF_SECONDS[min(failures, len(BACKOFF_SECONDS) - 1)])
                failures += 1
                continue
            except TelegramAPIError as error:  # 401, 404, 409...: a misconfiguration; wait
                metrics.SEND_ERRORS.labels(code=_error_code(error)).inc()
                log.warning(
                    "%s: %s answered %s",
                    chat_ref(item.chat_id),
                    item.call.method,
                    type(error).__name__,
                )
                if time.monotonic() - item.created > self.give_up_after:
                    self._record(item, outcome="expired", message_id=None)
                    return False
                await asyncio.sleep(BACKOFF_SECONDS[min(failures, len(BACKOFF_SECONDS) - 1)])
                failures += 1
                continue
            self._note_message_id(item.chat_id, message_id)
            self._record(item, outcome="sent", message_id=message_id)
            return False

    def _after_refusal(self, item: Pending, error: TelegramBadRequest) -> str | None:
        """The outcome of a 400; None when the call was turned into another one to make."""
        text = error.message
        if NOT_MODIFIED in text:
            return "sent"  # an edit that is already there (a repeated edit)
        if item.or_send and item.call.method == "editMessageText":
            params = item.call.params
            for key in ("message_id", "inline_message_id"):
                params.pop(key, None)
            item.call = PreparedCall("sendMessage", orjson.dumps(params).decode())
            item.in_doubt = False
            log.info("%s: the pressed message cannot be edited; sent anew", chat_ref(item.chat_id))
            return None
        if item.call.method != "answerCallbackQuery":  # a late answer to a press is harmless
            log.info(
                "%s: %s refused: %s", chat_ref(item.chat_id), item.call.method, _first_words(text)
            )
        return "dropped"

    async def _find_delivered(self, item: Pending) -> int | None:
        """The id of the message this call already created, if it did (module docstring)."""
        last = await self._last_known_id(item)
        if last is None:
            return None
        params = item.call.params
        probe = {
            key: value
            for key, value in params.items()
            if key in {"chat_id", "text", "parse_mode", "entities", "link_preview_options"}
        }
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            probe["reply_markup"] = markup
        for candidate in range(last + 1, last + 1 + PROBE_LIMIT):
            call = PreparedCall(
                "editMessageText", orjson.dumps({**probe, "message_id": candidate}).decode()
            )
            try:
                await send_prepared(self.bot, call, self.send_timeout)
            except TelegramBadRequest as error:
                if NOT_MODIFIED in error.message:
                    self._note_message_id(item.chat_id, candidate)
                    return candidate
                if CANNOT_EDIT in error.message:
                    continue  # the user's message
                return None  # past the end (not found), or something else: send it
            except TelegramAPIError:
                return None
            else:  # ours, but it read otherwise: it now shows this reply
                log.warning(
                    "%s: the in-doubt check edited message %d", chat_ref(item.chat_id), candidate
                )
                self._note_message_id(item.chat_id, candidate)
                return candidate
        return None

    async def _last_known_id(self, item: Pending) -> int | None:
        """The newest message id known in the chat before this call: the user's message it
        answers, our last recorded reply or reminder."""
        known = [item.after_message_id, self.last_message_id.get(item.chat_id)]
        async with self.engine.connect() as connection:
            for table in (OUTBOX, REMINDERS):
                known.append(
                    await connection.scalar(
                        select(func.max(table.c.message_id)).where(table.c.chat_id == item.chat_id)
                    )
                )
        numbers = [n for n in known if isinstance(n, int)]
        return max(numbers) if numbers else None

    def _note_message_id(self, chat_id: int, message_id: int | None) -> None:
        if message_id is not None and message_id > self.last_message_id.get(chat_id, 0):
            self.last_message_id[chat_id] = message_id

    # --- the outbox rows ------------------------------------------------------------------

    def _record(self, item: Pending, *, outcome: str, message_id: int | None) -> None:
        """Mark the row done (its text blanked), by the mark writer, soon."""
        self.delivered += outcome == "sent"
        metrics.REPLIES_SENT.labels(outcome=outcome).inc()
        if item.row_id is None:
            return
        self.known.discard(item.row_id)
        self.marks.put_nowait({"p_id": item.row_id, "p_outcome": outcome, "p_message": message_id})

    async def _write_marks(self) -> None:
        """Record outcomes in batches: one statement and one commit for all that came in
        meanwhile, on a connection of its own. A mark lost in a crash only makes its row in
        doubt after the restart, which the check before a repeat resolves."""
        while True:
            batch = [await self.marks.get()]
            while not self.marks.empty() and len(batch) < 500:
                batch.append(self.marks.get_nowait())
            now = utc_now()
            for mark in batch:
                mark["p_now"] = now
            try:
                await self._write(_MARK_DONE, batch)
            except Exception as error:
                log.warning(
                    "recording %d reply outcomes failed (%s)", len(batch), type(error).__name__
                )
            finally:
                for _ in batch:
                    self.marks.task_done()

    async def _write(
        self, statement: Any, parameters: Any = None, *, rows: bool = False
    ) -> list[Any]:
        """One short write in a transaction of its own; a locked database or a dropped
        connection is waited out (for up to a minute). The connection is taken before the
        SQLite write turn (`gate`), as turns do, so the two never wait for each other."""
        delay = 0.01
        give_up = time.monotonic() + 60.0
        while True:
            try:
                turn = self.gate if self.gate is not None else contextlib.nullcontext()
                async with self.engine.connect() as connection, turn:
                    result = await connection.execute(statement, parameters)
                    found = list(result.all()) if rows else []
                    await connection.commit()
                    return found
            except DBAPIError as error:
                transient = is_locked(error) or error.connection_invalidated
                if not transient or time.monotonic() > give_up:
                    raise
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.5)

    # --- claims: recovery after a crash, leases ------------------------------------------

    async def reclaim(self, *, own: bool) -> int:
        """Take unsent rows whose lease ran out (and, with `own`, this worker's from a previous
        life) and queue them; they are in doubt, since they may have been sent already."""
        now = utc_now()
        claimable = [OUTBOX.c.claimed_until.is_(None), OUTBOX.c.claimed_until < now]
        if own:
            claimable.append(OUTBOX.c.claimed_by == self.worker_id)
        candidates = select(OUTBOX.c.id).where(OUTBOX.c.sent_at.is_(None), or_(*claimable))
        if self.engine.dialect.name == "postgresql":
            candidates = candidates.with_for_update(skip_locked=True)
        statement = (
            update(OUTBOX)
            .where(OUTBOX.c.id.in_(candidates.order_by(OUTBOX.c.id).limit(1000).scalar_subquery()))
            .values(
                claimed_by=self.worker_id,
                claimed_until=now + self.lease,
                attempts=OUTBOX.c.attempts + 1,
            )
            .returning(
                OUTBOX.c.id,
                OUTBOX.c.chat_id,
                OUTBOX.c.method,
                OUTBOX.c.body,
                OUTBOX.c.or_send,
                OUTBOX.c.after_message_id,
            )
        )
        rows = await self._write(statement, rows=True)
        items = [
            Pending(
                order=row.id,
                chat_id=row.chat_id,
                call=PreparedCall(row.method, row.body),
                row_id=row.id,
                or_send=row.or_send,
                after_message_id=row.after_message_id,
                in_doubt=True,
            )
            for row in sorted(rows, key=lambda row: row.id)
        ]
        if items:
            log.info("taking over %d unsent replies", len(items))
        self.submit(items)
        return len(items)

    async def renew_leases(self) -> None:
        """Keep the claims of rows still queued here alive (a long flood wait); a row that
        left the queue without an outcome lets its lease run out and is taken again."""
        queued = sorted(self.known)
        for start in range(0, len(queued), 500):
            statement = (
                update(OUTBOX)
                .where(
                    OUTBOX.c.id.in_(queued[start : start + 500]),
                    OUTBOX.c.claimed_by == self.worker_id,
                    OUTBOX.c.sent_at.is_(None),
                )
                .values(claimed_until=utc_now() + self.lease)
            )
            await self._write(statement)

    async def release(self) -> None:
        """On a clean stop: give unsent rows back so any worker may take them at once."""
        statement = (
            update(OUTBOX)
            .where(OUTBOX.c.claimed_by == self.worker_id, OUTBOX.c.sent_at.is_(None))
            .values(claimed_by=None, claimed_until=None)
        )
        await self._write(statement)

    async def run(self, *, sweep_seconds: float = 10.0) -> None:
        """Until cancelled: record outcomes; take back this worker's rows from before a
        restart, then renew leases and take over expired rows of others now and then."""
        writer = asyncio.create_task(self._write_marks(), name="reply-outcomes")
        try:
            await self.reclaim(own=True)
            while True:
                await asyncio.sleep(sweep_seconds)
                try:
                    await self.renew_leases()
                    await self.reclaim(own=False)
                except Exception as error:  # the database may be away for a while
                    log.warning("reply outbox sweep failed (%s)", type(error).__name__)
        finally:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self.marks.join()), 5.0)
            writer.cancel()
            await asyncio.gather(writer, return_exceptions=True)

    async def drain(self, timeout: float) -> bool:
        """Wait until every queued reply has an outcome, recorded (True), or `timeout` passes
        (False)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)
            await asyncio.wait_for(self.marks.join(), timeout)
        return self._idle.is_set() and self.marks.empty()

    async def close(self, timeout: float) -> None:
        """Finish what can be finished within `timeout`, stop, give the rest back."""
        await self.drain(timeout)
        for task in list(self.tasks.values()):
            task.cancel()
        await asyncio.gather(*self.tasks.values(), return_exceptions=True)
        with contextlib.suppress(Exception):
            await self.release()


ORDERLESS_METHODS: Final = ("answerCallbackQuery", "sendChatAction")
"""Calls that show nothing in the chat's history (a button's spinner stopped, "typing…"): a
later reply need not wait for them at another worker."""


def _older_elsewhere_clause(chat_id: int, row_id: int, worker_id: str) -> Any:
    """Unsent rows of the chat older than `row_id` that another worker claims (or nobody),
    leaving out calls that order nothing (waiting for those cost ~1 ms of CPU per update with
    two workers: the answer to the press that led to this turn is usually still unmarked)."""
    return (
        (OUTBOX.c.chat_id == chat_id)
        & (OUTBOX.c.id < row_id)
        & OUTBOX.c.sent_at.is_(None)
        & or_(OUTBOX.c.claimed_by.is_(None), OUTBOX.c.claimed_by != worker_id)
        & OUTBOX.c.method.not_in(ORDERLESS_METHODS)
    )


def _older_elsewhere(chat_id: int, row_id: int, worker_id: str) -> Any:
    return select(
        select(OUTBOX.c.id).where(_older_elsewhere_clause(chat_id, row_id, worker_id)).exists()
    )


def _error_code(error: Exception) -> str:
    """A metrics label: Telegram's HTTP code where there is one, else the kind of failure."""
    if isinstance(error, ClientDecodeError):
        return "not_json"
    if isinstance(error, TelegramNetworkError):
        return "network"
    if isinstance(error, TelegramServerError):
        return "5xx"
    return type(error).__name__


def _first_words(text: str) -> str:
    """The start of Telegram's description (never user text: descriptions are Telegram's)."""
    return text[:80]
