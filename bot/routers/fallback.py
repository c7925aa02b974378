"""What the dialog cannot read: edits, stickers, photos, voice, files. A hint and the question."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot import texts
from bot.turn import Turn, repeat_question


async def on_edited(message: Message, **data: Any) -> None:
    await repeat_question(Turn.from_data(data, message.chat.id), texts.edited_message())


async def on_unsupported(message: Message, **data: Any) -> None:
    await repeat_question(Turn.from_data(data, message.chat.id), texts.unsupported_content())


async def on_unknown_press(query: CallbackQuery, **data: Any) -> None:
    assert query.message is not None
    turn = Turn.from_data(data, query.message.chat.id, callback=query)
    await repeat_question(turn, texts.outdated_button(), toast=texts.outdated_button())


def create_router() -> Router:
    router = Router(name="fallback")
    router.edited_message.register(on_edited, F.chat.type == "private")
    router.message.register(on_unsupported, F.chat.type == "private")
    router.callback_query.register(on_unknown_press, F.message.chat.type == "private")
    return router
