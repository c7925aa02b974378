"""Shared fixtures: fresh, migrated databases on SQLite and on a real PostgreSQL server.

PostgreSQL comes from KOMEK_TEST_POSTGRES_URL (an admin URL, e.g. the one printed by
scripts/start-postgres.sh, which the test command runs). Each test gets its own database cloned
from a template migrated once per run, so tests are isolated and fast.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from storage.migrate import upgrade_to_head

POSTGRES_ADMIN_URL_ENV = "KOMEK_TEST_POSTGRES_URL"


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


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
        pytest.fail(
            f"{POSTGRES_ADMIN_URL_ENV} is not set: run the tests with scripts/test.sh, "
            "which starts a PostgreSQL server on loopback"
        )
    return url


@pytest.fixture(scope="session")
def postgres_template(postgres_admin_url: str) -> Iterator[str]:
    """A database migrated once per run, cloned by every test that needs PostgreSQL."""
    import asyncio

    name = f"komek_template_{uuid.uuid4().hex[:8]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(_asyncpg_dsn(postgres_admin_url))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    upgrade_to_head(make_url(postgres_admin_url).set(database=name).render_as_string(False))
    yield name
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
async def postgres_url(postgres_admin_url: str, postgres_template: str) -> AsyncIterator[str]:
    """A migrated PostgreSQL database of this test's own, dropped afterwards."""
    name = f"komek_test_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(_asyncpg_dsn(postgres_admin_url))
    try:
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"')
    finally:
        await conn.close()
    yield make_url(postgres_admin_url).set(database=name).render_as_string(False)
    conn = await asyncpg.connect(_asyncpg_dsn(postgres_admin_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """The same test on the embedded engine and on the production engine."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(fixture))
