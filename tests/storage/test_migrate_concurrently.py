"""Several workers started at once on an empty database all come up (one migrates, the others
wait and find the schema at head). Before the migration lock the second one crashed on
`CREATE TABLE alembic_version`."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from sqlalchemy import text

from komek_testing.postgres import create_database, drop_database
from storage.base import create_engine

ROOT = Path(__file__).resolve().parents[2]


async def test_four_processes_migrate_an_empty_postgresql_database_at_once(
    postgres_admin_url: str,
) -> None:
    url = await create_database(postgres_admin_url, prefix="komek_race")
    try:
        runs = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "storage.migrate",
                url,
                cwd=ROOT,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            for _ in range(4)
        ]
        outcomes = [await asyncio.wait_for(run.communicate(), 120) for run in runs]
        failed = [
            err.decode()[-500:]
            for run, (_, err) in zip(runs, outcomes, strict=True)
            if run.returncode
        ]
        assert not failed, failed
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                versions = (await connection.execute(text("SELECT * FROM alembic_version"))).all()
        finally:
            await engine.dispose()
        assert len(versions) == 1
    finally:
        await drop_database(postgres_admin_url, url)
