"""Administrators' pages: places (edit, close a day, import the directory), figures, audit;
and every account's calendar feeds of their place."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from booking.places import (
    DirectoryError,
    Place,
    Weekday,
    all_places,
    hhmm,
    import_directory,
    parse_directory,
)
from booking.staff_actions import booked_on, close_day
from common.kz import local_day
from common.text import msg
from eligibility.household import Region
from staff import audit, feeds, figures, metrics, notices
from staff.deps import (
    AdminAccount,
    CurrentAccount,
    Db,
    UploadChecked,
    clock,
    flash,
    redirect,
    render,
    visible_place,
)
from storage.places import PlaceRow

router = APIRouter()
MAX_DIRECTORY_BYTES = 2_000_000
COLUMN_NAMES = {
    "region": msg("Region"),
    "quarter": msg("Quarter"),
    "subsistence_minimum": msg("Subsistence minimum, ₸"),
    "median_income": msg("Median income, ₸"),
    "poverty_line": msg("Poverty line, ₸"),
    "source": msg("Source"),
}
DAY_NAMES = {
    Weekday.MON: msg("Monday"),
    Weekday.TUE: msg("Tuesday"),
    Weekday.WED: msg("Wednesday"),
    Weekday.THU: msg("Thursday"),
    Weekday.FRI: msg("Friday"),
    Weekday.SAT: msg("Saturday"),
    Weekday.SUN: msg("Sunday"),
}


@router.get("/places", response_class=HTMLResponse)
async def places_page(
    request: Request,
    db: Db,
    account: CurrentAccount,
) -> Response:
    places = [p for p in await all_places(db) if account.may_see(p.id)]
    return render(request, "places.html", places=places, today=local_day(clock(request)))


def _form_of(place: Place) -> dict[str, str]:
    values = {
        day.value: f"{hhmm(place.hours[day][0])}-{hhmm(place.hours[day][1])}"
        if day in place.hours
        else ""
        for day in Weekday
    }
    values["lunch"] = f"{hhmm(place.lunch[0])}-{hhmm(place.lunch[1])}" if place.lunch else ""
    values["slot_minutes"] = str(place.slot_minutes)
    values["capacity_per_slot"] = str(place.capacity_per_slot)
    values["closed_days"] = "\n".join(d.isoformat() for d in sorted(place.closed_days))
    return values


def _edited(place: Place, form: dict[str, str]) -> Place:
    """The place with the form's schedule, validated by the directory's own model."""
    data: dict[str, Any] = place.model_dump()
    data["hours"] = {
        day.value: form[day.value] for day in Weekday if form.get(day.value, "").strip()
    }
    data["lunch"] = form.get("lunch", "").strip() or None
    data["slot_minutes"] = form.get("slot_minutes", "").strip()
    data["capacity_per_slot"] = form.get("capacity_per_slot", "").strip()
    data["closed_days"] = [
        line.strip() for line in form.get("closed_days", "").split() if line.strip()
    ]
    return Place.model_validate(data)


def _problems(error: ValidationError) -> list[str]:
    problems = []
    for detail in error.errors(include_url=False, include_input=False):
        where = ".".join(str(part) for part in detail["loc"]) or "schedule"
        cause = (detail.get("ctx") or {}).get("error")
        problems.append(f"{where}: {cause if cause is not None else detail['msg']}")
    return problems


@router.get("/places/{place_id}/edit", response_class=HTMLResponse)
async def edit_form(
    request: Request,
    db: Db,
    account: AdminAccount,
    place_id: str,
) -> Response:
    place = await visible_place(db, account, place_id)
    return render(
        request,
        "place_edit.html",
        place=place,
        form=_form_of(place),
        problems=[],
        day_names=DAY_NAMES,
        confirm=None,
    )


@router.post("/places/{place_id}/edit", response_class=HTMLResponse)
async def edit(
    request: Request,
    db: Db,
    account: AdminAccount,
    place_id: str,
) -> Response:
    raw = await request.form()
    form = {key: str(value) for key, value in raw.items() if isinstance(value, str)}
    now = clock(request)
    async with db.begin():
        place = await visible_place(db, account, place_id)
        try:
            changed = _edited(place, form)
        except ValidationError as error:
            return render(
                request,
                "place_edit.html",
                status_code=400,
                place=place,
                form=form,
                problems=_problems(error),
                day_names=DAY_NAMES,
                confirm=None,
            )
        newly_closed = sorted(changed.closed_days - place.closed_days)
        affected: list[tuple[date, int]] = []
        for day in newly_closed:
            booked = [row for row in await booked_on(db, place.id, day) if row.starts_at > now]
            if booked:
                affected.append((day, len(booked)))
        if affected and form.get("confirm") != "yes":
            return render(
                request,
                "place_edit.html",
                status_code=409,
                place=place,
                form=form,
                problems=[],
                day_names=DAY_NAMES,
                confirm=affected,
            )
        row = await db.get(PlaceRow, place.id, with_for_update=True)
        assert row is not None
        row.hours = {
            day.value: [hhmm(changed.hours[day][0]), hhmm(changed.hours[day][1])]
            for day in Weekday
            if day in changed.hours
        }
        row.lunch_start = hhmm(changed.lunch[0]) if changed.lunch else None
        row.lunch_end = hhmm(changed.lunch[1]) if changed.lunch else None
        row.slot_minutes = changed.slot_minutes
        row.capacity_per_slot = changed.capacity_per_slot
        row.closed_days = [d.isoformat() for d in sorted(changed.closed_days - set(newly_closed))]
        row.updated_at = now
        await db.flush()
        told = []
        for day in newly_closed:
            told += await close_day(db, place.id, day, now) or []
        await notices.queue(db, told, {place.id: changed}, now)
        audit.record(
            db,
            account,
            "place.edit",
            now,
            place_id=place.id,
            target=place.id,
            closed=[d.isoformat() for d in newly_closed],
            cancelled=len(told),
        )
    for notice in told:
        metrics.NOTICES.labels(kind=notice.kind).inc()
    flash(request, msg("The place is saved."))
    if told:
        flash(
            request,
            msg(
                "Cancelled visits: {count}. The citizens are told through the bot and asked to "
                "book again.",
                count=str(len(told)),
            ),
        )
    return redirect(f"/places/{place.id}/edit")


@router.post("/places/import", response_class=HTMLResponse)
async def import_places(
    request: Request,
    db: Db,
    account: AdminAccount,
    _csrf: UploadChecked,
    file: UploadFile,
) -> Response:
    content = await file.read(MAX_DIRECTORY_BYTES + 1)
    name = file.filename or "places.yaml"
    try:
        if len(content) > MAX_DIRECTORY_BYTES:
            raise DirectoryError(name, [])
        directory = parse_directory(content.decode("utf-8"), source=name)
    except (DirectoryError, UnicodeDecodeError) as error:
        places = [p for p in await all_places(db) if account.may_see(p.id)]
        return render(
            request,
            "places.html",
            status_code=400,
            places=places,
            today=local_day(clock(request)),
            import_error=str(error),
        )
    now = clock(request)
    async with db.begin():
        report = await import_directory(db, directory, now=now)
        audit.record(
            db,
            account,
            "places.import",
            now,
            target=name[:100],
            sample=directory.sample,
            added=len(report.added),
            updated=len(report.updated),
            deactivated=len(report.deactivated),
        )
    flash(
        request,
        msg(
            "Directory imported: {added} added, {updated} updated, {unchanged} unchanged, "
            "{deactivated} deactivated.",
            added=str(len(report.added)),
            updated=str(len(report.updated)),
            unchanged=str(len(report.unchanged)),
            deactivated=str(len(report.deactivated)),
        ),
    )
    return redirect("/places")


@router.get("/figures", response_class=HTMLResponse)
async def figures_page(
    request: Request,
    account: CurrentAccount,
    on: str | None = None,
    region: str | None = None,
) -> Response:
    today = local_day(clock(request))
    try:
        when = date.fromisoformat(on) if on else today
    except ValueError:
        when = today
    chosen = region if region in {r.value for r in Region} else None
    header, rows = figures.regional_rows()
    return render(
        request,
        "figures.html",
        header=header,
        rows=rows,
        on=when,
        region=chosen,
        regions=[r.value for r in Region],
        in_force=figures.in_force(when, chosen),
        result=None,
    )


@router.post("/figures/import", response_class=HTMLResponse)
async def import_figures(
    request: Request,
    db: Db,
    account: AdminAccount,
    _csrf: UploadChecked,
    file: UploadFile,
) -> Response:
    content = await file.read(figures.MAX_UPLOAD_BYTES + 1)
    name = file.filename or "table.csv"
    result = figures.import_table(name, content)
    now = clock(request)
    async with db.begin():
        audit.record(
            db,
            account,
            "figures.import",
            now,
            target=name[:100],
            accepted=result.ok,
        )
    today = local_day(now)
    header, rows = figures.regional_rows()
    return render(
        request,
        "figures.html",
        status_code=200 if result.ok else 400,
        header=header,
        rows=rows,
        on=today,
        region=None,
        regions=[r.value for r in Region],
        in_force=figures.in_force(today, None),
        result=result,
    )


@router.get("/audit", response_class=HTMLResponse)
async def audit_page(
    request: Request,
    db: Db,
    account: AdminAccount,
) -> Response:
    return render(request, "audit.html", rows=await audit.recent(db))


@router.get("/places/{place_id}/feeds", response_class=HTMLResponse)
async def feeds_page(
    request: Request,
    db: Db,
    account: CurrentAccount,
    place_id: str,
) -> Response:
    place = await visible_place(db, account, place_id)
    return render(
        request,
        "feeds.html",
        place=place,
        feeds=await feeds.active(db, place.id),
        new_url=request.session.pop("new_feed", None),
    )


@router.post("/places/{place_id}/feeds")
async def create_feed(
    request: Request,
    db: Db,
    account: CurrentAccount,
    place_id: str,
) -> Response:
    now = clock(request)
    async with db.begin():
        place = await visible_place(db, account, place_id)
        token = await feeds.create(db, place.id, account.id, now)
        audit.record(db, account, "feed.create", now, place_id=place.id, target=place.id)
    base = request.app.state.settings.public_url.rstrip("/") or str(request.base_url).rstrip("/")
    request.session["new_feed"] = f"{base}/feeds/{token}.ics"
    return redirect(f"/places/{place.id}/feeds")


@router.post("/places/{place_id}/feeds/{feed_id}/revoke")
async def revoke_feed(
    request: Request,
    db: Db,
    account: CurrentAccount,
    place_id: str,
    feed_id: int,
) -> Response:
    now = clock(request)
    async with db.begin():
        place = await visible_place(db, account, place_id)
        if await feeds.revoke(db, place.id, feed_id, now):
            audit.record(db, account, "feed.revoke", now, place_id=place.id, target=str(feed_id))
            flash(request, msg("The calendar link is revoked."))
    return redirect(f"/places/{place.id}/feeds")
