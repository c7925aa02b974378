"""The WhatsApp front end's tables (whatsapp/); everything else it keeps is in the shared ones.

A WhatsApp user is a row of `users` like a Telegram chat (`channel = 'whatsapp'`, their number
in `users.wa_id`), with a `chat_id` of our own: `ID_BASE` plus a number drawn from
`whatsapp_ids`. Telegram's ids fit in 52 bits, so the two never meet, and every query, cascade
and erasure keyed by `chat_id` works unchanged. Conversations, answers, consent, screenings,
drafts, appointments and reminders are the shared tables' rows of that `chat_id`.

- `whatsapp_ids`: the counter (no personal data; never deleted, so an id is never reused).
- `whatsapp_inbound`: ids of messages already handled (Meta retries a delivery for days),
  claimed in the turn's own transaction, like `processed_updates`.
- `whatsapp_state`: per chat, when they last wrote (the 24-hour window) and the options shown
  last (typed numbers and "More…" pages). It hangs off `users`: erased with the user.
- `whatsapp_outbox`: the replies to send, written in the turn's transaction, delivered after
  the commit per chat in order (whatsapp/delivery.py). Like `reply_outbox` it has no foreign
  key (the answer to "delete my data" is written in the erasing transaction), so it carries the
  recipient itself; both that and the body are blanked once sent.
- `whatsapp_statuses`: status callbacks (sent, delivered, read, failed) of our messages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime, utc_now

ID_BASE: Final = 2**53
"""WhatsApp users' chat ids start here (Telegram's have at most 52 significant bits)."""


class WhatsAppId(Base):
    """One drawn id: `users.chat_id = ID_BASE + id`."""

    __tablename__ = "whatsapp_ids"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class WhatsAppInbound(Base):
    """A message already handled (its WhatsApp id, `wamid.…`)."""

    __tablename__ = "whatsapp_inbound"

    message_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, index=True)


class WhatsAppState(Base):
    """What the front end remembers of one chat between turns."""

    __tablename__ = "whatsapp_state"

    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.chat_id", ondelete="CASCADE"), primary_key=True
    )
    last_inbound_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """When they last wrote: free-form messages may go out for 24 hours after."""
    shown: Mapped[str | None] = mapped_column(Text)
    """The options shown last, as JSON (whatsapp.shown.Shown)."""
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, index=True)


class WhatsAppOutgoing(Base):
    """One Graph API message to send to one chat, in `id` order within the chat."""

    __tablename__ = "whatsapp_outbox"
    __table_args__ = (
        Index("ix_whatsapp_outbox_chat_id_id", "chat_id", "id"),
        Index(
            "ix_whatsapp_outbox_unsent_claimed_until",
            "claimed_until",
            sqlite_where=text("sent_at IS NULL"),
            postgresql_where=text("sent_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    recipient: Mapped[str] = mapped_column(String(32))
    """The WhatsApp number it goes to; blanked once sent."""
    body: Mapped[str] = mapped_column(Text)
    """The message as JSON (a document's content as base64); blanked once sent."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    message_id: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str | None] = mapped_column(String(16))
    """sent, dropped (refused for good), blocked (undeliverable: the user is marked)."""


class WhatsAppStatus(Base):
    """One status callback of a message we sent; never answered, pruned after a week."""

    __tablename__ = "whatsapp_statuses"
    __table_args__ = (UniqueConstraint("message_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    error_code: Mapped[int | None] = mapped_column(Integer)
    chat_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.chat_id", ondelete="CASCADE"), index=True
    )
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, index=True)
