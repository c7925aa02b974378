"""/delete_my_data: confirm with buttons, erase the user row (everything cascades), say what."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.types import CallbackQuery, Message

from bot import callbacks, keyboards, store, texts
from bot.privacy import chat_ref
from bot.retention import erasure_vacuum
from bot.turn import Turn, answered_count, load_session, repeat_question

log = logging.getLogger(__name__)

APPOINTMENT_TABLES = ("appointments",)


async def on_delete_command(message: Message, **data: Any) -> None:
    turn = Turn.from_data(data, message.chat.id)
    markup = keyboards.confirm_keyboard(
        texts.delete_yes().render(turn.lang),
        texts.delete_no().render(turn.lang),
        callbacks.DELETE_YES,
        callbacks.DELETE_NO,
    )
    text = texts.delete_confirm().render(turn.lang)
    turn.replies.add(SendMessage(chat_id=turn.chat_id, text=text, reply_markup=markup))


async def on_delete_yes(query: CallbackQuery, **data: Any) -> None:
    assert query.message is not None
    turn = Turn.from_data(data, query.message.chat.id, callback=query)
    session, stored_version = await load_session(turn.db, turn.chat_id)
    answers = answered_count(session) if stored_version is not None else 0
    counts = await store.count_rows_about(turn.db, turn.chat_id)
    await store.delete_user(turn.db, turn.chat_id)
    turn.uow.on_commit.append(erasure_vacuum.note_erasure)  # overwrite the erased bytes soon
    log.info("%s: erased on request", chat_ref(turn.chat_id))
    report = texts.deleted(
        answers=answers,
        results=counts.get("screenings", 0),
        appointments=sum(counts.get(name, 0) for name in APPOINTMENT_TABLES),
    ).render(turn.lang)
    turn.replies.add(AnswerCallbackQuery(callback_query_id=query.id))
    turn.replies.add(
        EditMessageText(chat_id=turn.chat_id, message_id=query.message.message_id, text=report),
        or_send=True,
    )


async def on_delete_no(query: CallbackQuery, **data: Any) -> None:
    assert query.message is not None
    turn = Turn.from_data(data, query.message.chat.id, callback=query)
    turn.replies.add(
        EditMessageText(
            chat_id=turn.chat_id,
            message_id=query.message.message_id,
            text=texts.delete_cancelled().render(turn.lang),
        )
    )
    await repeat_question(turn, None)


def create_router() -> Router:
    router = Router(name="privacy")
    router.message.filter(F.chat.type == "private")
    router.callback_query.filter(F.message.chat.type == "private")
    router.message.register(on_delete_command, Command("delete_my_data", ignore_case=True))
    router.callback_query.register(on_delete_yes, F.data == callbacks.DELETE_YES)
    router.callback_query.register(on_delete_no, F.data == callbacks.DELETE_NO)
    return router
