"""A bare aiogram echo bot: the baseline the Komek bot is measured against (benchmarks/bot_load).

Replies to every text with the same text and one inline button; answers every button press and
sends a message with a button again. Default aiogram long polling, no database, no middlewares.

    BOT_TOKEN=... BOT_API_BASE_URL=http://127.0.0.1:8081 python benchmarks/echo_bot.py
"""

from __future__ import annotations

import asyncio
import logging
import os

from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message


def keyboard(n: int) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(text=f"echo {n}", callback_data=f"echo:{n}")
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


def create_dispatcher() -> Dispatcher:
    dispatcher = Dispatcher()

    @dispatcher.message(F.text)
    async def echo_text(message: Message) -> None:
        await message.answer(message.text or "", reply_markup=keyboard(message.message_id))

    @dispatcher.callback_query()
    async def echo_press(query: CallbackQuery) -> None:
        await query.answer()
        if query.message is not None:
            await query.message.answer(query.data or "", reply_markup=keyboard(0))

    return dispatcher


async def main() -> None:
    base = os.environ.get("BOT_API_BASE_URL")
    session = AiohttpSession(api=TelegramAPIServer.from_base(base)) if base else AiohttpSession()
    bot = Bot(os.environ["BOT_TOKEN"], session=session)
    await create_dispatcher().start_polling(bot, polling_timeout=25)


if __name__ == "__main__":
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING"))
    asyncio.run(main())
