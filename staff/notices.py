"""What the citizen is told when the center cancels or moves their visit, or closes that day.

Worded here, in the citizen's language (their chosen one, else the one they booked in), and
queued in the bot's reply outbox (`storage.replies`) in the same transaction as the change:
committed together, so the citizen is told exactly when the change is real. The bot's reply
delivery (bot/delivery.py) takes unclaimed rows on its periodic sweep and sends them in the
chat's order, with its retries, flood waits and once-only check. Plain text, no buttons: the
citizen books again with /book.
"""

from __future__ import annotations

from datetime import datetime

import orjson
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from booking.places import Place
from booking.staff_actions import CitizenNotice
from common.i18n import Language
from common.text import LocalTime, Message, Verbatim, msg
from storage.replies import OutgoingReply

WHEN = "d MMMM y, HH:mm"


def wording(notice: CitizenNotice, place: Place) -> Message:
    """The notice as one translatable message."""
    name = Verbatim(place.name_kk) if notice.language == "kk" else Verbatim(place.name_ru)
    phone = Verbatim(place.phone)
    when = LocalTime(notice.starts_at, fmt=WHEN)
    if notice.kind == "moved" and notice.new_starts_at is not None:
        return msg(
            "The center has moved your visit to {place} from {old} to {new}. Reminders will "
            "come before the new time. If it does not suit you, send /my_appointment to "
            "choose another time or cancel. Questions: {phone}.",
            place=name,
            old=when,
            new=LocalTime(notice.new_starts_at, fmt=WHEN),
            phone=phone,
        )
    if notice.kind == "closed":
        return msg(
            "{place} is closed on the day of your visit ({old}), so the visit is cancelled. "
            "We apologise. Please choose another day: send /book. Questions: {phone}.",
            place=name,
            old=when,
            phone=phone,
        )
    return msg(
        "The center has cancelled your visit to {place} on {old}. We apologise. To choose "
        "another time, send /book. Questions: {phone}.",
        place=name,
        old=when,
        phone=phone,
    )


def language(notice: CitizenNotice) -> Language:
    return "kk" if notice.language == "kk" else "ru"


async def queue(
    db: AsyncSession, notices: list[CitizenNotice], places: dict[str, Place], now: datetime
) -> int:
    """Write the notices into the reply outbox (unclaimed: any bot worker delivers them)."""
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
        for notice in notices
    ]
    if rows:
        await db.execute(insert(OutgoingReply), rows)
    return len(rows)
