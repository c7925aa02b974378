"""One chat at a time: updates of a chat are handled one after another, in arrival order.

Built on aiogram's `BaseEventIsolation`, so the lock can live elsewhere when several workers
share the chats: aiogram's `RedisEventIsolation` plugs in unchanged. In one process
`WeakChatIsolation` is the default: aiogram's own `SimpleEventIsolation` keeps one lock per key
for ever (its "unused locks cleaner" is a TODO), while here a chat's lock lives only as long as
someone holds or awaits it. asyncio locks are fair, so the order of arrival is kept.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey
from aiogram.types import Chat, TelegramObject

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class WeakChatIsolation(BaseEventIsolation):
    """In-process isolation whose locks vanish when nobody needs them."""

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[StorageKey, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        async with lock:
            yield

    async def close(self) -> None:
        self._locks.clear()


class ChatOrderMiddleware(BaseMiddleware):
    """Runs each update of a chat inside the isolation's lock for that chat."""

    def __init__(self, isolation: BaseEventIsolation | None = None) -> None:
        self.isolation = isolation or WeakChatIsolation()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat: Chat | None = data.get("event_chat")
        if chat is None:
            return await handler(event, data)
        bot: Bot = data["bot"]
        key = StorageKey(bot_id=bot.id, chat_id=chat.id, user_id=chat.id)
        async with self.isolation.lock(key):
            return await handler(event, data)
