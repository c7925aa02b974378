"""Citizen notices that a front end other than the Telegram bot delivers (`citizen_notices`).

When the center cancels or moves a visit, or closes its day (booking.staff_actions), the staff
web tells the citizen in the same transaction as the change. A Telegram user's notice is worded
at once into the bot's reply outbox (`reply_outbox`); a user of another channel (WhatsApp) gets
a row here instead: what happened, not how it reads, because how it may go out is that channel's
business (WhatsApp: a free-form text within 24 hours of the citizen's last message, an approved
template after). Each front end claims its own channel's rows (`users.channel`) with a lease,
like the reminder outbox, and settles each one (sent, dropped, blocked, expired).

Rows hang off `users.chat_id` with ON DELETE CASCADE: `/delete_my_data` and the retention purge
take them along. They hold no text and no number, only the kind, the place and the times;
settled rows are deleted after a day (booking.notice_outbox.forget_settled).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime, utc_now

NOTICE_KINDS = ("cancelled", "moved", "closed")
NOTICE_STATUSES = ("pending", "sent", "dropped", "blocked", "expired")


class CitizenNoticeRow(Base):
    """One change a citizen must hear about, waiting for their front end to word and send it."""

    __tablename__ = "citizen_notices"
    __table_args__ = (
        Index(
            "ix_citizen_notices_pending_next_attempt_at",
            "next_attempt_at",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.chat_id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    """cancelled, moved (to `new_starts_at`), closed (the place closed that day)."""
    place_id: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    """The visit's time before the change."""
    new_starts_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    language: Mapped[str] = mapped_column(String(8))
    """The citizen's language when the change was made (kk or ru)."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """When it was settled (sent or given up)."""
    last_error: Mapped[str | None] = mapped_column(String(200))
