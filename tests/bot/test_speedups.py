"""The speed-ups (bot.speedups) do what the libraries would do, and one switch turns them off.

- JSON bodies carry exactly what aiogram's own form encoding carries, for every call the bot
  makes (bot defaults included);
- the SQLite rule the inline driver rests on: no turn or writer yields to the event loop while
  it holds this process's SQLite write turn (a watcher that runs between every two steps of the
  loop must never find the turn taken);
- with SPEEDUPS=off the bot runs on aiogram's and aiosqlite's stock machinery and still serves.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteWebhook,
    EditMessageReplyMarkup,
    EditMessageText,
    GetUpdates,
    SendChatAction,
    SendLocation,
    SendMessage,
    SendVenue,
    SetMyCommands,
    SetWebhook,
    TelegramMethod,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)
from aiosqlite import Connection as StockConnection

from bot.speedups.json_session import JsonBodySession
from bot.speedups.sqlite_inline import InlineConnection
from bot.telegram_session import json_body
from komek_testing.fake_telegram import FakeTelegram
from komek_testing.players import Player
from tests.bot.conftest import running_bot

INLINE = InlineKeyboardMarkup(
    inline_keyboard=[
        [InlineKeyboardButton(text="Иә", callback_data="consent:yes:3")],
        [InlineKeyboardButton(text="Жоқ «тырнақша» & <тег>", callback_data="consent:no:3")],
    ]
)
REQUEST = ReplyKeyboardMarkup(
    keyboard=[[KeyboardButton(text="Телефонды жіберу", request_contact=True)]],
    resize_keyboard=True,
    one_time_keyboard=True,
)

CALLS: list[TelegramMethod[Any]] = [
    SendMessage(chat_id=5, text="Сәлеметсіз бе!\nЗдравствуйте", reply_markup=INLINE),
    SendMessage(chat_id=5, text="Телефон?", reply_markup=REQUEST),
    SendMessage(chat_id=5, text="ok", reply_markup=ReplyKeyboardRemove(remove_keyboard=True)),
    SendMessage(chat_id=-100, text="private only", reply_to_message_id=7),
    SendMessage(chat_id=5, text="x", reply_parameters=ReplyParameters(message_id=3)),
    SendMessage(chat_id=5, text="x", link_preview_options=LinkPreviewOptions(is_disabled=True)),
    EditMessageText(chat_id=5, message_id=9, text="✔️ Иә\n\nКелесі", reply_markup=INLINE),
    EditMessageText(chat_id=5, message_id=9, text="no keyboard"),
    EditMessageReplyMarkup(chat_id=5, message_id=9),
    AnswerCallbackQuery(callback_query_id="42", text="Бұл батырма ескірді"),
    AnswerCallbackQuery(callback_query_id="42"),
    SendChatAction(chat_id=5, action="typing"),
    SendVenue(chat_id=5, latitude=43.2, longitude=76.9, title="Мансап орталығы", address="Абай 1"),
    SendLocation(chat_id=5, latitude=43.2, longitude=76.9),
    SetMyCommands(
        commands=[BotCommand(command="start", description="Бастау")],
        scope=BotCommandScopeAllPrivateChats(),
        language_code="kk",
    ),
    SetWebhook(url="https://example.org/hook", secret_token="s", allowed_updates=["message"]),
    DeleteWebhook(),
    GetUpdates(offset=10, timeout=25, allowed_updates=["message", "callback_query"]),
    SendMessage(
        chat_id=5, text="later", reply_markup=INLINE, message_effect_id=None, protect_content=True
    ),
]


def aiogram_form(bot: Bot, method: TelegramMethod[Any]) -> dict[str, Any]:
    """What aiogram's own session would send, field by field, JSON fields decoded."""
    form = AiohttpSession().build_form_data(bot, method)
    fields: dict[str, Any] = {}
    for options, _, value in form._fields:
        try:
            fields[options["name"]] = json.loads(value)
        except ValueError:
            fields[options["name"]] = value
    return fields


def normalised(body: bytes) -> dict[str, Any]:
    """The JSON body, scalars as the form would carry them (everything becomes text there)."""
    decoded: dict[str, Any] = json.loads(body)
    return {
        key: json.loads(json.dumps(value)) if isinstance(value, dict | list) else _scalar(value)
        for key, value in decoded.items()
    }


def _scalar(value: object) -> object:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


@pytest.mark.parametrize("defaults", [None, DefaultBotProperties(parse_mode="HTML")])
@pytest.mark.parametrize("method", CALLS, ids=lambda m: type(m).__name__)
def test_json_bodies_carry_exactly_what_aiograms_form_carries(
    method: TelegramMethod[Any], defaults: DefaultBotProperties | None
) -> None:
    bot = Bot("1:A", default=defaults)
    body = json_body(bot, method)
    assert body is not None
    assert normalised(body) == aiogram_form(bot, method)


def test_a_nested_default_that_resolves_to_nothing_is_left_out_as_aiogram_does() -> None:
    bot = Bot("1:A", default=DefaultBotProperties())
    method = SendMessage(chat_id=5, text="x", reply_parameters=ReplyParameters(message_id=3))
    body = json_body(bot, method)
    assert body is not None
    assert normalised(body) == aiogram_form(bot, method)
    assert b"null" not in body


async def test_no_writer_yields_to_the_loop_while_holding_sqlites_write_turn(
    fake: FakeTelegram, sqlite_url: str
) -> None:
    seen_taken = 0
    checks = 0

    async def watch(gate: asyncio.Lock) -> None:
        nonlocal seen_taken, checks
        while True:
            checks += 1
            seen_taken += gate.locked()
            await asyncio.sleep(0)

    async with running_bot(fake, sqlite_url) as app:
        gate = app.gate
        assert gate is not None, "SQLite has a write turn"
        watcher = asyncio.create_task(watch(gate))
        players = [Player(fake.user(9500 + n, language_code="ru"), "ru") for n in range(8)]
        for player in players:
            await player.user.send_command("/start")
        await asyncio.gather(*(p.user.wait_reply() for p in players))
        await asyncio.gather(*(p.play_until("people") for p in players))
        assert await app.delivery.drain(10)
        watcher.cancel()
    assert checks > 20, "the watcher ran between the turns' steps"
    assert seen_taken == 0, "something awaited while holding SQLite's write turn"


async def test_with_speedups_off_the_bot_serves_on_stock_aiogram_and_aiosqlite(
    fake: FakeTelegram, sqlite_url: str
) -> None:
    async with running_bot(fake, sqlite_url, speedups=False) as app:
        assert type(app.bot.session) is not JsonBodySession
        async with app.engine.connect() as connection:
            raw = await connection.get_raw_connection()
            driver = raw.driver_connection
        assert isinstance(driver, StockConnection) and not isinstance(driver, InlineConnection)
        user = fake.user(9600, language_code="kk")
        player = Player(user, "kk")
        await user.send_command("/start")
        await user.wait_reply()
        await player.play_until("people")
    assert all(r.content_type != "application/json" for r in fake.requests_for("sendMessage"))
