"""Kazakhstan's wall-clock time: one zone for the whole country since 2024-03-01 (UTC+5), taken
from the IANA data (Asia/Almaty), never a fixed offset, so past dates stay right."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Final
from zoneinfo import ZoneInfo

KZ_TIME: Final = ZoneInfo("Asia/Almaty")


def local_day(moment: datetime) -> date:
    """The date in Kazakhstan at an aware moment."""
    return moment.astimezone(KZ_TIME).date()


def local_moment(day: date, clock: time) -> datetime:
    """A Kazakhstan wall-clock time on a day, as an aware UTC moment."""
    return datetime.combine(day, clock, tzinfo=KZ_TIME).astimezone(UTC)
