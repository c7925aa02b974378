"""Booking fixtures: a place with known hours, users, engines over both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from booking.places import Directory, Place, import_directory
from komek_testing.fake_telegram import FakeTelegram
from storage.base import create_engine, session_maker
from storage.conversation import User

WEEK = {day: "09:00-18:00" for day in ("mon", "tue", "wed", "thu", "fri")}
# Tuesday 1 December 2026, 09:00 in Almaty (04:00 UTC): the week before Independence Day.
NOW = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)


def make_place(place_id: str = "KZ-71-test-ec", capacity: int = 1, **changes: Any) -> Place:
    values: dict[str, Any] = {
        "id": place_id,
        "kind": "employment_center",
        "region": "KZ-71",
        "district_kk": "Есіл ауданы",
        "district_ru": "район Есиль",
        "name_kk": "Есіл ауданының жұмыспен қамту орталығы",
        "name_ru": "Центр занятости района Есиль",
        "address_kk": "Астана қ., Мәңгілік Ел даңғылы, 8",
        "address_ru": "г. Астана, пр. Мангилик Ел, 8",
        "latitude": 51.0909,
        "longitude": 71.4187,
        "phone": "+7 7172 55 10 01",
        "hours": WEEK,
        "lunch": "13:00-14:00",
        "slot_minutes": 20,
        "capacity_per_slot": capacity,
    }
    values.update(changes)
    return Place.model_validate(values)


async def add_places(engine: AsyncEngine, *places: Place) -> None:
    directory = Directory(sample=True, note="test places", places=tuple(places))
    await import_directory(engine, directory, now=NOW)


async def add_users(engine: AsyncEngine, chat_ids: range | list[int], language: str = "ru") -> None:
    rows = [
        {
            "chat_id": c,
            "language": language,
            "created_at": NOW,
            "last_seen_at": NOW,
            "consent_at": NOW,
        }
        for c in chat_ids
    ]
    async with engine.begin() as conn:
        await conn.execute(insert(User), rows)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_maker(engine)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server
