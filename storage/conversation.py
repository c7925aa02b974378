"""The bot's tables: who the users are, where each conversation stands, what was screened.

`conversations` holds the dialog's session JSON with a version number for compare-and-set, so
two deliveries racing for one chat never overwrite each other's answers. `processed_updates`
remembers Telegram update ids in the same transaction as the state change: a duplicate delivery
is dropped, and a crash before the commit lets the retry through.
Every row about a person hangs off `users.chat_id` with ON DELETE CASCADE, so deleting the user
row erases everything (booking's tables follow the same rule).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime, utc_now

CHANNELS = ("telegram", "whatsapp")


class User(Base):
    """One Telegram private chat, or one WhatsApp number (`channel`); consent is recorded with
    the time and the text's version.

    A WhatsApp user's `chat_id` is a number of our own, at least `storage.whatsapp.ID_BASE`
    (never a Telegram id), and `wa_id` the number WhatsApp knows them by: it goes with the row.
    """

    __tablename__ = "users"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    channel: Mapped[str] = mapped_column(String(8), default="telegram", server_default="telegram")
    wa_id: Mapped[str | None] = mapped_column(String(32), unique=True, index=True)
    language: Mapped[str | None] = mapped_column(String(2))
    consent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    consent_version: Mapped[str | None] = mapped_column(String(32))
    blocked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, index=True)


class Conversation(Base):
    """The dialog session of one chat as JSON; `version` grows by one on every saved step."""

    __tablename__ = "conversations"

    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.chat_id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[str] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, index=True)


class Screening(Base):
    """A finished pre-screening: the public result JSON and the household it was computed for."""

    __tablename__ = "screenings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.chat_id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    household: Mapped[dict[str, Any]] = mapped_column(JSON)


class ProcessedUpdate(Base):
    """A Telegram update already handled; pruned after a day (Telegram retries for ~24 h)."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, index=True)
