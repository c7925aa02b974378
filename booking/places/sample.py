"""The bundled SAMPLE directory, for a demonstration, and what kind of directory is loaded.

A fresh install has no places, so nobody could book. The demo (the terminal without a bot
token, or `DEMO=1`) loads `booking/data/places.sample.yaml` into an EMPTY database only: a
database that holds any place, official or not, is never touched, so a demo switched on by
mistake cannot overwrite or mix into an official directory. Every place loaded from it keeps
the stored flag `is_sample`, which every screen that shows a place turns into a visible
"sample data" mark, and which production (the demo off) never offers for booking.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from booking.places.directory_file import load_directory
from booking.places.repository import import_directory
from storage.base import session_maker
from storage.places import PlaceRow

SAMPLE_DIRECTORY: Final = Path(__file__).resolve().parent.parent / "data" / "places.sample.yaml"


@dataclass(frozen=True, slots=True)
class DirectoryStatus:
    """How many places open for booking come from an official directory, and from a sample."""

    official: int
    sample: int


async def directory_status(engine: AsyncEngine) -> DirectoryStatus:
    """The active places by origin (the bot warns at start when no official one is loaded)."""
    query = (
        select(PlaceRow.is_sample, func.count())
        .where(PlaceRow.active.is_(True))
        .group_by(PlaceRow.is_sample)
    )
    async with session_maker(engine)() as db:
        counts = {bool(is_sample): int(count) for is_sample, count in await db.execute(query)}
    return DirectoryStatus(official=counts.get(False, 0), sample=counts.get(True, 0))


async def load_sample_if_empty(engine: AsyncEngine, path: Path = SAMPLE_DIRECTORY) -> int:
    """Load the sample directory when the database has no place at all; how many were loaded
    (0: the database already had places, nothing was changed)."""
    directory = load_directory(path)
    if not directory.sample:
        raise ValueError(f"{path} is not marked `sample: true`: refusing to load it as a sample")
    try:
        async with session_maker(engine)() as db, db.begin():
            if await db.scalar(select(func.count()).select_from(PlaceRow)):
                return 0
            report = await import_directory(db, directory)
    except IntegrityError:
        # Several workers started at once on an empty database: another one loaded it first.
        return 0
    return len(report.added)
