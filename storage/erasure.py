"""Make erased personal data unreadable in the database files, not only invisible to queries.

Deleting a user (`/delete_my_data`, or the retention purge) removes their rows from every query
at once, but the bytes stay in the files until something overwrites them:

- SQLite: every connection runs with `PRAGMA secure_delete=ON` (storage.base.create_engine),
  so a deleted row is zeroed in its page. The write-ahead log still holds the page images
  written before the delete, until a checkpoint copies the database back and the log is
  truncated: `PRAGMA wal_checkpoint(TRUNCATE)` does both.
- PostgreSQL: a DELETE only marks the tuples dead, and plain VACUUM does not zero them either.
  Measured on PostgreSQL 15 (DELETE, VACUUM, CHECKPOINT, then the relation's files read back):
  a deleted row in the middle of a page was gone, because pruning compacts the live tuples
  over it; but the newest row of a page (the lowest address, where a user's latest row usually
  sits) stayed byte for byte in the page's free space, and so did its index entry. A table left
  with no live row at all lost the heap page (VACUUM truncates empty trailing pages) but kept
  the index entry. VACUUM FULL rewrites the table, its TOAST table and its indexes into new
  files and drops the old ones: in every case measured the bytes were gone.

So erasure ends with `VACUUM FULL` of every table that holds rows about users (the tables
hanging off `users.chat_id` by foreign keys, transitively, `users` itself, and the reply outbox,
whose message texts have no foreign key). VACUUM FULL holds an ACCESS EXCLUSIVE lock on each
table while it copies it: turns touching that table wait. Measured here (fsync off): 67 ms for
10,000 conversations (20 MB), 1.2 s for 100,000 (198 MB). Hence the batching of
`ErasureVacuum`: at most one run every `min_interval` seconds (10 minutes by default), and
only after an erasure; a lock not obtained within `LOCK_TIMEOUT` gives up (so the bot's turns
never queue behind a long wait) and the run is tried again at the next check.

VACUUM FULL still copies a deleted row that some snapshot may see, and the horizon is wider than
one might think: a transaction with a transaction id open in *another database* of the server
keeps it too (every snapshot's xmin counts the running ids of the whole cluster); measured: an
idle-in-transaction session in `postgres` made VACUUM FULL keep the erased rows of our
database. So a run first takes a fence (a fresh transaction id, after the erasures were
committed) and rewrites only once no transaction id up to the fence is running anywhere, no
snapshot of this database and no replication slot is older than it; otherwise it waits a few
seconds, then gives up until the next check.

VACUUM FULL needs free disk space for a copy of the table it rewrites (the largest one:
`conversations`).

Out of reach here: PostgreSQL's WAL segments (recycled after checkpoints, kept longer by
archiving or replication slots), replicas, backups, and blocks the filesystem freed but did not
overwrite; they follow their own retention (full-disk encryption covers the last). Also the
planner's statistics: ANALYZE (autovacuum runs it after enough changes) keeps sample values of
every column in `pg_statistic`; measured: the `histogram_bounds` of a phone column list phone
numbers. A statistics target of 0 on the personal columns (a migration:
`ALTER TABLE ... ALTER COLUMN ... SET STATISTICS 0`) would keep them out; not done here.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from sqlalchemy import MetaData, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

import storage.models  # noqa: F401  (registers every table on Base.metadata)
from storage.base import Base

log = logging.getLogger(__name__)

PERSONAL_TABLES_WITHOUT_USER_KEY = ("reply_outbox", "whatsapp_outbox")
"""Tables with personal data that do not hang off `users` (message texts of the outboxes)."""

LOCK_TIMEOUT = "2s"
"""How long VACUUM FULL may wait for its lock on one table before the run gives up."""

LOCK_NOT_AVAILABLE = "55P03"

HORIZON_WAIT = 5.0
"""How long a run waits for transactions older than the erasure to end before giving up."""
HORIZON_POLL = 0.1


def tables_about_users(metadata: MetaData = Base.metadata) -> list[str]:
    """`users`, every table whose rows hang off it through foreign keys, and the outbox."""
    found = {"users"}
    grew = True
    while grew:
        grew = False
        for table in metadata.sorted_tables:
            if table.name not in found and any(
                fk.column.table.name in found for fk in table.foreign_keys
            ):
                found.add(table.name)
                grew = True
    found.update(name for name in PERSONAL_TABLES_WITHOUT_USER_KEY if name in metadata.tables)
    return sorted(found)


async def vacuum_erased(engine: AsyncEngine, *, horizon_wait: float = HORIZON_WAIT) -> bool:
    """Overwrite deleted rows about users in the database files; False: try again later.

    Call it after the erasures were committed. On PostgreSQL it waits up to `horizon_wait`
    seconds for older transactions to end (see the module's docstring) before giving up.
    """
    async with engine.connect() as connection:
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        if connection.dialect.name == "sqlite":
            return await _checkpoint_sqlite(connection)
        if connection.dialect.name == "postgresql":
            return await _vacuum_postgres(connection, horizon_wait)
        raise NotImplementedError(f"no erasure vacuum for {connection.dialect.name}")


async def _checkpoint_sqlite(connection: AsyncConnection) -> bool:
    row = (await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")).one()
    if row[0]:
        log.info("erasure vacuum: the SQLite log is in use; trying again later")
        return False
    return True


HORIZON_HELD_BACK = text(
    "WITH fence AS (SELECT CAST(CAST(:fence AS text) AS xid8) AS xid8,"
    " CAST(CAST(:fence32 AS text) AS xid) AS xid)"
    " SELECT pg_snapshot_xmin(pg_current_snapshot()) <= fence.xid8"
    " OR EXISTS (SELECT FROM pg_stat_activity"
    "  WHERE datname = current_database() AND pid <> pg_backend_pid()"
    "  AND backend_xmin IS NOT NULL AND age(backend_xmin) > age(fence.xid))"
    " OR EXISTS (SELECT FROM pg_replication_slots"
    "  WHERE (xmin IS NOT NULL AND age(xmin) > age(fence.xid))"
    "  OR (catalog_xmin IS NOT NULL AND age(catalog_xmin) > age(fence.xid)))"
    " FROM fence"
)
"""True while a transaction id up to the fence still runs (any database), or a snapshot of
this database or a replication slot is older than the fence."""


async def _vacuum_postgres(connection: AsyncConnection, horizon_wait: float) -> bool:
    fence = int(str(await connection.scalar(text("SELECT CAST(pg_current_xact_id() AS text)"))))
    params = {"fence": str(fence), "fence32": str(fence % 2**32)}
    deadline = time.monotonic() + horizon_wait
    while await connection.scalar(HORIZON_HELD_BACK, params):
        if time.monotonic() >= deadline:
            log.info("erasure vacuum: transactions older than the erasure; trying again later")
            return False
        await asyncio.sleep(HORIZON_POLL)
    present = [
        name
        for name in tables_about_users()
        if await connection.scalar(text("SELECT to_regclass(:name)"), {"name": name})
    ]
    quote = connection.dialect.identifier_preparer.quote
    started = time.perf_counter()
    await connection.exec_driver_sql(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
    try:
        for name in present:
            try:
                await connection.exec_driver_sql(f"VACUUM FULL {quote(name)}")
            except DBAPIError as error:
                if getattr(error.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                    raise
                log.info("erasure vacuum: %s is busy; trying again later", name)
                return False
    finally:
        await connection.exec_driver_sql("RESET lock_timeout")
    log.info(
        "erasure vacuum: rewrote %d tables in %.2f s", len(present), time.perf_counter() - started
    )
    return True


class ErasureVacuum:
    """Runs `vacuum_erased` in batches: after an erasure, at most once every `min_interval` s.

    Whoever erases calls `note_erasure()` after the commit; a periodic loop calls
    `run_if_due(engine)` (bot.retention does, every minute).
    """

    def __init__(
        self, *, min_interval: float = 600.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.min_interval = min_interval
        self._clock = clock
        self._noted = 0  # erasures noted so far
        self._covered = 0  # of those, how many a completed run came after
        self._last_run: float | None = None

    def note_erasure(self) -> None:
        """Rows about a user were deleted (and committed): their bytes need overwriting."""
        self._noted += 1

    @property
    def pending(self) -> bool:
        return self._noted > self._covered

    def is_due(self) -> bool:
        if not self.pending:
            return False
        return self._last_run is None or self._clock() - self._last_run >= self.min_interval

    async def run_if_due(self, engine: AsyncEngine) -> bool:
        """Vacuum if due; True when a run completed. Errors propagate and it stays pending."""
        if not self.is_due():
            return False
        noted = self._noted  # erasures noted while it runs wait for the next run
        if not await vacuum_erased(engine):
            return False
        self._last_run = self._clock()
        self._covered = noted
        return True
