"""Across workers, a turn's replies wait for older unsent replies of the chat at another worker
(bot/delivery.py), but not for calls that show nothing in the chat (a button's answer, "typing…"):
waiting for those cost ~1 ms of CPU per update with two workers and kept nothing in order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiogram import Bot
from aiogram.methods import SendMessage
from sqlalchemy import insert

from bot.delivery import ReplyDelivery, TurnReplies
from storage.base import create_engine, session_maker, utc_now
from storage.replies import OutgoingReply

CHAT = 4242
TOKEN = "42:TEST"


@pytest.mark.parametrize(
    ("older_method", "waits"),
    [
        ("sendMessage", True),
        ("editMessageText", True),
        ("answerCallbackQuery", False),
        ("sendChatAction", False),
    ],
)
async def test_a_reply_waits_only_for_older_calls_that_order_something(
    sqlite_url: str, older_method: str, waits: bool
) -> None:
    engine = create_engine(sqlite_url)
    bot = Bot(token=TOKEN)
    try:
        now = utc_now()
        async with session_maker(engine)() as db, db.begin():
            await db.execute(
                insert(OutgoingReply).values(
                    chat_id=CHAT,
                    method=older_method,
                    body="{}",
                    or_send=False,
                    created_at=now,
                    claimed_by="the-other-worker",
                    claimed_until=now + timedelta(seconds=60),
                    attempts=0,
                )
            )
        delivery = ReplyDelivery(bot, engine, worker_id="this-worker", across_workers=True)
        replies = TurnReplies(bot, CHAT)
        replies.add(SendMessage(chat_id=CHAT, text="the next question"))
        async with session_maker(engine)() as db, db.begin():
            (pending,) = await delivery.store(db, replies)
        assert pending.after_others is waits
    finally:
        await bot.session.close()
        await engine.dispose()
