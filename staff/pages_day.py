"""The day of a place (and its CSV), the week, and what staff do to an appointment."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from booking.appointments import seats_taken
from booking.places import Place
from booking.settings import BookingSettings
from booking.slots import is_public_holiday, upcoming_days
from booking.staff_actions import cancel_by_staff, move_by_staff, record_outcome
from common.kz import local_day
from common.phone import show_phone
from common.text import msg
from staff import audit, metrics, notices
from staff.accounts import Account
from staff.day import day_csv, day_rows, week_days, week_of
from staff.deps import (
    CurrentAccount,
    Db,
    Forbidden,
    NotFound,
    clock,
    flash,
    lang_of,
    parse_day,
    redirect,
    render,
    visible_place,
)
from storage.booking import Appointment

router = APIRouter()


def day_url(place_id: str, day: date) -> str:
    return f"/places/{place_id}/day/{day.isoformat()}"


@router.get("/places/{place_id}/day/{day}.csv")
async def day_as_csv(
    request: Request,
    db: Db,
    account: CurrentAccount,
    place_id: str,
    day: str,
) -> Response:
    place = await visible_place(db, account, place_id)
    when = parse_day(day)
    rows = await day_rows(db, place.id, when)
    name = f"{place.id}-{when.isoformat()}.csv"
    return Response(
        day_csv(rows, lang_of(request)),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/places/{place_id}/day/{day}", response_class=HTMLResponse)
async def day_page(
    request: Request,
    db: Db,
    account: CurrentAccount,
    place_id: str,
    day: str,
) -> Response:
    place = await visible_place(db, account, place_id)
    when = parse_day(day)
    now = clock(request)
    rows = await day_rows(db, place.id, when)
    today = local_day(now)
    return render(
        request,
        "day.html",
        place=place,
        on=when,
        rows=rows,
        now=now,
        is_past_or_today=when <= today,
        holiday=is_public_holiday(when),
        open=bool(place.working_periods(when)),
        previous=day_url(place.id, when - timedelta(days=1)),
        next=day_url(place.id, when + timedelta(days=1)),
        today_url=day_url(place.id, today),
        show_phone=show_phone,
    )


@router.get("/places/{place_id}/week/{day}", response_class=HTMLResponse)
async def week_page(
    request: Request,
    db: Db,
    account: CurrentAccount,
    place_id: str,
    day: str,
) -> Response:
    place = await visible_place(db, account, place_id)
    when = parse_day(day)
    days = await week_days(db, place, when)
    monday = week_of(when)[0]
    return render(
        request,
        "week.html",
        place=place,
        days=days,
        previous=f"/places/{place.id}/week/{(monday - timedelta(days=7)).isoformat()}",
        next=f"/places/{place.id}/week/{(monday + timedelta(days=7)).isoformat()}",
        today=local_day(clock(request)),
    )


async def _appointment_of(
    db: AsyncSession, account: Account, place_id: str, appointment_id: int
) -> tuple[Place, Appointment]:
    """The appointment, if it is of this place and the account may see that place: 403 when
    either the URL's place or the appointment's own place is not theirs."""
    place = await visible_place(db, account, place_id)
    row = await db.get(Appointment, appointment_id)
    if row is None:
        raise NotFound
    if row.place_id != place.id or not account.may_see(row.place_id):
        raise Forbidden
    return place, row


@router.post("/places/{place_id}/appointments/{appointment_id}/outcome")
async def mark_outcome(
    request: Request,
    db: Db,
    account: CurrentAccount,
    place_id: str,
    appointment_id: int,
) -> Response:
    form = await request.form()
    outcome = str(form.get("outcome") or "")
    now = clock(request)
    async with db.begin():
        place, row = await _appointment_of(db, account, place_id, appointment_id)
        back = day_url(place.id, local_day(row.starts_at))
        if outcome not in ("attended", "no_show"):
            flash(request, msg("Choose attended or did not come."), "error")
            return redirect(back)
        done = await record_outcome(db, appointment_id, outcome, now)  # type: ignore[arg-type]
        if done:
            audit.record(
                db,
                account,
                f"appointment.{outcome}",
                now,
                place_id=place.id,
                target=str(appointment_id),
                before=row.status,
            )
    if done:
        flash(request, msg("Saved."))
    else:
        flash(
            request, msg("This visit cannot be marked (it is cancelled or still ahead)."), "error"
        )
    return redirect(back + f"#a{appointment_id}")


@router.post("/places/{place_id}/appointments/{appointment_id}/cancel")
async def cancel(
    request: Request,
    db: Db,
    account: CurrentAccount,
    place_id: str,
    appointment_id: int,
) -> Response:
    now = clock(request)
    async with db.begin():
        place, row = await _appointment_of(db, account, place_id, appointment_id)
        back = day_url(place.id, local_day(row.starts_at))
        notice = await cancel_by_staff(db, appointment_id, now)
        if notice is not None:
            await notices.queue(db, [notice], {place.id: place}, now)
            audit.record(
                db,
                account,
                "appointment.cancel",
                now,
                place_id=place.id,
                target=str(appointment_id),
            )
    if notice is None:
        flash(request, msg("This visit can no longer be cancelled."), "error")
    else:
        metrics.NOTICES.labels(kind=notice.kind).inc()
        flash(request, msg("Cancelled. The citizen is told through the bot."))
    return redirect(back)


def _free_slots(
    place: Place, taken: dict[datetime, int], now: datetime, settings: BookingSettings
) -> list[tuple[date, list[datetime]]]:
    days = upcoming_days(
        place, now, lead_time=settings.lead_time, horizon_days=settings.horizon_days
    )
    return [
        (day, [s for s in starts if taken.get(s, 0) < place.capacity_per_slot])
        for day, starts in days
    ]


@router.get("/places/{place_id}/appointments/{appointment_id}/move", response_class=HTMLResponse)
async def move_form(
    request: Request,
    db: Db,
    account: CurrentAccount,
    place_id: str,
    appointment_id: int,
) -> Response:
    place, row = await _appointment_of(db, account, place_id, appointment_id)
    now = clock(request)
    settings = BookingSettings()
    horizon = now + timedelta(days=settings.horizon_days + 2)
    taken = await seats_taken(db, place.id, now, horizon)
    return render(
        request,
        "move.html",
        place=place,
        appointment=row,
        movable=row.status == "booked" and row.starts_at > now,
        days=_free_slots(place, taken, now, settings),
        back=day_url(place.id, local_day(row.starts_at)),
    )


@router.post("/places/{place_id}/appointments/{appointment_id}/move")
async def move(
    request: Request,
    db: Db,
    account: CurrentAccount,
    place_id: str,
    appointment_id: int,
) -> Response:
    form = await request.form()
    now = clock(request)
    try:
        new_start = datetime.fromisoformat(str(form.get("starts_at") or ""))
    except ValueError:
        new_start = None
    async with db.begin():
        place, row = await _appointment_of(db, account, place_id, appointment_id)
        old_day = local_day(row.starts_at)
        notice = None
        if new_start is not None and new_start.tzinfo is not None:
            notice = await move_by_staff(db, appointment_id, place, new_start, now)
        if notice is not None:
            await notices.queue(db, [notice], {place.id: place}, now)
            audit.record(
                db,
                account,
                "appointment.move",
                now,
                place_id=place.id,
                target=str(appointment_id),
                to=new_start.isoformat() if new_start else None,
            )
    if notice is None or new_start is None:
        flash(request, msg("The visit could not be moved: choose a free time."), "error")
        return redirect(f"/places/{place.id}/appointments/{appointment_id}/move")
    metrics.NOTICES.labels(kind=notice.kind).inc()
    flash(request, msg("Moved. The citizen is told through the bot."))
    return redirect(
        day_url(place.id, local_day(new_start)) if new_start else day_url(place.id, old_day)
    )
