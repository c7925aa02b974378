"""The directory of places to apply: employment centers and rural akimats.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "places",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("region", sa.String(length=5), nullable=False),
        sa.Column("district_kk", sa.String(length=200), nullable=False),
        sa.Column("district_ru", sa.String(length=200), nullable=False),
        sa.Column("name_kk", sa.String(length=400), nullable=False),
        sa.Column("name_ru", sa.String(length=400), nullable=False),
        sa.Column("address_kk", sa.String(length=400), nullable=False),
        sa.Column("address_ru", sa.String(length=400), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("lunch_start", sa.String(length=5), nullable=True),
        sa.Column("lunch_end", sa.String(length=5), nullable=True),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("capacity_per_slot", sa.Integer(), nullable=False),
        sa.Column("closed_days", sa.JSON(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("capacity_per_slot > 0", name=op.f("ck_places_capacity_positive")),
        sa.CheckConstraint("slot_minutes > 0", name=op.f("ck_places_slot_minutes_positive")),
        sa.CheckConstraint(
            "kind IN ('employment_center', 'rural_akimat')", name=op.f("ck_places_kind_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_places")),
    )
    op.create_index(op.f("ix_places_region"), "places", ["region"])


def downgrade() -> None:
    op.drop_index(op.f("ix_places_region"), table_name="places")
    op.drop_table("places")
