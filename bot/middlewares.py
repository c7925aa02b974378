"""Update-level middlewares: a database session, user, locale, write phase.

Order (outermost first): `ChatOrderMiddleware` (one chat at a time, bot.isolation) →
`DatabaseMiddleware` → `UserMiddleware` → `LocaleMiddleware` → `DedupMiddleware` → routers.
Reads (the user and their conversation, in one query) happen before the write phase; the write
phase starts in `DedupMiddleware` by claiming the update id and ends with the commit, which
stores the turn's replies too: nothing is sent from inside a turn (bot.delivery sends the
committed replies). Handlers receive: `db` (AsyncSession), `uow` (UnitOfWork), `user` (the
users row, or None outside private chats or before the first contact), `conversation` (the
stored dialog session, or None), `lang` ("kk" or "ru") and `replies` (a TurnReplies: what to
say, in order).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Final

from aiogram import BaseMiddleware, Bot
from aiogram.types import Chat, TelegramObject, Update
from aiogram.types import User as TelegramUser
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import metrics, store
from bot.delivery import ReplyDelivery, TurnReplies
from bot.language import language_from_code
from bot.privacy import chat_ref
from storage.base import is_locked, utc_now

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
MAX_CONFLICT_RETRIES: Final = 5
LOCKED_WAIT_SECONDS: Final = 30.0
"""How long a turn keeps retrying while SQLite is locked elsewhere (SQLite's usual busy timeout)."""


class ConversationConflict(Exception):
    """Someone else saved this chat's conversation since we loaded it: start the turn again."""


class UnitOfWork:
    """The update's write phase: from the update-id claim to the commit of the answer together
    with its replies.

    A crash after the commit loses nothing (the replies are delivered from the outbox); a crash
    before it lets the redelivery through. On SQLite, which allows one writer at a time, write
    phases of this process take turns through `gate` (an asyncio lock) instead of meeting in
    SQLite's busy handler, which sleeps up to 100 ms per retry; reads happen before, outside
    the gate.
    """

    def __init__(
        self, db: AsyncSession, delivery: ReplyDelivery, gate: asyncio.Lock | None
    ) -> None:
        self.db = db
        self.delivery = delivery
        self.gate = gate
        self.replies: TurnReplies | None = None
        self.on_commit: list[Callable[[], None]] = []
        """Run once the turn has committed (e.g. schedule the vacuum after an erasure)."""
        self.holding = False
        self.done = False

    async def begin_write(self) -> None:
        if self.gate is not None and not self.holding:
            await self.gate.acquire()
            self.holding = True

    async def commit(self) -> None:
        """Store the replies and commit, then hand the replies to delivery. Idempotent."""
        if self.done:
            return
        try:
            stored = []
            if self.replies is not None and self.replies.calls:
                await self.begin_write()
                stored = await self.delivery.store(self.db, self.replies)
            await self.db.commit()
        finally:
            self._release()
        self.done = True
        self.delivery.submit(stored)
        for callback in self.on_commit:
            callback()

    async def rollback(self) -> None:
        try:
            await self.db.rollback()
        finally:
            self._release()

    def _release(self) -> None:
        if self.gate is not None and self.holding:
            self.holding = False
            self.gate.release()


def write_gate(sessionmaker: async_sessionmaker[AsyncSession]) -> asyncio.Lock | None:
    """On SQLite (one writer at a time), the lock this process's writers take turns on."""
    bind = sessionmaker.kw.get("bind")
    return asyncio.Lock() if bind is not None and bind.dialect.name == "sqlite" else None


class DatabaseMiddleware(BaseMiddleware):
    """One session per update; the turn starts again from scratch on a version conflict."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        delivery: ReplyDelivery,
        gate: asyncio.Lock | None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.delivery = delivery
        self.gate = gate

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        conflicts = locked = 0
        while True:
            async with self.sessionmaker() as db:
                uow = UnitOfWork(db, self.delivery, self.gate)
                data["db"], data["uow"] = db, uow
                try:
                    result = await handler(event, data)
                    await uow.commit()
                    return result
                except ConversationConflict:
                    await uow.rollback()
                    conflicts += 1
                    metrics.DATABASE_RETRIES.labels(reason="conflict").inc()
                    log.info("conversation changed meanwhile, retry %d", conflicts)
                    if conflicts >= MAX_CONFLICT_RETRIES:
                        raise
                except DBAPIError as error:
                    await uow.rollback()
                    locked += 1
                    retry = is_locked(error) or error.connection_invalidated
                    if not retry or uow.done or locked * 0.02 > LOCKED_WAIT_SECONDS:
                        raise
                    reason = "locked" if is_locked(error) else "connection"
                    metrics.DATABASE_RETRIES.labels(reason=reason).inc()
                except BaseException:
                    await uow.rollback()
                    raise
            # SQLite is locked by another process (or a transaction held across an
            # await): yield, then run the turn again from the start.
            await asyncio.sleep(min(0.001 * locked, 0.02))


class UserMiddleware(BaseMiddleware):
    """Reads the users row and the conversation of a private chat (one query, no lock), and
    opens the turn's replies."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat: Chat | None = data.get("event_chat")
        bot: Bot = data["bot"]
        data["user"] = None
        if chat is not None and chat.type == "private" and _pressed_by_someone_else(event, chat):
            log.warning("%s: a button press from another user ignored", chat_ref(chat.id))
            return None
        if chat is not None and chat.type == "private":
            data["user"], data["conversation"] = await store.load_chat(data["db"], chat.id)
        if chat is not None:
            uow: UnitOfWork = data["uow"]
            message = event.message if isinstance(event, Update) else None
            answering = message.message_id if message is not None else None
            uow.replies = TurnReplies(bot, chat.id, after_message_id=answering)
            data["replies"] = uow.replies
        return await handler(event, data)


def _pressed_by_someone_else(event: TelegramObject, chat: Chat) -> bool:
    """In a private chat only its user can press its buttons: a press that says otherwise is
    forged (Telegram never sends one), and must not act on that chat."""
    query = event.callback_query if isinstance(event, Update) else None
    return query is not None and query.from_user.id != chat.id


class LocaleMiddleware(BaseMiddleware):
    """The user's language: the one they chose, else a guess from Telegram's language_code."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: store.UserRow | None = data.get("user")
        sender: TelegramUser | None = data.get("event_from_user")
        chosen = user.language if user is not None else None
        data["lang"] = language_from_code(chosen or (sender.language_code if sender else None))
        return await handler(event, data)


class DedupMiddleware(BaseMiddleware):
    """Starts the write phase: claims the update id (a redelivered update is dropped here) and
    keeps the users row current. Both commit together with the turn."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        db: AsyncSession = data["db"]
        uow: UnitOfWork = data["uow"]
        chat: Chat | None = data.get("event_chat")
        await uow.begin_write()
        now = utc_now()
        if not await store.claim_update(db, event.update_id, now):
            await uow.rollback()
            log.info("duplicate update dropped (%s)", chat_ref(chat.id) if chat else "no chat")
            return None
        if chat is not None and chat.type == "private" and (event.message or event.callback_query):
            user = await store.ensure_user(db, chat.id, data.get("user"), now)
            data["user"] = user
        return await handler(event, data)
