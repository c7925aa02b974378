"""The bot's queries, correct on SQLite and PostgreSQL alike.

Every write that could race is a single statement guarded by a constraint: the update claim is an
insert that does nothing on conflict, the conversation save is a compare-and-set on its version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, Final, cast

from sqlalchemy import Table, bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage.base import Base, dialect_insert
from storage.conversation import Conversation, ProcessedUpdate, Screening, User
from storage.replies import OutgoingReply

USERS: Final = cast(Table, User.__table__)
CONVERSATIONS: Final = cast(Table, Conversation.__table__)
PROCESSED_UPDATES: Final = cast(Table, ProcessedUpdate.__table__)

# The statements of every turn are built once, with bound parameters: SQLAlchemy then reuses
# their cache key and compiled form instead of rebuilding them per update.
_SAVE_CONVERSATION: Final = (
    update(CONVERSATIONS)
    .where(
        CONVERSATIONS.c.chat_id == bindparam("p_chat"),
        CONVERSATIONS.c.version == bindparam("p_expected"),
    )
    .values(
        version=bindparam("p_version"),
        data=bindparam("p_data"),
        finished_at=bindparam("p_finished_at"),
        updated_at=bindparam("p_now"),
    )
)


@cache
def _claim_statement(dialect: str) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(PROCESSED_UPDATES)
        .values(update_id=bindparam("p_update"), processed_at=bindparam("p_now"))
        .on_conflict_do_nothing(index_elements=["update_id"])
    )


_CONNECTION: Final = "komek.connection"


async def _connection(db: AsyncSession) -> AsyncConnection:
    """The transaction's connection, asked of the session once per transaction.

    Every `db.connection()` is a greenlet switch; a turn runs several Core statements in one
    transaction, so the connection is kept in `db.info` next to the transaction it belongs to.
    """
    transaction = db.sync_session.get_transaction()
    cached = db.info.get(_CONNECTION)
    if transaction is not None and transaction.is_active and cached is not None:
        owner, connection = cached
        if owner is transaction:
            return cast(AsyncConnection, connection)
    connection = await db.connection()
    db.info[_CONNECTION] = (db.sync_session.get_transaction(), connection)
    return connection


async def claim_update(db: AsyncSession, update_id: int, now: datetime) -> bool:
    """Record the update as handled in the current transaction; False if it already was.

    On PostgreSQL a concurrent claim of the same id waits for the first transaction: if that
    commits this one sees the conflict, if it rolls back (a crash) this one proceeds.
    """
    connection = await _connection(db)
    statement = _claim_statement(connection.dialect.name)
    result = await connection.execute(statement, {"p_update": update_id, "p_now": now})
    return bool(getattr(result, "rowcount", 0) == 1)


@dataclass(frozen=True, slots=True)
class UserRow:
    """What a turn needs of the users row (plain data: read with Core, no ORM identity map)."""

    chat_id: int
    language: str | None
    consent_at: datetime | None
    blocked_at: datetime | None
    created_at: datetime
    last_seen_at: datetime


_USER_COLUMNS = (
    USERS.c.chat_id,
    USERS.c.language,
    USERS.c.consent_at,
    USERS.c.blocked_at,
    USERS.c.created_at,
    USERS.c.last_seen_at,
)


def _user_row(row: Any) -> UserRow:
    return UserRow(
        chat_id=row.chat_id,
        language=row.language,
        consent_at=row.consent_at,
        blocked_at=row.blocked_at,
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
    )


async def touch_user(db: AsyncSession, chat_id: int, now: datetime) -> UserRow:
    """The user row, created on first contact; a user who writes to us has not blocked us."""
    statement = (
        dialect_insert(db, USERS)
        .values(chat_id=chat_id, created_at=now, last_seen_at=now)
        .on_conflict_do_update(
            index_elements=["chat_id"], set_={"last_seen_at": now, "blocked_at": None}
        )
        .returning(*_USER_COLUMNS)
    )
    return _user_row((await db.execute(statement)).one())


TOUCH_INTERVAL: Final = timedelta(hours=1)


async def ensure_user(
    db: AsyncSession, chat_id: int, known: UserRow | None, now: datetime
) -> UserRow:
    """The user row exists, is not marked blocked (they are writing to us) and was seen lately.

    Writes only when something changes: `last_seen_at` is kept to the hour, which is all the
    retention period needs, so an ordinary turn costs no write here.
    """
    if known is None or known.blocked_at is not None or now - known.last_seen_at > TOUCH_INTERVAL:
        return await touch_user(db, chat_id, now)
    return known


@dataclass(frozen=True, slots=True)
class StoredConversation:
    data: str
    version: int


_LOAD_CHAT: Final = (
    select(*_USER_COLUMNS, CONVERSATIONS.c.data, CONVERSATIONS.c.version)
    .select_from(USERS.outerjoin(CONVERSATIONS, CONVERSATIONS.c.chat_id == USERS.c.chat_id))
    .where(USERS.c.chat_id == bindparam("p_chat"))
)


async def load_chat(
    db: AsyncSession, chat_id: int
) -> tuple[UserRow | None, StoredConversation | None]:
    """The users row and the stored conversation of a chat, in one query."""
    connection = await _connection(db)  # Core, not the ORM: this runs on every update
    row = (await connection.execute(_LOAD_CHAT, {"p_chat": chat_id})).one_or_none()
    if row is None:
        return None, None
    stored = None if row.data is None else StoredConversation(data=row.data, version=row.version)
    return _user_row(row), stored


async def load_conversation(db: AsyncSession, chat_id: int) -> StoredConversation | None:
    row = (
        await db.execute(
            select(CONVERSATIONS.c.data, CONVERSATIONS.c.version).where(
                CONVERSATIONS.c.chat_id == chat_id
            )
        )
    ).one_or_none()
    return None if row is None else StoredConversation(data=row.data, version=row.version)


async def save_conversation(
    db: AsyncSession,
    chat_id: int,
    *,
    expected_version: int | None,
    data: str,
    finished: bool,
    now: datetime,
) -> int | None:
    """Compare-and-set: write only if nobody saved since we loaded; the new version, or None."""
    finished_at = now if finished else None
    if expected_version is None:
        statement: Any = (
            dialect_insert(db, CONVERSATIONS)
            .values(chat_id=chat_id, version=1, data=data, finished_at=finished_at, updated_at=now)
            .on_conflict_do_nothing(index_elements=["chat_id"])
        )
        result = await db.execute(statement)
        return 1 if getattr(result, "rowcount", 0) == 1 else None
    parameters = {
        "p_chat": chat_id,
        "p_expected": expected_version,
        "p_version": expected_version + 1,
        "p_data": data,
        "p_finished_at": finished_at,
        "p_now": now,
    }
    result = await (await _connection(db)).execute(_SAVE_CONVERSATION, parameters)
    return expected_version + 1 if getattr(result, "rowcount", 0) == 1 else None


async def set_language(db: AsyncSession, chat_id: int, language: str) -> None:
    await db.execute(
        update(User)
        .where(User.chat_id == chat_id)
        .values(language=language)
        .execution_options(synchronize_session=False)
    )


async def record_consent(db: AsyncSession, chat_id: int, version: str, now: datetime) -> None:
    await db.execute(
        update(User)
        .where(User.chat_id == chat_id)
        .values(consent_at=now, consent_version=version)
        .execution_options(synchronize_session=False)
    )


async def save_screening(
    db: AsyncSession,
    chat_id: int,
    *,
    result: dict[str, Any],
    household: dict[str, Any],
    now: datetime,
) -> None:
    db.add(Screening(chat_id=chat_id, result=result, household=household, created_at=now))
    await db.flush()


def blocked(chat_id: int, now: datetime) -> Any:
    """The statement that records that a user blocked the bot (see `mark_blocked`)."""
    return (
        update(User)
        .where(User.chat_id == chat_id)
        .values(blocked_at=now)
        .execution_options(synchronize_session=False)
    )


async def mark_blocked(db: AsyncSession, chat_id: int, now: datetime) -> None:
    """The user blocked the bot (a 403 or a `kicked` member update): stop messaging them."""
    await db.execute(blocked(chat_id, now))


async def mark_unblocked(db: AsyncSession, chat_id: int) -> None:
    await db.execute(
        update(User)
        .where(User.chat_id == chat_id)
        .values(blocked_at=None)
        .execution_options(synchronize_session=False)
    )


async def is_blocked(db: AsyncSession, chat_id: int) -> bool:
    blocked_at = await db.scalar(select(User.blocked_at).where(User.chat_id == chat_id))
    return blocked_at is not None


def tables_about_users() -> dict[str, Any]:
    """Every table whose rows hang off `users.chat_id` (ours and booking's), by table name."""
    users = Base.metadata.tables["users"]
    found: dict[str, Any] = {}
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table is users:
                found[table.name] = fk.parent
    return found


async def count_rows_about(db: AsyncSession, chat_id: int) -> dict[str, int]:
    """Rows per table that deleting this user will erase (for telling them what was erased)."""
    counts: dict[str, int] = {}
    for name, column in tables_about_users().items():
        counts[name] = int(
            await db.scalar(select(func.count()).select_from(column.table).where(column == chat_id))
            or 0
        )
    return counts


async def delete_user(db: AsyncSession, chat_id: int) -> bool:
    """Erase the user row; every row about them goes with it (ON DELETE CASCADE)."""
    result = await db.execute(
        delete(User).where(User.chat_id == chat_id).execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


@dataclass(frozen=True, slots=True)
class PurgeReport:
    conversations: int
    users: int
    processed_updates: int
    replies: int = 0


async def purge_stale(db: AsyncSession, now: datetime, retention_days: int) -> PurgeReport:
    """Erase answers of users who never finished, once they are `retention_days` old.

    A conversation not touched for that long and never finished is deleted. A user who then has
    no consent on record and no row left anywhere (conversation, result, appointment…) is
    deleted too. Update ids older than a day are pruned: Telegram stops
    redelivering long before that. Delivered replies (their text already blanked) go after a
    day as well, and so do replies that could not be delivered within two.
    """
    cutoff = now - timedelta(days=retention_days)
    conversations = await db.execute(
        delete(Conversation)
        .where(Conversation.updated_at < cutoff, Conversation.finished_at.is_(None))
        .execution_options(synchronize_session=False)
    )
    # Nothing else of theirs may be left: not a conversation, a result, nor any row of another
    # room (an appointment), which the cascade would otherwise take along.
    nothing_left = [
        ~select(column).where(column == User.chat_id).exists()
        for column in tables_about_users().values()
    ]
    users = await db.execute(
        delete(User)
        .where(User.last_seen_at < cutoff, User.consent_at.is_(None), *nothing_left)
        .execution_options(synchronize_session=False)
    )
    updates = await db.execute(
        delete(ProcessedUpdate)
        .where(ProcessedUpdate.processed_at < now - timedelta(days=1))
        .execution_options(synchronize_session=False)
    )
    replies = await db.execute(
        delete(OutgoingReply)
        .where(
            (OutgoingReply.sent_at < now - timedelta(days=1))
            | (OutgoingReply.created_at < now - timedelta(days=2))
        )
        .execution_options(synchronize_session=False)
    )
    return PurgeReport(
        conversations=int(getattr(conversations, "rowcount", 0)),
        users=int(getattr(users, "rowcount", 0)),
        processed_updates=int(getattr(updates, "rowcount", 0)),
        replies=int(getattr(replies, "rowcount", 0)),
    )
