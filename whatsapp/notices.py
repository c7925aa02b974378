"""The center's notices to WhatsApp citizens: a visit cancelled or moved, a day closed.

The staff web cannot reach WhatsApp (nothing but whatsapp/ imports whatsapp), so for a WhatsApp
citizen it queues what happened in `citizen_notices` (booking.notice_outbox), in the change's own
transaction. This loop claims those rows of WhatsApp users and hands each over to the WhatsApp
reply outbox in one transaction (claimed, worded, written, settled: all or nothing), then to
`whatsapp.delivery`, which sends them after the commit in the chat's order with its handling
of the Cloud API's refusals (131047/131026 mark the user as Telegram's 403 does, 130429 pauses
every send, 5xx and 131056 are retried, anything else drops that message). How it reads:

- within the 24-hour customer-service window (`window_hours` after the citizen last wrote): the
  same words as on Telegram (dialogs.booking.notices), as a text;
- outside it, or while the user is marked unreachable (their last free-form message bounced):
  the approved template in their language, `notice_cancelled_template` (a visit cancelled, or
  its day closed: {{1}} the place, {{2}} the visit's time, {{3}} the place's phone) or
  `notice_moved_template` ({{1}} the place, {{2}} the old time, {{3}} the new one, {{4}} the
  phone); the texts to submit for approval are in whatsapp/README.md.

A notice whose visit is already past (the new time, for a move) is settled as `expired`, one
whose place or number is gone as `dropped`. Logs name a chat by a salted hash, never a number
or a text.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from booking import notice_outbox
from booking.notice_outbox import ClaimedNotice
from booking.places import Place, get_place
from bot.privacy import chat_ref
from common.i18n import Language
from dialogs.booking import screens
from dialogs.booking.notices import notice_text, when
from storage.base import utc_now
from whatsapp import store
from whatsapp.delivery import Delivery, Pending
from whatsapp.reminders import template_parameter
from whatsapp.render import Message, text_messages
from whatsapp.settings import WhatsAppSettings

log = logging.getLogger(__name__)

CHANNEL: Final = "whatsapp"
BATCH: Final = 50
LEASE: Final = timedelta(seconds=60)
"""The claim's lease: the hand-over is one transaction, so this only outlives a stuck one."""


def template_message(notice: ClaimedNotice, place: Place, settings: WhatsAppSettings) -> Message:
    """The approved template for the notice, in the citizen's language."""
    lang = language(notice)
    values = [screens.PlaceText(place, "name").render(lang), when(notice.starts_at).render(lang)]
    if notice.kind == "moved" and notice.new_starts_at is not None:
        name = settings.notice_moved_template
        values.append(when(notice.new_starts_at).render(lang))
    else:
        name = settings.notice_cancelled_template
    values.append(place.phone)
    return {
        "type": "template",
        "template": {
            "name": name,
            "language": {"code": settings.template_languages.get(lang, lang)},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": template_parameter(value)} for value in values
                    ],
                }
            ],
        },
    }


def text_message(notice: ClaimedNotice, place: Place) -> list[Message]:
    """The notice as on Telegram, as text (within the 24-hour window)."""
    text = notice_text(notice.kind, place, notice.starts_at, notice.new_starts_at)
    return text_messages(text.render(language(notice)))


def language(notice: ClaimedNotice) -> Language:
    return "kk" if notice.language == "kk" else "ru"


def is_past(notice: ClaimedNotice, now: datetime) -> bool:
    """Whether the visit the notice is about is over (for a move: the new time)."""
    moment = notice.new_starts_at if notice.kind == "moved" else notice.starts_at
    return moment is not None and moment <= now


class NoticeSender:
    """Hands WhatsApp users' citizen notices over to the WhatsApp outbox (module docstring)."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        delivery: Delivery,
        settings: WhatsAppSettings,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.delivery = delivery
        self.settings = settings
        self.clock = clock
        self.handed_over = 0

    async def run_once(self) -> int:
        """Claim a batch and hand it over; how many notices were settled (sent or not)."""
        now = self.clock()
        pending: list[Pending] = []
        async with self.sessionmaker() as db, db.begin():
            claimed = await notice_outbox.claim(
                db,
                channel=CHANNEL,
                worker_id=self.delivery.worker_id,
                now=now,
                lease=LEASE,
                limit=BATCH,
            )
            for notice in claimed:
                pending += await self._hand_over(db, notice, now)
        self.delivery.submit(pending)
        return len(claimed)

    async def _hand_over(
        self, db: AsyncSession, notice: ClaimedNotice, now: datetime
    ) -> list[Pending]:
        worker = self.delivery.worker_id
        if is_past(notice, now):
            await notice_outbox.settle(
                db, notice.id, worker, status="expired", now=now, reason="the visit is past"
            )
            return []
        place = await get_place(db, notice.place_id)
        recipient, last_inbound = await store.recipient_of(db, notice.chat_id)
        if place is None or not recipient:
            await notice_outbox.settle(
                db, notice.id, worker, status="dropped", now=now, reason="no place or number"
            )
            log.warning("%s: a notice had no place or number", chat_ref(notice.chat_id))
            return []
        window = timedelta(hours=self.settings.window_hours)
        within = not notice.blocked and last_inbound is not None and now - last_inbound < window
        messages = (
            text_message(notice, place)
            if within
            else [template_message(notice, place, self.settings)]
        )
        rows = store.outbox_rows(
            notice.chat_id,
            recipient,
            messages,
            worker_id=worker,
            now=now,
            lease=self.delivery.lease,
        )
        row_ids = await store.store_outgoing(db, rows)
        await notice_outbox.settle(db, notice.id, worker, status="sent", now=now)
        self.handed_over += 1
        log.info(
            "%s: a %s notice queued as %s",
            chat_ref(notice.chat_id),
            notice.kind,
            "text" if within else "template",
        )
        return [
            Pending(row_id, notice.chat_id, recipient, row["body"])
            for row_id, row in zip(row_ids, rows, strict=True)
        ]

    async def run(self, stop: asyncio.Event, *, every: float = 5.0) -> None:
        """Hand notices over until `stop` is set: at once while batches come full, else every
        `every` seconds (the staff web commits them in another process)."""
        while not stop.is_set():
            handled = 0
            try:
                handled = await self.run_once()
            except Exception:
                log.exception("the WhatsApp notice hand-over failed; trying again")
            if handled >= BATCH:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)
