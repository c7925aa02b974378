"""Scratch PostgreSQL databases for tests and benchmarks, made from an admin URL."""

from __future__ import annotations

import uuid

import asyncpg
from sqlalchemy.engine import make_url


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(admin_url: str, sql: str) -> None:
    conn = await asyncpg.connect(_asyncpg_dsn(admin_url))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def create_database(
    admin_url: str, *, prefix: str = "komek_test", template: str | None = None
) -> str:
    """A new, uniquely named database (a copy of `template` if given); returns its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    clause = f' TEMPLATE "{template}"' if template else ""
    await _admin(admin_url, f'CREATE DATABASE "{name}"{clause}')
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


async def drop_database(admin_url: str, url: str) -> None:
    name = make_url(url).database
    await _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
