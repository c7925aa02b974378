"""Shared fixtures: fresh, migrated databases on SQLite and on a real PostgreSQL server.

PostgreSQL comes from KOMEK_TEST_POSTGRES_URL (an admin URL, e.g. the one printed by
scripts/start-postgres.sh, which the test command runs). Each test gets its own database cloned
from a template migrated once per run, so tests are isolated and fast.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from komek_testing.postgres import create_database, drop_database
from storage.migrate import upgrade_to_head

POSTGRES_ADMIN_URL_ENV = "KOMEK_TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    upgrade_to_head(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated SQLite database file of this test's own."""
    path = tmp_path / "komek.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    url = os.environ.get(POSTGRES_ADMIN_URL_ENV)
    if not url:
        pytest.skip(
            f"{POSTGRES_ADMIN_URL_ENV} is not set: scripts/test.sh (and CI) starts a PostgreSQL "
            "server on loopback and sets it"
        )
    return url


@pytest.fixture(scope="session")
def postgres_template(postgres_admin_url: str) -> Iterator[str]:
    """A database migrated once per run, cloned by every test that needs PostgreSQL."""
    url = asyncio.run(create_database(postgres_admin_url, prefix="komek_template"))
    upgrade_to_head(url)
    yield str(make_url(url).database)
    asyncio.run(drop_database(postgres_admin_url, url))


@pytest.fixture
async def postgres_url(postgres_admin_url: str, postgres_template: str) -> AsyncIterator[str]:
    """A migrated PostgreSQL database of this test's own, dropped afterwards."""
    url = await create_database(postgres_admin_url, template=postgres_template)
    yield url
    await drop_database(postgres_admin_url, url)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """The same test on the embedded engine and on the production engine."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(fixture))
