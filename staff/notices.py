"""What the citizen is told when the center cancels or moves their visit, or closes that day.

Queued in the same transaction as the change: committed together, so the citizen is told
exactly when the change is real. How it travels depends on the citizen's channel
(`users.channel`):

- Telegram: worded here, in the citizen's language (their chosen one, else the one they booked
  in), into the bot's reply outbox (`storage.replies`); the bot's reply delivery
  (bot/delivery.py) takes unclaimed rows on its periodic sweep and sends them in the chat's
  order, with its retries, flood waits and once-only check.
- any other channel (WhatsApp): a row of `citizen_notices` (booking.notice_outbox), which that
  channel's front end words and sends within its own rules (WhatsApp: a text within 24 hours of
  the citizen's last message, an approved template after; whatsapp/notices.py).

The wording is shared by both (dialogs/booking/notices.py). Plain text, no buttons: the citizen
books again with /book.
"""

from __future__ import annotations

from datetime import datetime

import orjson
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from booking import notice_outbox
from booking.places import Place
from booking.staff_actions import CitizenNotice
from common.i18n import Language
from common.text import Message
from dialogs.booking.notices import WHEN, notice_text
from storage.replies import OutgoingReply

__all__ = ["WHEN", "language", "queue", "wording"]

TELEGRAM = "telegram"


def wording(notice: CitizenNotice, place: Place) -> Message:
    """The notice as one translatable message."""
    return notice_text(notice.kind, place, notice.starts_at, notice.new_starts_at)


def language(notice: CitizenNotice) -> Language:
    return "kk" if notice.language == "kk" else "ru"


async def queue(
    db: AsyncSession, notices: list[CitizenNotice], places: dict[str, Place], now: datetime
) -> int:
    """Queue the notices for their citizens' front ends (see the module docstring): Telegram
    ones into the reply outbox (unclaimed: any bot worker delivers them), others into
    `citizen_notices`. How many were queued."""
    channels = await notice_outbox.channels_of(db, [notice.chat_id for notice in notices])
    telegram = [n for n in notices if channels.get(n.chat_id, TELEGRAM) == TELEGRAM]
    elsewhere = [n for n in notices if channels.get(n.chat_id, TELEGRAM) != TELEGRAM]
    rows = [
        {
            "chat_id": notice.chat_id,
            "method": "sendMessage",
            "body": orjson.dumps(
                {
                    "chat_id": notice.chat_id,
                    "text": wording(notice, places[notice.place_id]).render(language(notice)),
                }
            ).decode(),
            "or_send": False,
            "after_message_id": None,
            "created_at": now,
            "claimed_by": None,
            "claimed_until": None,
            "attempts": 0,
        }
        for notice in telegram
    ]
    if rows:
        await db.execute(insert(OutgoingReply), rows)
    return len(rows) + await notice_outbox.add(db, elsewhere, now)
