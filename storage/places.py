"""The `places` table: employment (career) centers and rural akimats where a citizen applies.

Rows are written only by `python -m booking places import FILE` (see booking/places.py, which
also turns a row into the typed `booking.places.Place`). A place missing from a newer file is
switched to `active = false`, never deleted: appointments keep pointing at it.
Times of day are "HH:MM" text in Asia/Almaty local time; `hours` maps "mon".."sun" to
["HH:MM", "HH:MM"] and a weekday absent from it is a closed day.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Float, Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime, utc_now


class PlaceRow(Base):
    """One place to apply, as loaded from the directory file."""

    __tablename__ = "places"
    __table_args__ = (
        CheckConstraint("capacity_per_slot > 0", name="capacity_positive"),
        CheckConstraint("slot_minutes > 0", name="slot_minutes_positive"),
        CheckConstraint(
            "kind IN ('employment_center', 'rural_akimat')",
            name="kind_known",
        ),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    region: Mapped[str] = mapped_column(String(5), index=True)
    district_kk: Mapped[str] = mapped_column(String(200))
    district_ru: Mapped[str] = mapped_column(String(200))
    name_kk: Mapped[str] = mapped_column(String(400))
    name_ru: Mapped[str] = mapped_column(String(400))
    address_kk: Mapped[str] = mapped_column(String(400))
    address_ru: Mapped[str] = mapped_column(String(400))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    phone: Mapped[str] = mapped_column(String(16))
    hours: Mapped[dict[str, Any]] = mapped_column(JSON)
    lunch_start: Mapped[str | None] = mapped_column(String(5))
    lunch_end: Mapped[str | None] = mapped_column(String(5))
    slot_minutes: Mapped[int] = mapped_column(Integer)
    capacity_per_slot: Mapped[int] = mapped_column(Integer)
    closed_days: Mapped[list[str]] = mapped_column(JSON)
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
