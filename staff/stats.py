"""Statistics of a period, by place or region: counts only, never a phone or a chat.

Screenings are not made at a place: they are counted by the region the household gave. Bookings,
outcomes and reminders are counted by place (or by every place of a region).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.kz import local_day
from staff.day import day_bounds
from storage.booking import Appointment, Reminder
from storage.conversation import Screening
from storage.places import PlaceRow

MAX_DAYS = 366
T = TypeVar("T")


@dataclass
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


@dataclass
class Stats:
    period: Period
    screenings: Counter[date] = field(default_factory=Counter)
    verdicts: Counter[str] = field(default_factory=Counter)
    bookings: Counter[date] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    reminders_sent: Counter[date] = field(default_factory=Counter)

    @property
    def no_show_rate(self) -> float | None:
        marked = self.outcomes["attended"] + self.outcomes["no_show"]
        return None if marked == 0 else self.outcomes["no_show"] / marked


async def _place_ids(
    db: AsyncSession, place_id: str | None, region: str | None
) -> list[str] | None:
    if place_id is not None:
        return [place_id]
    if region is not None:
        return list(await db.scalars(select(PlaceRow.id).where(PlaceRow.region == region)))
    return None


async def collect(
    db: AsyncSession,
    period: Period,
    *,
    place_id: str | None = None,
    region: str | None = None,
    now: datetime,
) -> Stats:
    """Everything the statistics page shows, for one place, one region or everywhere."""
    stats = Stats(period)
    start, _ = day_bounds(period.start)
    _, end = day_bounds(period.end)
    places = await _place_ids(db, place_id, region)
    if place_id is not None and region is None:
        region = await db.scalar(select(PlaceRow.region).where(PlaceRow.id == place_id))
    rows = await db.execute(
        select(Screening.created_at, Screening.result, Screening.household).where(
            Screening.created_at >= start, Screening.created_at < end
        )
    )
    for created_at, result, household in rows:
        if region is not None and (household or {}).get("region") != region:
            continue
        stats.screenings[local_day(created_at)] += 1
        result = result or {}
        verdict = result.get("verdict") or (
            "eligible" if result.get("eligible") else "not_eligible"
        )
        stats.verdicts[str(verdict)] += 1

    def in_places(query: Select[T]) -> Select[T]:
        return query if places is None else query.where(Appointment.place_id.in_(places))

    booked = await db.execute(
        in_places(
            select(Appointment.created_at).where(
                Appointment.created_at >= start,
                Appointment.created_at < end,
                Appointment.status != "rescheduled",
            )
        )
    )
    for (created_at,) in booked:
        stats.bookings[local_day(created_at)] += 1
    visits = await db.execute(
        in_places(
            select(Appointment.status).where(
                Appointment.starts_at >= start,
                Appointment.starts_at < min(end, now),
                Appointment.status.in_(("attended", "no_show", "booked", "past")),
            )
        )
    )
    for (status,) in visits:
        stats.outcomes[status if status in ("attended", "no_show") else "unmarked"] += 1
    sent = await db.execute(
        in_places(
            select(Reminder.sent_at)
            .join(Appointment, Appointment.id == Reminder.appointment_id)
            .where(Reminder.status == "sent", Reminder.sent_at >= start, Reminder.sent_at < end)
        )
    )
    for (sent_at,) in sent:
        if sent_at is not None:
            stats.reminders_sent[local_day(sent_at)] += 1
    return stats
