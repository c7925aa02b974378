"""Booking's tunables, from the environment (prefix `BOOKING_`) or `.env`, with safe defaults."""

from __future__ import annotations

from datetime import timedelta

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class BookingSettings(BaseSettings):
    """Lead time, booking window, reminder offsets and the sender's pace.

    Telegram allows about 30 messages a second overall and one a second per chat; the default
    send rate stays below that with a margin.
    """

    model_config = SettingsConfigDict(
        env_prefix="BOOKING_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    lead_time_minutes: int = Field(default=120, ge=0)
    horizon_days: int = Field(default=14, ge=1, le=90)
    reminder_hours: tuple[float, ...] = (24.0, 2.0)
    send_rate: float = Field(default=25.0, gt=0)
    per_chat_interval_seconds: float = Field(default=1.0, ge=0)
    lease_seconds: float = Field(default=30.0, gt=0)
    """How long a claim lasts: a sender killed mid-batch delays its rows by at most this."""
    send_timeout_seconds: float = Field(default=10.0, gt=0)
    """A send taking longer is abandoned (and retried); must end well inside the lease."""
    batch_size: int = Field(default=50, ge=1)
    poll_seconds: float = Field(default=1.0, gt=0)
    workers: int = Field(default=1, ge=1)
    """Messages in flight at once. A crash can repeat at most this many (Telegram has no
    idempotency key), so the default sends one at a time; one worker keeps up with 200/s."""
    sample_places: bool = Field(
        default=False,
        validation_alias=AliasChoices("BOOKING_SAMPLE_PLACES", "DEMO", "KOMEK_DEMO"),
    )
    """Offer the places of a SAMPLE directory for booking: a demonstration only (`DEMO=1`, the
    same switch as the bot's). Off, sample places are never offered, so production never books
    a citizen at an illustrative address even if the sample file was imported by mistake."""

    @model_validator(mode="after")
    def _sends_end_inside_the_lease(self) -> BookingSettings:
        if self.lease_seconds < 2 * self.send_timeout_seconds:
            raise ValueError("lease_seconds must be at least twice send_timeout_seconds")
        return self

    @property
    def lead_time(self) -> timedelta:
        return timedelta(minutes=self.lead_time_minutes)

    @property
    def reminder_offsets(self) -> tuple[timedelta, ...]:
        return tuple(timedelta(hours=hours) for hours in self.reminder_hours)
