"""The webhook: Meta's handshake, signed deliveries, one turn per message, replies after commit.

`GET /whatsapp` answers Meta's verification handshake (`hub.mode=subscribe`, the verify token,
`hub.challenge` echoed back); `POST /whatsapp` reads a delivery only if its
`X-Hub-Signature-256` is the HMAC-SHA256 of the raw body under the app secret (compared in
constant time): otherwise 401 and nothing is read. A delivery's messages are handled per user
in the order they were sent (users apart at once, one user's one after another, a lock per
number), each in a transaction that also records its message id (a delivery Meta repeats is
handled once), saves the conversation and writes its replies to the outbox; the answer is 200
only once every turn is committed (a 500 makes Meta deliver again, and the repeat does only
what was not done). Status callbacks are recorded, never answered. `GET /healthz`: alive.

Logs name a chat by a salted hash (bot.privacy.chat_ref), never a number or a text.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Final

import orjson
from aiohttp import web
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from booking import notice_outbox
from booking.sender import ReminderSender
from booking.settings import BookingSettings
from bot import store as bot_store
from bot.privacy import chat_ref
from common.kz import local_day
from storage.base import create_engine, is_locked, session_maker, utc_now
from storage.erasure import vacuum_erased
from whatsapp import store
from whatsapp.client import UNREACHABLE, GraphClient
from whatsapp.delivery import Delivery, Pending
from whatsapp.inbound import Incoming, Status, read_delivery
from whatsapp.notices import NoticeSender
from whatsapp.reminders import WhatsAppTransport
from whatsapp.settings import WhatsAppSettings
from whatsapp.signature import is_signed
from whatsapp.turns import Conflict, Conversations, Turn

log = logging.getLogger(__name__)

PATH: Final = "/whatsapp"
ATTEMPTS: Final = 5
"""A turn that meets another process's save (or SQLite's lock) runs again, this many times."""
HOUSEKEEPING_SECONDS: Final = 600.0


class WhatsAppFrontEnd:
    """The webhook, the outbox delivery, the reminder sender, the staff notices' hand-over and
    housekeeping of one process."""

    def __init__(
        self,
        settings: WhatsAppSettings,
        booking_settings: BookingSettings | None = None,
        *,
        engine: AsyncEngine | None = None,
        clock: Callable[[], datetime] = utc_now,
        reminders: bool = True,
    ) -> None:
        self.settings = settings
        self.booking_settings = booking_settings or BookingSettings()
        self.engine = engine or create_engine(settings.database_url)
        self.sessionmaker = session_maker(self.engine)
        self.clock = clock
        self.client = GraphClient(settings)
        self.delivery = Delivery(
            self.engine,
            self.client,
            worker_id=settings.worker_id,
            rate_limit_pause=settings.rate_limit_pause_seconds,
        )
        self.conversations = Conversations(self.booking_settings)
        self.sender = ReminderSender(
            self.sessionmaker,
            WhatsAppTransport(self.client, self.sessionmaker, settings, clock=clock),
            self.booking_settings,
            clock=clock,
            channel="whatsapp",
        )
        self.notices = NoticeSender(self.sessionmaker, self.delivery, settings, clock=clock)
        self.with_reminders = reminders
        """Run the reminder sender and the staff notices' hand-over (off in most tests)."""
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    # --- the web app --------------------------------------------------------------------

    def web_app(self) -> web.Application:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_get(PATH, self.verify)
        app.router.add_post(PATH, self.receive)
        app.router.add_get("/healthz", self.healthz)
        app.on_startup.append(self._on_startup)
        app.on_cleanup.append(self._on_cleanup)
        return app

    async def _on_startup(self, _app: web.Application) -> None:
        await self.start()

    async def _on_cleanup(self, _app: web.Application) -> None:
        await self.stop()

    async def start(self) -> None:
        self._stop.clear()
        self._tasks = [asyncio.create_task(self.delivery.run(self._stop), name="wa-outbox")]
        self._tasks.append(asyncio.create_task(self._housekeeping(), name="wa-housekeeping"))
        if self.with_reminders:
            self._tasks.append(
                asyncio.create_task(self.sender.run(self._stop), name="wa-reminders")
            )
            self._tasks.append(asyncio.create_task(self.notices.run(self._stop), name="wa-notices"))

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.delivery.close(timeout=10.0)
        await self.client.close()

    async def healthz(self, _request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def verify(self, request: web.Request) -> web.Response:
        """Meta's handshake: the challenge back if the verify token is ours, else 403."""
        query = request.query
        token = query.get("hub.verify_token", "")
        expected = self.settings.verify_token.get_secret_value()
        if query.get("hub.mode") == "subscribe" and hmac.compare_digest(
            token.encode(), expected.encode()
        ):
            return web.Response(text=query.get("hub.challenge", ""))
        return web.Response(status=403)

    async def receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        secret = self.settings.app_secret.get_secret_value()
        if not is_signed(body, request.headers.get("X-Hub-Signature-256"), secret):
            log.warning("a webhook delivery with a wrong signature was refused")
            return web.Response(status=401)
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            return web.Response(status=400)
        delivery = read_delivery(payload)
        try:
            await asyncio.gather(*(self.record_status(status) for status in delivery.statuses))
            by_user: dict[str, list[Incoming]] = {}
            for message in delivery.messages:
                by_user.setdefault(message.wa_id, []).append(message)
            await asyncio.gather(*(self._in_order(messages) for messages in by_user.values()))
        except Exception:
            log.exception("a webhook delivery failed; Meta will deliver it again")
            return web.Response(status=500)
        return web.Response(text="ok")

    # --- turns --------------------------------------------------------------------------

    async def _in_order(self, messages: list[Incoming]) -> None:
        """One user's messages one after another, in the order they were sent."""
        wa_id = messages[0].wa_id
        lock, users = self._locks.get(wa_id, (asyncio.Lock(), 0))
        self._locks[wa_id] = (lock, users + 1)
        try:
            async with lock:
                for message in sorted(messages, key=lambda m: m.sent_at):
                    await self.handle(message)
        finally:
            lock, users = self._locks[wa_id]
            if users <= 1:
                del self._locks[wa_id]
            else:
                self._locks[wa_id] = (lock, users - 1)

    async def handle(self, incoming: Incoming) -> None:
        """One message's turn, committed with its replies; then they are sent."""
        for attempt in range(ATTEMPTS):
            try:
                handled = await self._turn(incoming)
            except (Conflict, IntegrityError) as error:
                if attempt == ATTEMPTS - 1:
                    raise
                log.info("a turn met another save (%s); running it again", type(error).__name__)
                continue
            except OperationalError as error:
                if not is_locked(error) or attempt == ATTEMPTS - 1:
                    raise
                await asyncio.sleep(0.05 * (attempt + 1))
                continue
            if handled is not None:
                items, erased = handled
                self.delivery.submit(items)
                if erased:
                    asyncio.get_running_loop().create_task(self._vacuum())
            return

    async def _turn(self, incoming: Incoming) -> tuple[list[Pending], bool] | None:
        now = self.clock()
        async with self.sessionmaker() as db, db.begin():
            if not await store.claim_message(db, incoming.message_id, now):
                log.info("a repeated delivery of a message was skipped")
                return None
            chat_id = await store.chat_of(db, incoming.wa_id, now)
            user, stored = await bot_store.load_chat(db, chat_id)
            user = await bot_store.ensure_user(db, chat_id, user, now)
            turn = Turn(
                db=db,
                chat_id=chat_id,
                now=now,
                today=local_day(now),
                user=user,
                stored=stored,
                shown=await store.load_shown(db, chat_id),
            )
            await self.conversations.handle(turn, incoming)
            rows = store.outbox_rows(
                chat_id,
                incoming.wa_id,
                turn.messages,
                worker_id=self.settings.worker_id,
                now=now,
                lease=self.delivery.lease,
            )
            row_ids = await store.store_outgoing(db, rows)
            if not turn.erased:
                await store.save_state(
                    db,
                    chat_id,
                    now=now,
                    inbound_at=min(incoming.sent_at, now),
                    shown=turn.new_shown,
                )
        log.info("%s: %s handled, %d replies", chat_ref(chat_id), incoming.kind, len(row_ids))
        items = [
            Pending(row_id, chat_id, incoming.wa_id, row["body"])
            for row_id, row in zip(row_ids, rows, strict=True)
        ]
        return items, turn.erased

    async def record_status(self, status: Status) -> None:
        """Store it; a failure saying the user cannot be reached marks them (as a 403)."""
        now = self.clock()
        async with self.sessionmaker() as db, db.begin():
            chat_id = await store.record_status(db, status, now)
            if chat_id is not None and status.status == "failed":
                log.info("%s: a message failed (code %s)", chat_ref(chat_id), status.error_code)
                if status.error_code in UNREACHABLE:
                    await store.mark_unreachable(db, chat_id, now)

    # --- background ---------------------------------------------------------------------

    async def _vacuum(self) -> None:
        with contextlib.suppress(Exception):
            await vacuum_erased(self.engine)

    async def _housekeeping(self) -> None:
        while not self._stop.is_set():
            try:
                async with self.sessionmaker() as db, db.begin():
                    now = self.clock()
                    await store.forget_old(db, now, self.settings.retention_days)
                    await notice_outbox.forget_settled(db, now)
                    await bot_store.purge_stale(db, now, self.settings.retention_days)
            except Exception:
                log.exception("WhatsApp housekeeping failed; trying again later")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), HOUSEKEEPING_SECONDS)
