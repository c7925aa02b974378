"""Apply Alembic migrations programmatically (start-up, tests, `python -m storage.migrate`)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

from storage.base import DEFAULT_DATABASE_URL

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_to_head(url: str) -> None:
    """Bring the database at `url` to the newest schema (idempotent)."""
    command.upgrade(alembic_config(url), "head")


async def upgrade_to_head_async(url: str) -> None:
    """Same, from inside a running event loop (Alembic's env runs its own loop in a thread)."""
    await asyncio.to_thread(upgrade_to_head, url)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    url = args[0] if args else os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    upgrade_to_head(url)
    print("database is at the newest schema")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
