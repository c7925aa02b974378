"""The bot works in private chats only: a group gets one polite sentence, nothing else."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import CallbackQuery, Message

from bot import texts
from bot.delivery import TurnReplies
from common.i18n import Language


async def on_group_message(message: Message, lang: Language, replies: TurnReplies) -> None:
    replies.add(
        SendMessage(
            chat_id=message.chat.id,
            text=texts.private_only().render(lang),
            reply_to_message_id=message.message_id,
        )
    )


async def on_group_press(query: CallbackQuery, lang: Language, replies: TurnReplies) -> None:
    text = texts.private_only().render(lang)[:200]
    replies.add(AnswerCallbackQuery(callback_query_id=query.id, text=text))


def create_router() -> Router:
    router = Router(name="groups")
    router.message.register(on_group_message, F.chat.type != "private")
    router.callback_query.register(on_group_press, F.message.chat.type != "private")
    return router
