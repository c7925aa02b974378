"""Booking: appointments, slot seat counters, the reminder outbox, booking drafts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 06:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("place_id", sa.String(length=64), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('booked', 'cancelled', 'rescheduled', 'past')",
            name=op.f("ck_appointments_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["chat_id"],
            ["users.chat_id"],
            name=op.f("fk_appointments_chat_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["places.id"], name=op.f("fk_appointments_place_id_places")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
    )
    op.create_index(op.f("ix_appointments_chat_id"), "appointments", ["chat_id"])
    op.create_index("ix_appointments_place_id_starts_at", "appointments", ["place_id", "starts_at"])
    op.create_index(
        "uq_appointments_one_booked_per_chat",
        "appointments",
        ["chat_id"],
        unique=True,
        sqlite_where=sa.text("status = 'booked'"),
        postgresql_where=sa.text("status = 'booked'"),
    )
    op.create_table(
        "slot_counters",
        sa.Column("place_id", sa.String(length=64), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.CheckConstraint("capacity > 0", name=op.f("ck_slot_counters_capacity_positive")),
        sa.CheckConstraint("booked >= 0", name=op.f("ck_slot_counters_booked_not_negative")),
        sa.CheckConstraint(
            "booked <= capacity", name=op.f("ck_slot_counters_booked_within_capacity")
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["places.id"], name=op.f("fk_slot_counters_place_id_places")
        ),
        sa.PrimaryKeyConstraint("place_id", "starts_at", name=op.f("pk_slot_counters")),
    )
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("offset_minutes", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'expired', 'cancelled')",
            name=op.f("ck_reminders_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_reminders_appointment_id_appointments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["chat_id"],
            ["users.chat_id"],
            name=op.f("fk_reminders_chat_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint(
            "appointment_id",
            "offset_minutes",
            name=op.f("uq_reminders_appointment_id_offset_minutes"),
        ),
    )
    op.create_index(op.f("ix_reminders_appointment_id"), "reminders", ["appointment_id"])
    op.create_index(op.f("ix_reminders_chat_id"), "reminders", ["chat_id"])
    op.create_index(
        "ix_reminders_pending_next_attempt_at",
        "reminders",
        ["next_attempt_at"],
        sqlite_where=sa.text("status = 'pending'"),
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_table(
        "booking_drafts",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"],
            ["users.chat_id"],
            name=op.f("fk_booking_drafts_chat_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_booking_drafts")),
    )
    _create_seat_trigger()


# Deleting a user (/delete_my_data, retention) cascades to their appointments; a booked one must
# give its seat back, or the slot would stay full forever. A trigger does it on both engines.
SQLITE_RELEASE_SEAT = """
CREATE TRIGGER appointments_release_seat AFTER DELETE ON appointments
WHEN OLD.status = 'booked'
BEGIN
    UPDATE slot_counters SET booked = booked - 1
    WHERE place_id = OLD.place_id AND starts_at = OLD.starts_at AND booked > 0;
END
"""
POSTGRES_RELEASE_SEAT = (
    """
CREATE FUNCTION appointments_release_seat() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'booked' THEN
        UPDATE slot_counters SET booked = booked - 1
        WHERE place_id = OLD.place_id AND starts_at = OLD.starts_at AND booked > 0;
    END IF;
    RETURN OLD;
END
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER appointments_release_seat AFTER DELETE ON appointments
FOR EACH ROW EXECUTE FUNCTION appointments_release_seat()
""",
)


def _create_seat_trigger() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_RELEASE_SEAT:
            op.execute(statement)
    else:
        op.execute(SQLITE_RELEASE_SEAT)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS appointments_release_seat ON appointments")
        op.execute("DROP FUNCTION IF EXISTS appointments_release_seat()")
    else:
        op.execute("DROP TRIGGER IF EXISTS appointments_release_seat")
    op.drop_table("booking_drafts")
    op.drop_index("ix_reminders_pending_next_attempt_at", table_name="reminders")
    op.drop_index(op.f("ix_reminders_chat_id"), table_name="reminders")
    op.drop_index(op.f("ix_reminders_appointment_id"), table_name="reminders")
    op.drop_table("reminders")
    op.drop_table("slot_counters")
    op.drop_index("uq_appointments_one_booked_per_chat", table_name="appointments")
    op.drop_index("ix_appointments_place_id_starts_at", table_name="appointments")
    op.drop_index(op.f("ix_appointments_chat_id"), table_name="appointments")
    op.drop_table("appointments")
