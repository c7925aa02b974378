"""When a citizen can be received: slots from a place's hours, minus every day nobody works.

Pure functions, no I/O: the time `now` always comes in as an argument so tests pin it. A slot is
identified by its start as an aware UTC moment (that is what the database stores); days and
hours are Kazakhstan wall-clock (Asia/Almaty, IANA, never a fixed offset).
Closed: Saturdays and Sundays, Kazakhstan's public holidays from the `holidays` package
(including the observed/substitute days off it lists), and a place's own `closed_days`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Final, Protocol

import holidays

from common.kz import local_day, local_moment

"""Kazakhstan's one time zone (UTC+5 since 2024-03-01; from the IANA data, never a fixed offset)."""
DEFAULT_LEAD_TIME: Final = timedelta(hours=2)
DEFAULT_HORIZON_DAYS: Final = 14
SATURDAY: Final = 5


class Schedule(Protocol):
    """What slot generation needs of a place (`booking.places.Place` satisfies it)."""

    @property
    def slot_minutes(self) -> int: ...

    def working_periods(self, day: date) -> list[tuple[time, time]]: ...


@cache
def _holidays_of(year: int) -> frozenset[date]:
    calendar = holidays.country_holidays("KZ", years=year, observed=True)
    return frozenset(day for day in calendar if day.year == year)


def is_public_holiday(day: date) -> bool:
    """A public holiday or the day off that replaces one falling on a weekend."""
    return day in _holidays_of(day.year)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a public holiday (a place may still be closed: see below)."""
    return day.weekday() < SATURDAY and not is_public_holiday(day)


def day_slots(place: Schedule, day: date) -> list[datetime]:
    """Every slot start (UTC) of the place that day, ignoring `now`; empty on a closed day."""
    if not is_working_day(day):
        return []
    step = timedelta(minutes=place.slot_minutes)
    starts: list[datetime] = []
    for opens, closes in place.working_periods(day):
        start = local_moment(day, opens)
        end = local_moment(day, closes)
        while start + step <= end:
            starts.append(start)
            start += step
    return starts


def earliest_start(now: datetime, lead_time: timedelta = DEFAULT_LEAD_TIME) -> datetime:
    """Nothing can be booked sooner than this: the citizen needs time to get there."""
    return now.astimezone(UTC) + lead_time


def bookable_slots(
    place: Schedule, day: date, now: datetime, lead_time: timedelta = DEFAULT_LEAD_TIME
) -> list[datetime]:
    """Slot starts of that day that are far enough ahead of `now`."""
    limit = earliest_start(now, lead_time)
    return [start for start in day_slots(place, day) if start >= limit]


def upcoming_days(
    place: Schedule,
    now: datetime,
    *,
    lead_time: timedelta = DEFAULT_LEAD_TIME,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
) -> Iterator[tuple[date, list[datetime]]]:
    """Each day from today (Kazakhstan time) over the horizon that has a bookable slot."""
    today = local_day(now)
    for offset in range(horizon_days + 1):
        day = today + timedelta(days=offset)
        starts = bookable_slots(place, day, now, lead_time)
        if starts:
            yield day, starts


def is_bookable(
    place: Schedule,
    starts_at: datetime,
    now: datetime,
    *,
    lead_time: timedelta = DEFAULT_LEAD_TIME,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
) -> bool:
    """Whether `starts_at` is one of the place's slots, in the future window we offer."""
    day = local_day(starts_at)
    if (day - local_day(now)).days > horizon_days:
        return False
    return starts_at.astimezone(UTC) in bookable_slots(place, day, now, lead_time)
