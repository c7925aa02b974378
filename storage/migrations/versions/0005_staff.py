"""The staff web: accounts, login attempts, audit log, calendar feeds; appointment outcomes
(attended, no-show, cancelled by staff) and the citizen's consent to share the summary.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 10:00:00

On SQLite a CHECK constraint can only change by rebuilding the table (Alembic's batch mode),
which also drops the table's trigger and may lose its partial index: both are made again here,
exactly as 0003 made them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('booked', 'cancelled', 'rescheduled', 'past')"
NEW_STATUSES = (
    "status IN ('booked', 'cancelled', 'rescheduled', 'past', "
    "'attended', 'no_show', 'cancelled_by_staff')"
)
SQLITE_RELEASE_SEAT = """
CREATE TRIGGER appointments_release_seat AFTER DELETE ON appointments
WHEN OLD.status = 'booked'
BEGIN
    UPDATE slot_counters SET booked = booked - 1
    WHERE place_id = OLD.place_id AND starts_at = OLD.starts_at AND booked > 0;
END
"""


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _appointments(check: str, *, add_consent: bool) -> None:
    """Swap the status CHECK (and add or drop the consent columns) on either engine."""
    if _sqlite():
        op.execute("DROP TRIGGER IF EXISTS appointments_release_seat")
        op.drop_index("uq_appointments_one_booked_per_chat", table_name="appointments")
    with op.batch_alter_table("appointments") as batch:
        batch.alter_column(  # 'cancelled_by_staff' has 18 characters
            "status",
            type_=sa.String(length=20 if add_consent else 16),
            existing_type=sa.String(length=16 if add_consent else 20),
            existing_nullable=False,
        )
        batch.drop_constraint(op.f("ck_appointments_status_known"), type_="check")
        batch.create_check_constraint(op.f("ck_appointments_status_known"), sa.text(check))
        if add_consent:
            batch.add_column(sa.Column("share_summary", sa.Boolean(), nullable=True))
            batch.add_column(
                sa.Column("share_summary_at", sa.DateTime(timezone=True), nullable=True)
            )
        else:
            batch.drop_column("share_summary_at")
            batch.drop_column("share_summary")
    if _sqlite():
        op.create_index(
            "uq_appointments_one_booked_per_chat",
            "appointments",
            ["chat_id"],
            unique=True,
            sqlite_where=sa.text("status = 'booked'"),
        )
        op.execute(SQLITE_RELEASE_SEAT)


def upgrade() -> None:
    _appointments(NEW_STATUSES, add_consent=True)
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("place_id", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("role IN ('admin', 'staff')", name=op.f("ck_staff_accounts_role_known")),
        sa.CheckConstraint(
            "role = 'admin' OR place_id IS NOT NULL", name=op.f("ck_staff_accounts_staff_has_place")
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["places.id"], name=op.f("fk_staff_accounts_place_id_places")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_accounts")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_accounts_username")),
    )
    op.create_table(
        "staff_login_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_login_attempts")),
    )
    op.create_index(
        "ix_staff_login_attempts_username_at", "staff_login_attempts", ["username", "at"]
    )
    op.create_index("ix_staff_login_attempts_address_at", "staff_login_attempts", ["address", "at"])
    op.create_table(
        "staff_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("place_id", sa.String(length=64), nullable=True),
        sa.Column("target", sa.String(length=100), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["staff_accounts.id"],
            name=op.f("fk_staff_audit_account_id_staff_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_audit")),
    )
    op.create_index("ix_staff_audit_at", "staff_audit", ["at"])
    op.create_table(
        "staff_calendar_feeds",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("place_id", sa.String(length=64), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["staff_accounts.id"],
            name=op.f("fk_staff_calendar_feeds_created_by_staff_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["places.id"], name=op.f("fk_staff_calendar_feeds_place_id_places")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_calendar_feeds")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_staff_calendar_feeds_token_sha256")),
    )
    op.create_index(op.f("ix_staff_calendar_feeds_place_id"), "staff_calendar_feeds", ["place_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_staff_calendar_feeds_place_id"), table_name="staff_calendar_feeds")
    op.drop_table("staff_calendar_feeds")
    op.drop_index("ix_staff_audit_at", table_name="staff_audit")
    op.drop_table("staff_audit")
    op.drop_index("ix_staff_login_attempts_address_at", table_name="staff_login_attempts")
    op.drop_index("ix_staff_login_attempts_username_at", table_name="staff_login_attempts")
    op.drop_table("staff_login_attempts")
    op.drop_table("staff_accounts")
    op.execute("UPDATE appointments SET status = 'past' WHERE status IN ('attended', 'no_show')")
    op.execute("UPDATE appointments SET status = 'cancelled' WHERE status = 'cancelled_by_staff'")
    _appointments(OLD_STATUSES, add_consent=False)
