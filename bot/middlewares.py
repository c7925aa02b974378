"""Update-level middlewares: one chat at a time, a database session, user, locale, write phase.

Order (outermost first): `ChatOrderMiddleware` → `DatabaseMiddleware` → `UserMiddleware` →
`LocaleMiddleware` → `DedupMiddleware` → routers. Reads (the user and their conversation, in
one query) happen before the write phase; the write phase starts in `DedupMiddleware` by
claiming the update id and ends with the commit, before anything is sent. Handlers receive:
`db` (AsyncSession), `uow` (UnitOfWork: commit before sending), `user` (the users row, or None
outside private chats or before the first contact), `conversation` (the stored dialog session,
or None), `lang` ("kk" or "ru") and `chat_sender` (a ChatSender that commits before calling).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, Final

from aiogram import BaseMiddleware, Bot
from aiogram.types import Chat, TelegramObject, Update
from aiogram.types import User as TelegramUser
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import store
from bot.language import language_from_code
from bot.privacy import chat_ref
from bot.sending import ChatSender, blocked_marker
from bot.sqlite_inline import is_locked
from storage.base import utc_now

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
MAX_CONFLICT_RETRIES: Final = 5
LOCKED_WAIT_SECONDS: Final = 30.0
"""How long a turn keeps retrying while SQLite is locked elsewhere (SQLite's usual busy timeout)."""


class ConversationConflict(Exception):
    """Someone else saved this chat's conversation since we loaded it: start the turn again."""


class UnitOfWork:
    """The update's write phase: from the update-id claim to the commit, before any sending.

    A crash after the commit loses no answer; a crash before it lets the redelivery through.
    On SQLite, which allows one writer at a time, write phases of this process take turns
    through `gate` (an asyncio lock) instead of meeting in SQLite's busy handler, which sleeps
    up to 100 ms per retry; reads happen before, outside the gate.
    """

    def __init__(
        self, db: AsyncSession, committed: asyncio.Event | None, gate: asyncio.Lock | None
    ) -> None:
        self.db = db
        self.committed_event = committed
        self.gate = gate
        self.holding = False
        self.done = False

    async def begin_write(self) -> None:
        if self.gate is not None and not self.holding:
            await self.gate.acquire()
            self.holding = True

    async def commit(self) -> None:
        """Idempotent: the first call commits, later calls do nothing."""
        if self.done:
            return
        try:
            await self.db.commit()
        finally:
            self._release()
        self.done = True
        if self.committed_event is not None:
            self.committed_event.set()

    async def rollback(self) -> None:
        try:
            await self.db.rollback()
        finally:
            self._release()

    def _release(self) -> None:
        if self.gate is not None and self.holding:
            self.holding = False
            self.gate.release()


class ChatOrderMiddleware(BaseMiddleware):
    """Updates of one chat run one after another, in arrival order (asyncio locks are fair)."""

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat: Chat | None = data.get("event_chat")
        if chat is None:
            return await handler(event, data)
        lock = self._locks.get(chat.id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[chat.id] = lock
        async with lock:
            return await handler(event, data)


class DatabaseMiddleware(BaseMiddleware):
    """One session per update; the turn starts again from scratch on a version conflict."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.sessionmaker = sessionmaker
        bind = sessionmaker.kw.get("bind")
        single_writer = bind is not None and bind.dialect.name == "sqlite"
        self.gate = asyncio.Lock() if single_writer else None

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        committed: asyncio.Event | None = data.get("committed")
        conflicts = locked = 0
        try:
            while True:
                async with self.sessionmaker() as db:
                    uow = UnitOfWork(db, committed, self.gate)
                    data["db"], data["uow"] = db, uow
                    try:
                        result = await handler(event, data)
                        await uow.commit()
                        return result
                    except ConversationConflict:
                        await uow.rollback()
                        conflicts += 1
                        log.info("conversation changed meanwhile, retry %d", conflicts)
                        if conflicts >= MAX_CONFLICT_RETRIES:
                            raise
                    except DBAPIError as error:
                        await uow.rollback()
                        locked += 1
                        retry = is_locked(error) or error.connection_invalidated
                        if not retry or uow.done or locked * 0.02 > LOCKED_WAIT_SECONDS:
                            raise
                    except BaseException:
                        await uow.rollback()
                        raise
                # SQLite is locked by another process (or a transaction held across an
                # await): yield, then run the turn again from the start.
                await asyncio.sleep(min(0.001 * locked, 0.02))
        finally:
            if committed is not None:
                committed.set()


class UserMiddleware(BaseMiddleware):
    """Reads the users row and the conversation of a private chat (one query, no lock)."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.on_blocked = blocked_marker(sessionmaker)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat: Chat | None = data.get("event_chat")
        bot: Bot = data["bot"]
        data["user"] = None
        if chat is not None and chat.type == "private":
            data["user"], data["conversation"] = await store.load_chat(data["db"], chat.id)
        if chat is not None:
            uow: UnitOfWork = data["uow"]
            data["chat_sender"] = ChatSender(bot, chat.id, self.on_blocked, before_call=uow.commit)
        return await handler(event, data)


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
