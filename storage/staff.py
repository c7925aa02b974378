"""The staff web's tables: accounts, login attempts, the audit log, calendar feed tokens.

None of these rows is about a citizen, so none hangs off `users.chat_id`: `/delete_my_data`
and the retention purge never need them, and the audit log keeps an appointment's id only (no
phone, no chat), which still says who changed what after the citizen's rows are erased.
Passwords are stored as argon2 hashes only; calendar feed tokens as SHA-256 digests only, so a
copy of the database gives away neither.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime, utc_now

STAFF_ROLES = ("admin", "staff")


class StaffAccount(Base):
    """Someone at a center (`staff`, bound to one place) or an administrator (every place)."""

    __tablename__ = "staff_accounts"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'staff')", name="role_known"),
        CheckConstraint("role = 'admin' OR place_id IS NOT NULL", name="staff_has_place"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(8))
    place_id: Mapped[str | None] = mapped_column(String(64), ForeignKey("places.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    """Raised when the account is disabled or its password changes: older sessions end."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class StaffLoginAttempt(Base):
    """One login attempt, for rate limiting failures per account and per address."""

    __tablename__ = "staff_login_attempts"
    __table_args__ = (
        Index("ix_staff_login_attempts_username_at", "username", "at"),
        Index("ix_staff_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    succeeded: Mapped[bool] = mapped_column(Boolean)


class StaffAudit(Base):
    """Who changed what, when: one row per state-changing action of the staff web."""

    __tablename__ = "staff_audit"
    __table_args__ = (Index("ix_staff_audit_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    account_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("staff_accounts.id"))
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    place_id: Mapped[str | None] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(100))
    """What was acted on: an appointment id, a place id, a file name."""
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class CalendarFeed(Base):
    """An unguessable, revocable calendar (.ics) URL of one place; only its digest is kept."""

    __tablename__ = "staff_calendar_feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    place_id: Mapped[str] = mapped_column(String(64), ForeignKey("places.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(Integer, ForeignKey("staff_accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
