"""The bot's HTTP session (bot/telegram_session.py) against the fake Bot API, over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendDocument, SendMessage
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from bot.speedups.json_session import JsonBodySession
from komek_testing.fake_telegram import FakeTelegram, fake_api
from komek_testing.fake_telegram.models import RecordedRequest

CHAT = 7001
TEXT = "Қай облыста тұрасыз? В какой области вы живёте? 150 000 ₸"


def keyboard(count: int) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(text=f"Облыс {i}", callback_data=f"region:{i}:3")]
        for i in range(count)
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    bot = Bot(fake.token, session=JsonBodySession(api=fake_api(fake.base_url)))
    fake.user(CHAT, language_code="kk")
    try:
        yield bot
    finally:
        await bot.session.close()


def last_call(fake: FakeTelegram, method: str) -> RecordedRequest:
    return [r for r in fake.requests if r.method == method][-1]


async def test_plain_calls_go_as_one_json_document_and_answers_are_real_objects(
    fake: FakeTelegram, bot: Bot
) -> None:
    sent = await bot(SendMessage(chat_id=CHAT, text=TEXT, reply_markup=keyboard(20)))
    assert isinstance(sent, Message) and sent.text == TEXT
    assert sent.reply_markup is not None and len(sent.reply_markup.inline_keyboard) == 20
    call = last_call(fake, "sendMessage")
    assert call.content_type == "application/json"
    assert call.params["text"] == TEXT and call.params["chat_id"] == CHAT
    assert call.params["reply_markup"]["inline_keyboard"][19][0] == {
        "text": "Облыс 19",
        "callback_data": "region:19:3",
    }
    assert "parse_mode" not in call.params  # unset defaults are left out, as in aiogram's form
    assert fake.sent_messages(CHAT)[-1].text == TEXT


async def test_bot_defaults_are_filled_in(fake: FakeTelegram) -> None:
    fake.user(CHAT)
    default = DefaultBotProperties(parse_mode="HTML")
    bot = Bot(fake.token, session=JsonBodySession(api=fake_api(fake.base_url)), default=default)
    try:
        await bot(SendMessage(chat_id=CHAT, text="<b>Сәлем</b>"))
    finally:
        await bot.session.close()
    assert last_call(fake, "sendMessage").params["parse_mode"] == "HTML"
    assert fake.sent_messages(CHAT)[-1].text == "Сәлем"


async def test_uploads_keep_the_multipart_form(fake: FakeTelegram, bot: Bot) -> None:
    calendar = BufferedInputFile(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", filename="visit.ics")
    await bot(SendDocument(chat_id=CHAT, document=calendar, caption=TEXT))
    call = last_call(fake, "sendDocument")
    assert call.content_type == "multipart/form-data"
    assert call.files["document"].filename == "visit.ics"
    assert call.files["document"].content.startswith(b"BEGIN:VCALENDAR")
    assert call.params["caption"] == TEXT


async def test_a_call_without_result_still_raises_telegrams_errors(
    fake: FakeTelegram, bot: Bot
) -> None:
    session = bot.session
    assert isinstance(session, JsonBodySession)
    await session.call_without_result(bot, SendMessage(chat_id=CHAT, text=TEXT))
    assert fake.sent_messages(CHAT)[-1].text == TEXT

    fake.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(TelegramRetryAfter) as flood:
        await session.call_without_result(bot, SendMessage(chat_id=CHAT, text="x"))
    assert flood.value.retry_after == 7

    fake.fail_next("sendMessage", status=403)
    with pytest.raises(TelegramForbiddenError):
        await session.call_without_result(bot, SendMessage(chat_id=CHAT, text="x"))

    with pytest.raises(TelegramBadRequest):  # no such message to edit
        await session.call_without_result(
            bot, EditMessageText(chat_id=CHAT, message_id=999_999, text="x")
        )
    with pytest.raises(TelegramBadRequest):  # an unknown callback query id
        await session.call_without_result(bot, AnswerCallbackQuery(callback_query_id="nope"))
