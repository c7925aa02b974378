"""Every table, imported here so that Alembic and the app see one metadata.

Each room keeps its tables in its own module: `storage/conversation.py` (the bot's users,
sessions, screenings, processed updates), `storage/replies.py` (the outbox of replies to send),
`storage/places.py` (the directory of places to apply), `storage/booking.py` (appointments,
slot counters, the reminder outbox, booking drafts), `storage/staff.py` (the staff web's
accounts, login attempts, audit log and calendar feeds), `storage/whatsapp.py` (the WhatsApp
front end's id counter, processed messages, per-chat state, reply outbox and status callbacks),
`storage/notices.py` (the center's notices to citizens of other channels than Telegram).
"""

from __future__ import annotations

from storage import booking, conversation, notices, places, replies, staff, whatsapp

__all__ = ["booking", "conversation", "notices", "places", "replies", "staff", "whatsapp"]
