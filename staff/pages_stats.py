"""Statistics for a period, by place or region: counts and charts, no personal data."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from booking.places import all_places
from common.kz import local_day
from eligibility.household import Region
from staff.charts import all_charts
from staff.deps import CurrentAccount, Db, Forbidden, clock, lang_of, render
from staff.stats import MAX_DAYS, Period, collect

router = APIRouter()
DEFAULT_DAYS = 30


def _day(text: str | None, default: date) -> date:
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default


@router.get("/stats", response_class=HTMLResponse)
async def stats_page(
    request: Request,
    db: Db,
    account: CurrentAccount,
    start: str | None = None,
    end: str | None = None,
    place: str | None = None,
    region: str | None = None,
) -> Response:
    now = clock(request)
    today = local_day(now)
    last = _day(end, today)
    first = _day(start, last - timedelta(days=DEFAULT_DAYS - 1))
    if first > last:
        first, last = last, first
    first = max(first, last - timedelta(days=MAX_DAYS - 1))
    place_id = place or None
    chosen_region = region if region in {r.value for r in Region} else None
    if not account.is_admin:  # staff: their own place only, whatever the query says
        if place_id not in (None, account.place_id) or chosen_region is not None:
            raise Forbidden
        place_id = account.place_id
    places = [p for p in await all_places(db) if account.may_see(p.id)]
    if place_id is not None and place_id not in {p.id for p in places}:
        place_id = None
    stats = await collect(db, Period(first, last), place_id=place_id, region=chosen_region, now=now)
    return render(
        request,
        "stats.html",
        stats=stats,
        charts=all_charts(stats, lang_of(request)),
        start=first,
        end=last,
        places=places,
        place_id=place_id,
        region=chosen_region,
        regions=[r.value for r in Region],
    )
