"""The last resort: a handler failed (the database is down, a bug). Log without personal data,
apologise to the user in their language; their answer was not saved, so they send it again."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.dispatcher.middlewares.user_context import UserContextMiddleware
from aiogram.types import ErrorEvent

from bot import texts
from bot.language import language_from_code
from bot.polling import log_failure
from bot.sending import ChatSender

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent, bot: Bot) -> bool:
    log_failure(event.exception)
    context = UserContextMiddleware.resolve_event_context(event.update)
    chat, user = context.chat, context.user
    if chat is not None and chat.type == "private":
        lang = language_from_code(user.language_code if user else None)
        await ChatSender(bot, chat.id).send_text(texts.something_went_wrong().render(lang))
    return True
