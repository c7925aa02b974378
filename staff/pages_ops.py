"""For machines: health, readiness, Prometheus metrics, and the calendar feeds (no login:
the unguessable token is the key)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from booking.places import get_place
from staff import feeds
from staff.deps import Db, NotFound, clock

router = APIRouter()


@router.get("/healthz", response_class=PlainTextResponse)
async def healthz() -> str:
    """The process answers."""
    return "ok"


@router.get("/readyz")
async def readyz(db: Db) -> Response:
    """The database answers too."""
    try:
        await db.execute(text("SELECT 1"))
    except Exception:
        return PlainTextResponse("database unavailable", status_code=503)
    return PlainTextResponse("ready")


@router.get("/metrics")
async def metrics_page() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


@router.get("/feeds/{token}.ics")
async def feed(request: Request, token: str, db: Db) -> Response:
    place_id = await feeds.place_of_token(db, token)
    place = None if place_id is None else await get_place(db, place_id)
    if place is None:
        raise NotFound
    return Response(
        await feeds.ics(db, place, clock(request)),
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "no-store"},
    )
