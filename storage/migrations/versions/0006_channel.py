"""WhatsApp: a channel on users (and their WhatsApp number), the WhatsApp front end's tables.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 10:00:00

Everything about a person stays in the shared tables keyed by `users.chat_id`; a WhatsApp user
is a users row with `channel = 'whatsapp'` (see storage/whatsapp.py). Columns are only added
to `users` (no table rebuild on SQLite: its foreign keys and cascades stay untouched).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("channel", sa.String(length=8), server_default="telegram", nullable=False),
    )
    op.add_column("users", sa.Column("wa_id", sa.String(length=32), nullable=True))
    op.create_index(op.f("ix_users_wa_id"), "users", ["wa_id"], unique=True)
    op.create_table(
        "whatsapp_ids",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_whatsapp_ids")),
    )
    op.create_table(
        "whatsapp_inbound",
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_whatsapp_inbound")),
    )
    op.create_index(op.f("ix_whatsapp_inbound_processed_at"), "whatsapp_inbound", ["processed_at"])
    op.create_table(
        "whatsapp_state",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("last_inbound_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shown", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"],
            ["users.chat_id"],
            name=op.f("fk_whatsapp_state_chat_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_whatsapp_state")),
    )
    op.create_index(op.f("ix_whatsapp_state_updated_at"), "whatsapp_state", ["updated_at"])
    op.create_table(
        "whatsapp_outbox",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("recipient", sa.String(length=32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.String(length=200), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_whatsapp_outbox")),
    )
    op.create_index("ix_whatsapp_outbox_chat_id_id", "whatsapp_outbox", ["chat_id", "id"])
    op.create_index(
        "ix_whatsapp_outbox_unsent_claimed_until",
        "whatsapp_outbox",
        ["claimed_until"],
        sqlite_where=sa.text("sent_at IS NULL"),
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.create_table(
        "whatsapp_statuses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"],
            ["users.chat_id"],
            name=op.f("fk_whatsapp_statuses_chat_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_whatsapp_statuses")),
        sa.UniqueConstraint(
            "message_id", "status", name=op.f("uq_whatsapp_statuses_message_id_status")
        ),
    )
    op.create_index(op.f("ix_whatsapp_statuses_chat_id"), "whatsapp_statuses", ["chat_id"])
    op.create_index(op.f("ix_whatsapp_statuses_recorded_at"), "whatsapp_statuses", ["recorded_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_whatsapp_statuses_recorded_at"), table_name="whatsapp_statuses")
    op.drop_index(op.f("ix_whatsapp_statuses_chat_id"), table_name="whatsapp_statuses")
    op.drop_table("whatsapp_statuses")
    op.drop_index("ix_whatsapp_outbox_unsent_claimed_until", table_name="whatsapp_outbox")
    op.drop_index("ix_whatsapp_outbox_chat_id_id", table_name="whatsapp_outbox")
    op.drop_table("whatsapp_outbox")
    op.drop_index(op.f("ix_whatsapp_state_updated_at"), table_name="whatsapp_state")
    op.drop_table("whatsapp_state")
    op.drop_index(op.f("ix_whatsapp_inbound_processed_at"), table_name="whatsapp_inbound")
    op.drop_table("whatsapp_inbound")
    op.drop_table("whatsapp_ids")
    # WhatsApp users cannot be Telegram chats: they and every row about them go (cascade).
    op.execute("DELETE FROM users WHERE channel = 'whatsapp'")
    op.drop_index(op.f("ix_users_wa_id"), table_name="users")
    op.drop_column("users", "wa_id")
    op.drop_column("users", "channel")
