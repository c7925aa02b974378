"""The last resort: a handler failed (the database is down, a bug). Log without personal data,
apologise to the user in their language; their answer was not saved, so they send it again.

The turn rolled back, its replies with it: the apology cannot be stored, so it goes through
delivery's memory-only path (same order, same retries), and the process goes on serving.
"""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.dispatcher.middlewares.user_context import UserContextMiddleware
from aiogram.methods import SendMessage
from aiogram.types import ErrorEvent

from bot import texts
from bot.delivery import ReplyDelivery
from bot.language import language_from_code
from bot.polling import log_failure

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent, bot: Bot, delivery: ReplyDelivery) -> bool:
    log_failure(event.exception)
    context = UserContextMiddleware.resolve_event_context(event.update)
    chat, user = context.chat, context.user
    if chat is not None and chat.type == "private":
        lang = language_from_code(user.language_code if user else None)
        text = texts.something_went_wrong().render(lang)
        delivery.say_now(bot, chat.id, SendMessage(chat_id=chat.id, text=text))
    return True
