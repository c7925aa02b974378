"""The directory of places at start: the demo's sample places, and a warning without official ones.

A fresh install has no places, so nobody could book: the demonstration (the terminal without a
token, or DEMO=1) loads the bundled SAMPLE directory into an EMPTY database
(booking.places.sample). Production must not run on it silently either way, so the bot says at
start, in its log, when no official directory is loaded: citizens are then told that booking is
not yet available and where to apply instead (dialogs.booking.screens).
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from booking.places import directory_status, load_sample_if_empty
from storage.base import create_engine

log = logging.getLogger(__name__)


def load_sample_places(database_url: str) -> int:
    """Load the SAMPLE directory if the (migrated) database has no place: how many were loaded."""

    async def load() -> int:
        engine = create_engine(database_url)
        try:
            return await load_sample_if_empty(engine)
        finally:
            await engine.dispose()

    return asyncio.run(load())


async def warn_about_directory(engine: AsyncEngine, *, demo: bool) -> None:
    """Log a warning when citizens cannot book at an official place (none loaded)."""
    try:
        status = await directory_status(engine)
    except SQLAlchemyError:
        log.warning("could not read the directory of places", exc_info=True)
        return
    if status.sample and demo:
        log.warning(
            "DEMO is on: booking offers %d SAMPLE places with made-up addresses and phones "
            "(marked as sample data); never run a demonstration for real citizens",
            status.sample,
        )
    if status.official == 0:
        log.warning(
            "no official directory of places is loaded: citizens are told that booking is not "
            "yet available and where to apply instead; load it with "
            "`python -m booking places import FILE` (format: booking/data/README.md)"
        )
