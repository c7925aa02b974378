"""Places in the database: importing a directory, reading places back as typed `Place`s."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from booking.places.model import WEEKDAYS, Directory, Place, hhmm
from eligibility.household import Region
from storage.base import session_maker
from storage.places import PlaceRow


def _row_values(place: Place) -> dict[str, Any]:
    """The place as `places` column values (JSON-friendly hours and closed days)."""
    return {
        "id": place.id,
        "kind": place.kind.value,
        "region": place.region.value,
        "district_kk": place.district_kk,
        "district_ru": place.district_ru,
        "name_kk": place.name_kk,
        "name_ru": place.name_ru,
        "address_kk": place.address_kk,
        "address_ru": place.address_ru,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "phone": place.phone,
        "hours": {
            day.value: [hhmm(place.hours[day][0]), hhmm(place.hours[day][1])]
            for day in WEEKDAYS
            if day in place.hours
        },
        "lunch_start": hhmm(place.lunch[0]) if place.lunch else None,
        "lunch_end": hhmm(place.lunch[1]) if place.lunch else None,
        "slot_minutes": place.slot_minutes,
        "capacity_per_slot": place.capacity_per_slot,
        "closed_days": [day.isoformat() for day in sorted(place.closed_days)],
        "is_sample": place.is_sample,
    }


def place_from_row(row: PlaceRow) -> Place:
    lunch = (row.lunch_start, row.lunch_end) if row.lunch_start and row.lunch_end else None
    return Place.model_validate(
        {
            "id": row.id,
            "kind": row.kind,
            "region": row.region,
            "district_kk": row.district_kk,
            "district_ru": row.district_ru,
            "name_kk": row.name_kk,
            "name_ru": row.name_ru,
            "address_kk": row.address_kk,
            "address_ru": row.address_ru,
            "latitude": row.latitude,
            "longitude": row.longitude,
            "phone": row.phone,
            "hours": row.hours,
            "lunch": lunch,
            "slot_minutes": row.slot_minutes,
            "capacity_per_slot": row.capacity_per_slot,
            "closed_days": row.closed_days,
            "is_sample": row.is_sample,
            "active": row.active,
        }
    )


@dataclass(frozen=True)
class ImportReport:
    """Place ids by what the import did to them."""

    added: tuple[str, ...] = field(default=())
    updated: tuple[str, ...] = field(default=())
    unchanged: tuple[str, ...] = field(default=())
    deactivated: tuple[str, ...] = field(default=())


async def import_directory(
    target: AsyncSession | AsyncEngine, directory: Directory, *, now: datetime | None = None
) -> ImportReport:
    """Upsert every place of the directory; places missing from it become inactive.

    Given an engine, runs in one transaction of its own and commits. Given a session, works
    inside the session's transaction and leaves the commit to the caller.
    """
    moment = now or datetime.now(UTC)
    if isinstance(target, AsyncEngine):
        async with session_maker(target)() as session, session.begin():
            return await _import(session, directory, moment)
    return await _import(target, directory, moment)


async def _import(session: AsyncSession, directory: Directory, now: datetime) -> ImportReport:
    # FOR UPDATE (PostgreSQL) makes two imports at once take turns instead of interleaving.
    existing = await session.scalars(select(PlaceRow).with_for_update())
    rows = {row.id: row for row in existing}
    added: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    for place in directory.places:
        values = _row_values(place)
        row = rows.pop(place.id, None)
        if row is None:
            session.add(PlaceRow(**values, active=True, updated_at=now))
            added.append(place.id)
        elif row.active and all(getattr(row, key) == value for key, value in values.items()):
            unchanged.append(place.id)
        else:
            for key, value in values.items():
                setattr(row, key, value)
            row.active = True
            row.updated_at = now
            updated.append(place.id)
    deactivated: list[str] = []
    for row in rows.values():
        if row.active:
            row.active = False
            row.updated_at = now
            deactivated.append(row.id)
    await session.flush()
    return ImportReport(tuple(added), tuple(updated), tuple(unchanged), tuple(sorted(deactivated)))


async def active_places(
    session: AsyncSession, region: Region | str | None = None, district: str | None = None
) -> list[Place]:
    """Places open for booking, by region and district (Kazakh or Russian district name)."""
    return await _places(session, region, district, active_only=True)


async def all_places(session: AsyncSession, region: Region | str | None = None) -> list[Place]:
    """Every place ever imported, inactive ones included (listings, old appointments)."""
    return await _places(session, region, None, active_only=False)


async def get_place(session: AsyncSession, place_id: str) -> Place | None:
    """One place by id, active or not: an appointment may outlive its place's activity."""
    row = await session.get(PlaceRow, place_id)
    return None if row is None else place_from_row(row)


async def _places(
    session: AsyncSession, region: Region | str | None, district: str | None, *, active_only: bool
) -> list[Place]:
    query = select(PlaceRow)
    if active_only:
        query = query.where(PlaceRow.active.is_(True))
    if region is not None:
        query = query.where(PlaceRow.region == str(region))
    if district is not None:
        query = query.where(or_(PlaceRow.district_kk == district, PlaceRow.district_ru == district))
    query = query.order_by(PlaceRow.region, PlaceRow.district_ru, PlaceRow.kind, PlaceRow.id)
    return [place_from_row(row) for row in await session.scalars(query)]
