"""Citizen notices for front ends other than Telegram (storage/notices.py).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 10:00:00

The staff web tells a WhatsApp citizen that the center cancelled or moved their visit, or closed
that day, through a row here, which the WhatsApp front end words and sends within WhatsApp's
rules. A new table only: nothing existing changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "citizen_notices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("place_id", sa.String(length=64), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("new_starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["chat_id"],
            ["users.chat_id"],
            name=op.f("fk_citizen_notices_chat_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizen_notices")),
    )
    op.create_index(op.f("ix_citizen_notices_chat_id"), "citizen_notices", ["chat_id"])
    op.create_index(
        "ix_citizen_notices_pending_next_attempt_at",
        "citizen_notices",
        ["next_attempt_at"],
        sqlite_where=sa.text("status = 'pending'"),
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_index("ix_citizen_notices_pending_next_attempt_at", table_name="citizen_notices")
    op.drop_index(op.f("ix_citizen_notices_chat_id"), table_name="citizen_notices")
    op.drop_table("citizen_notices")
