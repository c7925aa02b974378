"""The reply outbox: every message a turn sends, committed in the turn's own transaction.

A turn never talks to Telegram itself. It writes its replies here, in order, in the same
transaction as the answer it saved, and a sender (bot.delivery) delivers them per chat in that
order, resuming after a crash. So a committed answer always gets its reply, and an answer whose
transaction rolled back never gets one.

Rows carry no foreign key to `users`: group chats have no users row, and the reply to
`/delete_my_data` is written in the very transaction that erases the user. Instead the body
(the message text) is blanked once the row is delivered, and delivered rows are purged after a
day; a row keeps `message_id`, which tells the sender where the chat stands (see
bot.delivery's in-doubt check).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime, utc_now


class OutgoingReply(Base):
    """One Bot API call to make for a chat, in `id` order within the chat."""

    __tablename__ = "reply_outbox"
    __table_args__ = (
        Index("ix_reply_outbox_chat_id_id", "chat_id", "id"),
        Index(
            "ix_reply_outbox_unsent_claimed_until",
            "claimed_until",
            sqlite_where=text("sent_at IS NULL"),
            postgresql_where=text("sent_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(40))
    """The Bot API method, e.g. `sendMessage`."""
    body: Mapped[str] = mapped_column(Text)
    """The call's parameters as JSON (a file as base64); blanked once delivered."""
    or_send: Mapped[bool] = mapped_column(default=False)
    """An edit that carries the next question: if the message cannot be edited, send it anew."""
    after_message_id: Mapped[int | None] = mapped_column(BigInteger)
    """The id of the user's message this answers (a lower bound for the in-doubt check)."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    outcome: Mapped[str | None] = mapped_column(String(16))
    """sent, edited-as-new, dropped (refused for good), blocked (the user blocked the bot)."""
