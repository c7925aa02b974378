"""Many due reminders at once, written straight into the tables (for sender tests and benchmarks).

Each reminder belongs to its own user and appointment, so counting messages per chat at the fake
server counts deliveries per reminder.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.booking import Appointment, Reminder
from storage.conversation import User

FIRST_CHAT = 5_000_000


async def seed_due_reminders(
    engine: AsyncEngine, place_id: str, count: int, now: datetime, *, first_chat: int = FIRST_CHAT
) -> list[int]:
    """`count` users, each with an appointment tomorrow and one reminder due a minute ago."""
    chats = list(range(first_chat, first_chat + count))
    starts_at = now + timedelta(days=1)
    due = now - timedelta(minutes=1)
    async with engine.begin() as conn:
        await conn.execute(
            insert(User),
            [
                {
                    "chat_id": c,
                    "language": "kk" if c % 2 else "ru",
                    "created_at": now,
                    "last_seen_at": now,
                    "consent_at": now,
                }
                for c in chats
            ],
        )
        await conn.execute(
            insert(Appointment),
            [
                {
                    "chat_id": c,
                    "place_id": place_id,
                    "starts_at": starts_at,
                    "status": "booked",
                    "language": "kk" if c % 2 else "ru",
                    "created_at": now,
                    "updated_at": now,
                }
                for c in chats
            ],
        )
        rows = await conn.execute(
            select(Appointment.id, Appointment.chat_id).where(Appointment.chat_id.in_(chats))
        )
        await conn.execute(
            insert(Reminder),
            [
                {
                    "appointment_id": appointment_id,
                    "chat_id": chat_id,
                    "offset_minutes": 24 * 60,
                    "due_at": due,
                    "next_attempt_at": due,
                    "status": "pending",
                    "attempts": 0,
                }
                for appointment_id, chat_id in rows
            ],
        )
    return chats
