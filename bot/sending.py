"""Every message to Telegram goes through here: 429 honoured, 403 remembered, 5xx retried.

Reusable outside the conversation (booking's reminder sender):

    delivered = await send_safely(bot, sessionmaker, chat_id, text, reply_markup=keyboard)

`send_safely` skips users marked blocked, sends with retries, and marks the user blocked on a
403 so nobody messages them again until they write to the bot. For several calls to one chat
(a conversation turn), `ChatSender` does the same and stops after the first 403.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Final, TypeVar

from aiogram import Bot, methods
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import SendMessage
from aiogram.methods.base import Response, TelegramMethod
from aiogram.types import Message, ReplyMarkupUnion
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import store
from bot.privacy import chat_ref
from bot.telegram_session import call_ignoring_answer
from storage.base import utc_now

T = TypeVar("T")
R = TypeVar("R")

# aiogram parses every answer as `Response[<method's result type>]`; pydantic keeps those
# generic classes only weakly, so after a garbage collection each is built again (milliseconds
# of schema generation per call). Holding them keeps the cache warm for the methods we use.
_RESPONSE_TYPES: Final = tuple(
    Response[method.__returning__]  # type: ignore[name-defined]
    for method in (
        methods.GetUpdates,
        methods.SendMessage,
        methods.EditMessageText,
        methods.EditMessageReplyMarkup,
        methods.AnswerCallbackQuery,
        methods.SendChatAction,
        methods.SetMyCommands,
        methods.SetWebhook,
        methods.GetMe,
        methods.SendVenue,
        methods.SendDocument,
        methods.SendLocation,
    )
)
OnBlocked = Callable[[int], Awaitable[None]]

log = logging.getLogger(__name__)

MAX_RETRY_AFTER_WAITS: Final = 5
SERVER_ERROR_DELAYS: Final = (0.5, 1.0, 2.0)
MAX_RETRY_AFTER_SECONDS: Final = 300.0


def blocked_marker(sessionmaker: async_sessionmaker[AsyncSession]) -> OnBlocked:
    """A callback that records, in its own transaction, that a chat blocked the bot."""

    async def mark(chat_id: int) -> None:
        async with sessionmaker() as db, db.begin():
            await store.mark_blocked(db, chat_id, utc_now())

    return mark


class ChatSender:
    """Calls for one chat, in order; after a 403 every further call is skipped."""

    def __init__(
        self,
        bot: Bot,
        chat_id: int,
        on_blocked: OnBlocked | None = None,
        *,
        before_call: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.on_blocked = on_blocked
        self.before_call = before_call
        """Run before every call: in a handler, the turn's commit (never talk while writing)."""
        self.blocked = False

    async def call(self, method: TelegramMethod[T]) -> T | None:
        """The method's result, or None when it could not be delivered (logged, never raised)."""
        return await self._with_retries(method, lambda: self.bot(method))

    async def perform(self, method: TelegramMethod[Any]) -> bool:
        """Deliver a call whose answer the caller does not need (cheaper: the answer is not
        parsed into objects); False when it could not be delivered."""
        done = await self._with_retries(
            method, lambda: _done(call_ignoring_answer(self.bot, method))
        )
        return done is not None

    async def _with_retries(
        self, method: TelegramMethod[Any], invoke: Callable[[], Awaitable[R]]
    ) -> R | None:
        if self.blocked:
            return None
        if self.before_call is not None:
            await self.before_call()
        retry_after_waits = 0
        server_errors = 0
        while True:
            try:
                return await invoke()
            except TelegramRetryAfter as error:
                retry_after_waits += 1
                if retry_after_waits > MAX_RETRY_AFTER_WAITS:
                    log.warning("%s: gave up after %d flood waits", chat_ref(self.chat_id), 5)
                    return None
                delay = min(float(error.retry_after), MAX_RETRY_AFTER_SECONDS)
                log.info("%s: flood control, waiting %.1f s", chat_ref(self.chat_id), delay)
                await asyncio.sleep(delay)
            except TelegramForbiddenError:
                log.info("%s: the bot is blocked, not messaging again", chat_ref(self.chat_id))
                self.blocked = True
                if self.on_blocked is not None:
                    await self.on_blocked(self.chat_id)
                return None
            except (TelegramServerError, TelegramNetworkError) as error:
                if server_errors >= len(SERVER_ERROR_DELAYS):
                    log.warning(
                        "%s: %s failed: %s",
                        chat_ref(self.chat_id),
                        type(method).__name__,
                        type(error).__name__,
                    )
                    return None
                await asyncio.sleep(SERVER_ERROR_DELAYS[server_errors])
                server_errors += 1
            except TelegramBadRequest as error:
                # E.g. "message is not modified" or a message too old to edit: not worth a retry.
                log.info(
                    "%s: %s rejected: %s",
                    chat_ref(self.chat_id),
                    type(method).__name__,
                    error.message,
                )
                return None

    async def send_text(
        self, text: str, reply_markup: ReplyMarkupUnion | None = None, **kwargs: Any
    ) -> Message | None:
        return await self.call(
            SendMessage(chat_id=self.chat_id, text=text, reply_markup=reply_markup, **kwargs)
        )


async def _done(call: Awaitable[object]) -> bool:
    await call
    return True


async def send_safely(
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    chat_id: int,
    text: str,
    *,
    reply_markup: ReplyMarkupUnion | None = None,
    **kwargs: Any,
) -> Message | None:
    """Send one message unless the user blocked the bot; None when it was not delivered."""
    async with sessionmaker() as db:
        if await store.is_blocked(db, chat_id):
            return None
    sender = ChatSender(bot, chat_id, blocked_marker(sessionmaker))
    return await sender.send_text(text, reply_markup=reply_markup, **kwargs)
