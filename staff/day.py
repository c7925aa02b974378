"""A place's day and week as data: the appointments in time order, with the shared summaries.

Two queries for a day whatever the size of the book: the day's appointments of the place (by
the `(place_id, starts_at)` index), then the newest screening of each citizen who agreed to
share it (by the `chat_id` index). Moved appointments are shown once, at their new time.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import phonenumbers
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from booking.places import Place
from booking.slots import day_slots, is_public_holiday
from common.i18n import Language, format_local_datetime
from common.kz import local_day, local_moment
from common.text import Message, msg
from staff.summary import Summary, summary_of
from storage.booking import Appointment
from storage.conversation import Screening

HIDDEN = ("rescheduled",)
STATUS_NAMES = {
    "booked": msg("booked"),
    "past": msg("not marked"),
    "attended": msg("attended"),
    "no_show": msg("did not come"),
    "cancelled": msg("cancelled by the citizen"),
    "cancelled_by_staff": msg("cancelled by the center"),
    "rescheduled": msg("moved"),
}
LANGUAGE_NAMES = {"kk": msg("Kazakh"), "ru": msg("Russian")}


@dataclass(frozen=True, slots=True)
class DayRow:
    id: int
    starts_at: datetime
    phone: str | None
    language: str
    status: str
    confirmed: bool
    share_summary: bool | None
    summary: Summary | None

    @property
    def status_name(self) -> Message:
        return STATUS_NAMES.get(self.status, msg("unknown"))

    @property
    def language_name(self) -> Message:
        return LANGUAGE_NAMES.get(self.language, msg("unknown"))


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The Kazakhstan day as a UTC interval [start, end)."""
    return local_moment(day, time()), local_moment(day + timedelta(days=1), time())


async def day_rows(db: AsyncSession, place_id: str, day: date) -> list[DayRow]:
    start, end = day_bounds(day)
    rows = (
        await db.execute(
            select(
                Appointment.id,
                Appointment.chat_id,
                Appointment.starts_at,
                Appointment.phone,
                Appointment.language,
                Appointment.status,
                Appointment.confirmed_at,
                Appointment.share_summary,
            )
            .where(
                Appointment.place_id == place_id,
                Appointment.starts_at >= start,
                Appointment.starts_at < end,
                Appointment.status.not_in(HIDDEN),
            )
            .order_by(Appointment.starts_at, Appointment.id)
        )
    ).all()
    sharing = {row.chat_id for row in rows if row.share_summary}
    summaries: dict[int, Summary] = {}
    if sharing:
        screenings = await db.execute(
            select(Screening.chat_id, Screening.result, Screening.household)
            .where(Screening.chat_id.in_(sharing))
            .order_by(Screening.chat_id, Screening.created_at.desc(), Screening.id.desc())
        )
        for chat_id, result, household in screenings:
            if chat_id not in summaries:
                summaries[chat_id] = summary_of(result or {}, household or {})
    return [
        DayRow(
            id=row.id,
            starts_at=row.starts_at,
            phone=row.phone,
            language=row.language,
            status=row.status,
            confirmed=row.confirmed_at is not None,
            share_summary=row.share_summary,
            summary=summaries.get(row.chat_id) if row.share_summary else None,
        )
        for row in rows
    ]


@dataclass(frozen=True, slots=True)
class WeekDay:
    day: date
    open: bool
    holiday: bool
    slots: int
    seats: int
    counts: Counter[str]

    @property
    def expected(self) -> int:
        return self.counts["booked"] + self.counts["past"]


def week_of(day: date) -> list[date]:
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=offset) for offset in range(7)]


async def week_days(db: AsyncSession, place: Place, day: date) -> list[WeekDay]:
    days = week_of(day)
    start, _ = day_bounds(days[0])
    _, end = day_bounds(days[-1])
    rows = await db.execute(
        select(Appointment.starts_at, Appointment.status).where(
            Appointment.place_id == place.id,
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
            Appointment.status.not_in(HIDDEN),
        )
    )
    counts: dict[date, Counter[str]] = {d: Counter() for d in days}
    for starts_at, status in rows:
        counts[local_day(starts_at)][status] += 1
    result = []
    for d in days:
        slots = len(day_slots(place, d))
        result.append(
            WeekDay(
                day=d,
                open=slots > 0,
                holiday=is_public_holiday(d),
                slots=slots,
                seats=slots * place.capacity_per_slot,
                counts=counts[d],
            )
        )
    return result


def national_phone(phone: str | None) -> str:
    """`8 (701) 123 4567`: how the center dials it, and text to Excel (a leading `+` would
    start a formula, and a bare number would lose digits to scientific notation)."""
    if not phone:
        return ""
    number = phonenumbers.parse(phone, "KZ")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))


def day_csv(rows: list[DayRow], lang: Language) -> bytes:
    """The day as CSV for Excel: UTF-8 with a BOM (so Cyrillic opens right) and `;` between
    fields (the list separator of Excel with Kazakh or Russian regional settings)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    header = [
        msg("Time"),
        msg("Phone"),
        msg("Language"),
        msg("Status"),
        msg("Confirmed"),
        msg("Household size"),
        msg("Per-capita income, ₸"),
        msg("Pre-screening"),
        msg("Likely assistance"),
        msg("Documents to bring"),
    ]
    writer.writerow([m.render(lang) for m in header])
    yes, no = msg("yes").render(lang), msg("no").render(lang)
    for row in rows:
        summary = row.summary
        writer.writerow(
            [
                format_local_datetime(row.starts_at, lang, fmt="HH:mm"),
                national_phone(row.phone),
                row.language_name.render(lang),
                row.status_name.render(lang),
                yes if row.confirmed else no,
                "" if summary is None or summary.members is None else str(summary.members),
                ""
                if summary is None or summary.per_capita_income is None
                else f"{summary.per_capita_income:.2f}",
                "" if summary is None or summary.verdict is None else summary.verdict.render(lang),
                ""
                if summary is None or summary.assistance is None
                else summary.assistance.render(lang),
                "" if summary is None else "; ".join(d.render(lang) for d in summary.documents),
            ]
        )
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
