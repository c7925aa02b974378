"""The fake Bot API server against the real aiogram client over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import SendMessage
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from aiogram.utils.backoff import BackoffConfig
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from pydantic import ValidationError

from komek_testing.fake_telegram import FakeTelegram

CHAT = 5001


def make_bot(fake: FakeTelegram, token: str | None = None) -> Bot:
    """Exactly what the bot process does with BOT_API_BASE_URL."""
    api = TelegramAPIServer.from_base(fake.base_url)
    return Bot(token or fake.token, session=AiohttpSession(api=api))


def echo_router(seen: list[int]) -> Router:
    """A tiny bot: /start offers two buttons, a press edits the message, other text echoes."""
    router = Router()

    @router.message(F.text == "/start")
    async def start(message: Message) -> None:
        keyboard = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(text="Иә", callback_data="answer:yes"),
                    InlineKeyboardButton(text="Жоқ", callback_data="answer:no"),
                ]
            ]
        )
        await message.answer(
            "Сәлем! <b>Жалғастырамыз ба?</b>", reply_markup=keyboard, parse_mode="HTML"
        )

    @router.callback_query(F.data.startswith("answer:"))
    async def answered(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        await query.answer("ok")
        await query.message.edit_text(f"Таңдау: {query.data}")

    @router.message(F.text == "phone")
    async def ask_phone(message: Message) -> None:
        button = KeyboardButton(text="Нөмірді жіберу", request_contact=True)
        markup = ReplyKeyboardMarkup(keyboard=[[button]], resize_keyboard=True)
        await message.answer("Телефон?", reply_markup=markup)

    @router.message(F.contact)
    async def got_phone(message: Message) -> None:
        assert message.contact is not None
        await message.answer(
            f"phone {message.contact.phone_number}", reply_markup=ReplyKeyboardRemove()
        )

    @router.message(F.text)
    async def echo(message: Message) -> None:
        seen.append(message.message_id)
        await message.answer(f"echo: {message.text}")

    return router


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    client = fake.make_bot()  # LoopbackSession: closes without aiogram's 250 ms TLS grace
    yield client
    await client.session.close()


@pytest.fixture
async def seen() -> list[int]:
    return []


@pytest.fixture
async def polling(fake: FakeTelegram, bot: Bot, seen: list[int]) -> AsyncIterator[Dispatcher]:
    dispatcher = Dispatcher()
    dispatcher.include_router(echo_router(seen))
    task = asyncio.create_task(
        dispatcher.start_polling(
            bot, handle_signals=False, close_bot_session=False, polling_timeout=1
        )
    )
    async with asyncio.timeout(5):
        while not fake.counters["getUpdates"]:
            await asyncio.sleep(0.01)
    yield dispatcher
    await dispatcher.stop_polling()
    await task


async def test_get_me_unknown_method_and_wrong_token(fake: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "komek_test_bot", True)

    async with aiohttp.ClientSession() as http:
        url = f"{fake.base_url}/bot{fake.token}/sendTelepathy"
        async with http.post(url, data={"chat_id": "1"}) as response:
            assert response.status == 404
            assert await response.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found: method not found",
            }

    stranger = make_bot(fake, token="999:WRONG")
    with pytest.raises(TelegramUnauthorizedError):
        await stranger.get_me()
    await stranger.session.close()


async def test_conversation_over_long_polling(
    fake: FakeTelegram, polling: Dispatcher, seen: list[int]
) -> None:
    user = fake.user(CHAT, language_code="kk")
    await user.send_command("/start")

    greeting = await user.wait_reply()
    assert greeting.text == "Сәлем! Жалғастырамыз ба?"  # HTML parsed like Telegram does
    assert greeting.entities == [{"type": "bold", "offset": 7, "length": 17}]
    assert greeting.buttons == [[("Иә", "answer:yes"), ("Жоқ", "answer:no")]]

    await user.press("Иә")
    edited = await user.wait_reply()
    assert (edited.message_id, edited.edited) == (greeting.message_id, True)
    assert edited.text == "Таңдау: answer:yes"
    assert edited.buttons == []  # editMessageText without reply_markup drops the keyboard
    assert (await user.wait_callback_answer())["text"] == "ok"
    assert fake.unanswered_callbacks() == []
    assert [m.text for m in user.messages] == ["Таңдау: answer:yes"]  # edited in place

    await user.send_text("сәлем")
    echo = await user.wait_reply()
    assert echo.text == "echo: сәлем"
    # message ids are per chat and shared by user and bot: /start=1, greeting=2, text=3, echo=4
    assert (greeting.message_id, seen, echo.message_id) == (2, [3], 4)
    # the request log decodes multipart fields
    sent = fake.requests_for("sendMessage", CHAT)[0]
    assert sent.params["chat_id"] == CHAT
    assert sent.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "answer:yes"


async def test_duplicate_delivery_reaches_the_bot_twice(
    fake: FakeTelegram, polling: Dispatcher, seen: list[int]
) -> None:
    user = fake.user(CHAT)
    update_id = await user.send_text("бір")
    assert await fake.redeliver(update_id) == update_id
    replies = await user.wait_idle(quiet=0.2)
    assert [r.text for r in replies] == ["echo: бір", "echo: бір"]
    assert seen == [1, 1]  # the same message, delivered twice

    raw = {"message": user.build_message(text="екі")}
    first = await fake.push_update(raw)
    second = await fake.push_update(raw)
    assert first == second
    assert [r.text for r in await user.wait_idle(quiet=0.2)] == ["echo: екі", "echo: екі"]


async def test_reply_keyboard_contact_and_remove(fake: FakeTelegram, polling: Dispatcher) -> None:
    user = fake.user(CHAT)
    await user.send_text("phone")
    question = await user.wait_reply()
    assert question.reply_keyboard == [[{"text": "Нөмірді жіберу", "request_contact": True}]]
    assert user.reply_keyboard is not None

    await user.press("Нөмірді жіберу")
    answer = await user.wait_reply()
    assert answer.text == "phone +77011234567"
    assert answer.removes_keyboard
    assert user.reply_keyboard is None


async def test_edit_not_modified_and_stale_callback(fake: FakeTelegram, bot: Bot) -> None:
    user = fake.user(CHAT)
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="A", callback_data="a")]]
    )
    message = await bot.send_message(CHAT, "same", reply_markup=markup)
    assert message.reply_markup is not None
    assert message.reply_markup.model_dump() == markup.model_dump()
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "same", chat_id=CHAT, message_id=message.message_id, reply_markup=markup
        )
    edited = await bot.edit_message_text("new", chat_id=CHAT, message_id=message.message_id)
    assert isinstance(edited, Message) and edited.edit_date is not None
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=CHAT, message_id=999)

    await user.press_on(message.message_id, "a")  # stale: the button is gone after the edit
    query_id = user.last_callback_id
    assert query_id is not None and fake.unanswered_callbacks() == [query_id]
    assert await bot.answer_callback_query(query_id, text="устарело")
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query_id)

    assert await bot.delete_message(CHAT, message.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(CHAT, message.message_id)
    assert user.messages == [] and fake.sent_messages(CHAT)[0].deleted


async def test_injected_failures_surface_as_aiogram_errors(fake: FakeTelegram, bot: Bot) -> None:
    fake.user(CHAT)
    fake.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(TelegramRetryAfter) as retry:
        await bot.send_message(CHAT, "hi")
    assert retry.value.retry_after == 7
    assert (await bot.send_message(CHAT, "hi")).text == "hi"

    fake.fail_next("sendMessage", status=500, chat_id=CHAT)
    with pytest.raises(TelegramServerError):
        await bot.send_message(CHAT, "hi")
    fake.fail_next("*", status=502, times=2)
    for _ in range(2):
        with pytest.raises(TelegramServerError, match="Bad Gateway"):
            await bot.get_me()
    assert await bot.get_me()

    fake.block(CHAT)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(CHAT, "hi")
    fake.unblock(CHAT)
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(777, "nobody")
    assert [r.status for r in fake.requests_for("sendMessage")] == [429, 200, 500, 403, 400]
    assert fake.counters["sendMessage"] == 5


async def test_flood_limits(fake: FakeTelegram, bot: Bot) -> None:
    fake.user(CHAT)
    fake.set_flood_limits(per_chat_per_second=1)
    await bot.send_message(CHAT, "one")
    with pytest.raises(TelegramRetryAfter) as retry:
        await bot.send_message(CHAT, "two")
    assert retry.value.retry_after == 1
    assert fake.max_rate("sendMessage") == 1  # only successful sends count

    fake.set_flood_limits(global_per_second=None)
    fake.set_latency(0.1)
    started = time.monotonic()
    assert await bot.get_me()
    assert time.monotonic() - started >= 0.1


async def test_formatting_errors_like_telegram(fake: FakeTelegram, bot: Bot) -> None:
    fake.user(CHAT)
    with pytest.raises(TelegramBadRequest, match='Unsupported start tag "br"'):
        await bot.send_message(CHAT, "a<br>b", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match='Unsupported start tag "" at byte offset 22'):
        await bot.send_message(CHAT, "Табыс/доход < 50 000 ₸", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match=r"Character '\.' is reserved"):
        await bot.send_message(CHAT, "10 000 ₸.", parse_mode="MarkdownV2")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(CHAT, "<b></b>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(CHAT, "ә" * 4097)
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        button = InlineKeyboardButton(text="x", callback_data="x" * 65)
        markup = InlineKeyboardMarkup(inline_keyboard=[[button]])
        await bot.send_message(CHAT, "x", reply_markup=markup)
    ok = await bot.send_message(CHAT, "*10 000 ₸*\\.", parse_mode="MarkdownV2")
    assert ok.text == "10 000 ₸."
    assert ok.entities is not None and ok.entities[0].type == "bold"


async def test_send_document_round_trip(fake: FakeTelegram, bot: Bot) -> None:
    user = fake.user(CHAT)
    content = "Өтініш / заявка\n".encode() * 100
    message = await bot.send_document(
        CHAT, BufferedInputFile(content, filename="booking.ics"), caption="Жазылу"
    )
    assert message.document is not None and message.document.file_name == "booking.ics"
    sent = await user.wait_reply()
    assert sent.kind == "document" and sent.caption == "Жазылу"
    assert sent.document is not None and sent.document.content == content
    assert fake.requests_for("sendDocument")[0].files["document"].filename == "booking.ics"

    downloaded = await bot.download(message.document.file_id)
    assert downloaded is not None and downloaded.read() == content

    again = await bot.send_document(CHAT, message.document.file_id)  # re-send by file_id
    assert again.document is not None and again.document.file_id == message.document.file_id


async def test_venue_location_contact_chat_action(fake: FakeTelegram, bot: Bot) -> None:
    user = fake.user(CHAT)
    assert await bot.send_chat_action(CHAT, "typing")
    await bot.send_venue(CHAT, 43.2389, 76.8897, "Жұмыспен қамту орталығы", "Абай д-лы 1")
    await bot.send_location(CHAT, 43.2389, 76.8897)
    await bot.send_contact(CHAT, "+77272000000", "Орталық")
    venue, location, contact = await user.wait_idle(quiet=0.05)
    assert venue.kind == "venue" and venue.venue is not None
    assert venue.venue["address"] == "Абай д-лы 1"
    assert location.location == {"latitude": 43.2389, "longitude": 76.8897}
    assert contact.contact is not None and contact.contact["phone_number"] == "+77272000000"
    with pytest.raises(TelegramBadRequest, match="wrong parameter action"):
        await bot.send_chat_action(CHAT, "dancing")
    assert (await bot.get_chat(CHAT)).type == "private"


async def test_commands_per_scope_and_language(fake: FakeTelegram, bot: Bot) -> None:
    ru = [BotCommand(command="start", description="Начать")]
    kk: list[BotCommand] = [BotCommand(command="start", description="Бастау")]
    scope = BotCommandScopeAllPrivateChats()
    assert await bot.set_my_commands(ru, scope=scope, language_code="ru")
    assert await bot.set_my_commands(kk, scope=scope, language_code="kk")
    stored = await bot.get_my_commands(scope=scope, language_code="kk")
    assert [(c.command, c.description) for c in stored] == [("start", "Бастау")]
    assert fake.my_commands(scope={"type": "all_private_chats"}, language_code="ru") == [
        {"command": "start", "description": "Начать"}
    ]
    assert await bot.get_my_commands() == []
    assert await bot.delete_my_commands(scope=scope, language_code="kk")
    assert await bot.get_my_commands(scope=scope, language_code="kk") == []
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Start!", description="x")])


async def test_long_poll_waits_and_offset_confirms(fake: FakeTelegram, bot: Bot) -> None:
    user = fake.user(CHAT)
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    update_id = await user.send_text("late")
    updates = await poll
    assert time.monotonic() - started < 2
    assert [u.update_id for u in updates] == [update_id]
    assert updates[0].message is not None and updates[0].message.text == "late"
    assert [u.update_id for u in await bot.get_updates()] == [update_id]  # not confirmed yet
    assert await bot.get_updates(offset=update_id + 1) == []
    assert fake.pending_update_count == 0

    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(bot.get_updates(timeout=0))
    with pytest.raises(TelegramConflictError):
        await first
    assert await second == []


async def test_webhook_delivery_with_secret_and_reply_in_response(
    fake: FakeTelegram, bot: Bot
) -> None:
    router = Router()

    @router.message(F.text)
    async def reply_in_webhook(message: Message) -> SendMessage:
        return message.answer(f"hook: {message.text}")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    app = web.Application()
    SimpleRequestHandler(
        dispatcher, bot, secret_token="s3cret", handle_in_background=False
    ).register(app, path="/hook")
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    url = f"http://{host}:{port}/hook"
    try:
        assert await bot.set_webhook(url, secret_token="s3cret")
        info = await bot.get_webhook_info()
        assert (info.url, info.pending_update_count) == (url, 0)
        with pytest.raises(TelegramConflictError, match="webhook is active"):
            await bot.get_updates()

        user = fake.user(CHAT)
        await user.send_text("салам")  # delivered by POST, answered inside the HTTP response
        assert (await user.wait_reply()).text == "hook: салам"

        users = [fake.user(20_000 + i) for i in range(30)]  # parallel deliveries, per-chat order
        await asyncio.gather(*(u.send_text(f"n{i}") for i, u in enumerate(users)))
        assert [(await u.wait_reply()).text for u in users] == [f"hook: n{i}" for i in range(30)]

        assert await fake.post_webhook_update(url, {"message": {}}, secret="wrong") == 401
        assert await bot.delete_webhook()
        assert await bot.get_updates() == []
    finally:
        await runner.cleanup()


async def test_two_hundred_users_at_once(
    fake: FakeTelegram, polling: Dispatcher, seen: list[int]
) -> None:
    users = [fake.user(10_000 + i) for i in range(200)]

    async def talk(index: int) -> str | None:
        await users[index].send_text(f"user {index}")
        return (await users[index].wait_reply(timeout=10)).text

    started = time.monotonic()
    replies = await asyncio.gather(*(talk(i) for i in range(200)))
    assert replies == [f"echo: user {i}" for i in range(200)]
    assert time.monotonic() - started < 5


async def test_user_updates_validate_as_aiogram_types(fake: FakeTelegram, bot: Bot) -> None:
    user = fake.user(CHAT, language_code=None, first_name="Әлия")
    member = fake.group(-100200, title="Ауыл", user_id=42)
    await user.send_sticker()
    await user.send_photo(caption="құжат", content=b"jpeg-bytes")
    await user.send_voice(duration=4)
    await user.share_location(43.1, 76.9)
    await user.send_document("анықтама.pdf", b"%PDF-1.4")
    await user.send_text("тест қате")
    await member.send_text("/help@komek_test_bot")
    await user.block_bot()

    updates = await bot.get_updates()
    messages = [u.message for u in updates[:7]]
    assert all(m is not None for m in messages)
    sticker, photo, voice, location, document, typo, in_group = (m for m in messages if m)
    assert sticker.sticker is not None and sticker.sticker.emoji == "👍"
    assert photo.photo is not None and photo.caption == "құжат"
    assert voice.voice is not None and voice.voice.duration == 4
    assert location.location is not None and location.location.latitude == 43.1
    assert document.document is not None and document.document.file_name == "анықтама.pdf"
    assert typo.from_user is not None and typo.from_user.language_code is None
    assert in_group.chat.type == "group" and in_group.from_user is not None
    assert in_group.from_user.id == 42
    blocked = updates[7].my_chat_member
    assert blocked is not None and blocked.new_chat_member.status == "kicked"
    assert user.blocked

    downloaded = await bot.download(photo.photo[-1].file_id)
    assert downloaded is not None and downloaded.read() == b"jpeg-bytes"

    await user.edit_message(typo.message_id, "тест дұрыс")
    edits = await bot.get_updates(offset=updates[-1].update_id + 1)
    assert [u.edited_message.text for u in edits if u.edited_message] == ["тест дұрыс"]

    await user.send_text("ignored")
    with pytest.raises(LookupError):  # users can't press buttons on their own messages
        await user.press_on(photo.message_id, "x")
    assert await bot.get_updates(offset=edits[-1].update_id + 1, allowed_updates=["poll"]) == []


async def test_webhook_down_keeps_updates_pending(fake: FakeTelegram, bot: Bot) -> None:
    assert await bot.set_webhook("http://127.0.0.1:9/hook")  # nothing listens on port 9
    user = fake.user(CHAT)
    update_id = await user.send_text("hello")
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 1
    assert info.last_error_message is not None and "Connection" in info.last_error_message
    assert await bot.delete_webhook()
    assert [u.update_id for u in await bot.get_updates()] == [update_id]


async def test_restarted_poller_gets_updates_and_stop_ends_long_polls() -> None:
    fake = FakeTelegram()
    await fake.start()
    client = fake.make_bot()
    user = fake.user(CHAT)
    abandoned = asyncio.create_task(client.get_updates(timeout=30))
    await asyncio.sleep(0.05)
    abandoned.cancel()  # the bot process died mid long poll
    with pytest.raises(asyncio.CancelledError):
        await abandoned
    await asyncio.sleep(0.05)
    update_id = await user.send_text("after restart")
    await asyncio.sleep(0.05)
    assert fake.requests_for("getUpdates")[0].status == 0  # cancelled server-side, unanswered
    assert [u.update_id for u in await client.get_updates(timeout=1)] == [update_id]

    hanging = asyncio.create_task(client.get_updates(offset=update_id + 1, timeout=30))
    await asyncio.sleep(0.05)
    started = time.monotonic()
    await fake.stop()
    assert await hanging == []
    assert time.monotonic() - started < 2
    await client.session.close()


# ---------------------------------------------------------------- network and proxy failures


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def api_url(fake: FakeTelegram, method: str) -> str:
    return f"{fake.base_url}/bot{fake.token}/{method}"


async def test_html_error_pages_like_nginx(
    fake: FakeTelegram, bot: Bot, http: aiohttp.ClientSession
) -> None:
    user = fake.user(CHAT)
    fake.fail_next("sendMessage", html=True)  # 502 by default
    async with http.post(api_url(fake, "sendMessage"), data={"chat_id": CHAT, "text": "hi"}) as r:
        assert (r.status, r.content_type) == (502, "text/html")
        page = await r.text()
    assert "<h1>502 Bad Gateway</h1>" in page and "nginx" in page
    assert user.messages == []  # the proxy never reached Telegram
    assert fake.requests_for("sendMessage")[0].fault == "raw"

    # aiogram cannot decode the page: ClientDecodeError, not TelegramServerError
    fake.fail_next("sendMessage", html=True, status=504, chat_id=CHAT)
    with pytest.raises(ClientDecodeError) as decode:
        await bot.send_message(CHAT, "hi")
    assert "<h1>504 Gateway Time-out</h1>" in decode.value.data
    assert user.messages == []

    # the long-poll path answers the page at once
    fake.fail_next("getUpdates", html=True)
    started = time.monotonic()
    async with http.post(api_url(fake, "getUpdates"), json={"timeout": 5}) as r:
        assert r.status == 502 and "<h1>502 Bad Gateway</h1>" in await r.text()
    assert time.monotonic() - started < 1

    # any body and content type; processed=True: Telegram did the work, the gateway timed out
    fake.fail_next("getMe", body=b"\x00\x01", content_type="application/x-garbage", status=500)
    async with http.get(api_url(fake, "getMe")) as r:
        assert (r.status, r.content_type, await r.read()) == (
            500,
            "application/x-garbage",
            b"\x00\x01",
        )
    fake.fail_next("sendMessage", html=True, status=504, processed=True)
    with pytest.raises(ClientDecodeError):
        await bot.send_message(CHAT, "sent anyway")
    assert [m.text for m in user.messages] == ["sent anyway"]
    assert (await bot.get_me()).id == fake.bot_id  # one-shot rules are used up


async def test_truncated_json_for_sends_and_long_polls(
    fake: FakeTelegram, bot: Bot, http: aiohttp.ClientSession
) -> None:
    user = fake.user(CHAT)
    fake.fail_next("sendMessage", truncate=True)
    with pytest.raises(ClientDecodeError):
        await bot.send_message(CHAT, "cut")
    assert [m.text for m in user.messages] == ["cut"]  # executed, only the answer was cut
    record = fake.requests_for("sendMessage")[0]
    assert (record.status, record.fault, record.executed) == (200, "truncated", True)

    # a long poll already waiting is hit when its answer (with updates) is ready
    poll = asyncio.create_task(http.post(api_url(fake, "getUpdates"), json={"timeout": 5}))
    await asyncio.sleep(0.05)
    fake.fail_next("getUpdates", truncate=30)
    update_id = await user.send_text("lost in transit")
    async with await poll as r:
        assert (r.status, r.content_type) == (200, "application/json")
        body = await r.text()
    assert body == '{"ok": true, "result": [{"upda'
    with pytest.raises(ValueError):
        json.loads(body)
    assert user._chat.pending_updates == 1  # the bot never got it: still pending

    fake.fail_next("getUpdates", truncate=True)
    with pytest.raises(ClientDecodeError):
        await bot.get_updates()
    updates = await bot.get_updates()  # same offset: Telegram hands the batch out again
    assert [u.update_id for u in updates] == [update_id]
    assert fake.deliveries(update_id) == 3
    assert fake.pending_update_ids == [update_id]  # delivered, not yet confirmed by offset
    assert await bot.get_updates(offset=update_id + 1) == []
    assert fake.pending_update_ids == []


async def test_connection_resets_before_and_after(
    fake: FakeTelegram, bot: Bot, http: aiohttp.ClientSession
) -> None:
    user = fake.user(CHAT)
    other = fake.user(CHAT + 1)
    fake.fail_next("sendMessage", reset="before", chat_id=CHAT, times=2)
    assert (await bot.send_message(CHAT + 1, "other chat")).message_id == 1  # not matched
    for _ in range(2):
        with pytest.raises(aiohttp.ClientOSError) as reset:  # a real TCP RST
            async with http.post(
                api_url(fake, "sendMessage"), data={"chat_id": CHAT, "text": "x"}
            ) as r:
                pytest.fail(f"got an answer: {r.status}")
        assert "Connection reset by peer" in str(reset.value)
    assert user.messages == []  # never executed
    assert [(r.status, r.fault) for r in fake.requests_for("sendMessage", CHAT)] == [
        (0, "reset_before"),
        (0, "reset_before"),
    ]

    fake.fail_next("sendMessage", reset="after", chat_id=CHAT)
    with pytest.raises(TelegramNetworkError, match="ClientOSError"):
        await bot.send_message(CHAT, "delivered, answer lost")
    assert [m.text for m in user.messages] == ["delivered, answer lost"]
    assert user.messages[0].message_id == 1
    record = fake.requests_for("sendMessage", CHAT)[-1]
    assert (record.status, record.fault, record.executed) == (0, "reset_after", True)
    assert (await bot.send_message(CHAT, "retry")).message_id == 2  # the ids advanced
    assert [m.text for m in other.messages] == ["other chat"]

    fake.fail_next("sendMessage", reset="after", tcp="fin")  # orderly close, no answer
    with pytest.raises(aiohttp.ServerDisconnectedError):
        async with http.post(
            api_url(fake, "sendMessage"), data={"chat_id": CHAT, "text": "fin"}
        ) as r:
            pytest.fail(f"got an answer: {r.status}")
    assert user.messages[-1].text == "fin"

    # call() (no HTTP connection) leaves transport faults for the next real request
    fake.fail_next("getMe", reset="before")
    assert (await fake.call("getMe", {}))[0] == 200
    with pytest.raises(TelegramNetworkError):
        await bot.get_me()


async def test_polling_bot_survives_a_reset_long_poll(fake: FakeTelegram, bot: Bot) -> None:
    seen: list[int] = []
    dispatcher = Dispatcher()
    dispatcher.include_router(echo_router(seen))
    fast_backoff = BackoffConfig(min_delay=0.05, max_delay=0.2, factor=1.3, jitter=0.1)
    task = asyncio.create_task(
        dispatcher.start_polling(
            bot,
            handle_signals=False,
            close_bot_session=False,
            polling_timeout=5,
            backoff_config=fast_backoff,
        )
    )
    try:
        async with asyncio.timeout(5):
            while not fake.counters["getUpdates"]:
                await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)
        user = fake.user(CHAT)
        fake.fail_next("getUpdates", reset="after")  # hits the poll that is waiting now
        update_id = await user.send_text("again")
        assert (await user.wait_reply()).text == "echo: again"
        assert seen == [1]  # handled once: the lost batch came again with the same offset
        assert fake.deliveries(update_id) == 2
        assert [r.fault for r in fake.requests_for("getUpdates") if r.fault] == ["reset_after"]
    finally:
        await dispatcher.stop_polling()
        await task


# ---------------------------------------------------------------- slowness and flood control


async def test_latency_per_chat_and_per_method(fake: FakeTelegram, bot: Bot) -> None:
    slow, fast = fake.user(CHAT), fake.user(CHAT + 1)

    async def timed_send(chat_id: int) -> float:
        started = time.monotonic()
        await bot.send_message(chat_id, "x")
        return time.monotonic() - started

    fake.set_latency(0.4, chat_id=slow.chat_id)
    slow_time, fast_time = await asyncio.gather(timed_send(CHAT), timed_send(CHAT + 1))
    assert slow_time >= 0.4 and fast_time < 0.2

    fake.set_latency(0.3, method="getMe")
    started = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - started >= 0.3
    assert await timed_send(CHAT + 1) < 0.2

    fake.set_latency(0, chat_id=slow.chat_id)
    fake.set_latency(0, method="getMe")
    assert await timed_send(CHAT) < 0.2
    fake.set_latency(0.25)  # the old global form
    assert await timed_send(CHAT + 1) >= 0.25
    assert [len(u.messages) for u in (slow, fast)] == [2, 3]


async def test_flood_wait_per_chat(fake: FakeTelegram, bot: Bot) -> None:
    user, other = fake.user(CHAT), fake.user(CHAT + 1)
    before = await bot.send_message(CHAT, "before")
    fake.flood_wait(CHAT, 1.2)
    started = time.monotonic()
    with pytest.raises(TelegramRetryAfter) as first:
        await bot.send_message(CHAT, "x")
    assert first.value.retry_after == 2  # ceil(1.2)
    assert "retry after 2" in first.value.message
    with pytest.raises(TelegramRetryAfter):
        await bot.edit_message_text("edited", chat_id=CHAT, message_id=before.message_id)
    assert await bot.send_chat_action(CHAT, "typing")  # neither creates nor edits
    assert (await bot.send_message(CHAT + 1, "other chat")).text == "other chat"

    await asyncio.sleep(0.5)
    with pytest.raises(TelegramRetryAfter) as later:
        await bot.send_message(CHAT, "x")
    assert later.value.retry_after == 1  # the remaining time, rounded up

    await asyncio.sleep(max(0.0, 1.25 - (time.monotonic() - started)))
    assert (await bot.send_message(CHAT, "after")).text == "after"
    assert [m.text for m in user.messages] == ["before", "after"]
    assert [m.text for m in other.messages] == ["other chat"]
    assert [r.status for r in fake.requests_for("sendMessage", CHAT)] == [200, 429, 429, 200]


# ---------------------------------------------------------------- updates aiogram cannot decode


async def test_undecodable_updates_go_out_untouched(
    fake: FakeTelegram, bot: Bot, http: aiohttp.ClientSession
) -> None:
    user = fake.user(CHAT)
    for kind in ("hidden_forward", "empty_story"):
        update = user.build_undecodable(kind)
        update["update_id"] = 1
        with pytest.raises(ValidationError):
            Update.model_validate(update)
    assert user.build_undecodable("hidden_forward")["message"]["forward_origin"] == {
        "type": "hidden_user",
        "date": 1422450181,
    }

    hidden = user.build_undecodable("hidden_forward", text="35")
    story = user.build_undecodable("empty_story")
    future = {"some_future_update": {"id": 1, "nested": [None, {"a": "ә"}]}}
    for update in (hidden, story, future):
        await fake.push_update(update)
    async with http.post(api_url(fake, "getUpdates"), json={}) as r:
        assert await r.json() == {"ok": True, "result": [hidden, story, future]}
    with pytest.raises(ClientDecodeError, match="Failed to deserialize"):
        await bot.get_updates()  # one bad update breaks aiogram's whole batch

    update_id = await user.send_undecodable("empty_story", text="12")
    assert fake.deliveries(update_id) == 0
    async with http.post(api_url(fake, "getUpdates"), json={}) as r:
        last = (await r.json())["result"][-1]
    assert (last["update_id"], last["message"]["text"]) == (update_id, "12")
    assert "story" in last["message"]["external_reply"]
    assert fake.deliveries(update_id) == 1
    assert await bot.get_updates(offset=update_id + 1) == []  # confirmed: the bot skips them

    received: list[object] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        assert await bot.set_webhook(f"http://{host}:{port}/hook")
        sent = user.build_undecodable("hidden_forward")
        await fake.push_update(sent)
        raw = {"update_id": 424242, "weird": "shape"}
        await fake.push_update(raw)
        assert received == [sent, raw]
    finally:
        await runner.cleanup()


# ---------------------------------------------------------------- webhook redelivery


async def start_app(app: web.Application, port: int = 0) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, int(runner.addresses[0][1])


def webhook_bot_app(bot: Bot) -> web.Application:
    router = Router()

    @router.message(F.text)
    async def reply_in_webhook(message: Message) -> SendMessage:
        return message.answer(f"hook: {message.text}")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    app = web.Application()
    SimpleRequestHandler(
        dispatcher, bot, secret_token="s3cret", handle_in_background=False
    ).register(app, path="/hook")
    return app


async def test_webhook_redelivers_to_a_restarted_bot(fake: FakeTelegram, bot: Bot) -> None:
    runner, port = await start_app(webhook_bot_app(bot))
    url = f"http://127.0.0.1:{port}/hook"
    assert await bot.set_webhook(url, secret_token="s3cret")
    user, other = fake.user(CHAT), fake.user(CHAT + 1)
    await user.send_text("up")
    assert (await user.wait_reply()).text == "hook: up"

    await runner.cleanup()  # the bot process dies
    ids = [await user.send_text(f"m{i}") for i in range(3)]
    other_id = await other.send_text("o")
    assert fake.pending_update_ids == [*ids, other_id]
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 4 and "Connection" in (info.last_error_message or "")

    tries = fake.deliveries(ids[0])
    fake.auto_redeliver(0.1)
    await asyncio.sleep(0.35)
    assert fake.deliveries(ids[0]) >= tries + 2  # Telegram keeps trying while the bot is down
    assert fake.deliveries(ids[1]) == 0  # later updates of the chat wait behind the first

    runner, _ = await start_app(webhook_bot_app(bot), port)  # restarted on the same port
    try:
        replies = [(await user.wait_reply(timeout=3)).text for _ in ids]
        assert replies == ["hook: m0", "hook: m1", "hook: m2"]  # in order within the chat
        assert (await other.wait_reply(timeout=3)).text == "hook: o"
        assert fake.pending_update_ids == []
        assert (await bot.get_webhook_info()).pending_update_count == 0
        assert [fake.deliveries(i) >= 1 for i in ids] == [True] * 3
    finally:
        await runner.cleanup()


async def test_webhook_non_2xx_is_retried_in_order(fake: FakeTelegram, bot: Bot) -> None:
    received: list[int] = []

    async def flaky(request: web.Request) -> web.Response:
        update_id = (await request.json())["update_id"]
        first_time = update_id not in received
        received.append(update_id)
        return web.Response(status=500 if first_time else 200)

    app = web.Application()
    app.router.add_post("/hook", flaky)
    runner, port = await start_app(app)
    try:
        assert await bot.set_webhook(f"http://127.0.0.1:{port}/hook")
        user = fake.user(CHAT)
        first, second = await user.send_text("a"), await user.send_text("b")
        fake.auto_redeliver(0.05)
        async with asyncio.timeout(5):
            while fake.pending_update_ids:
                await asyncio.sleep(0.02)
        assert received == [first, first, second, second]
        assert (fake.deliveries(first), fake.deliveries(second)) == (2, 2)
        info = await bot.get_webhook_info()
        assert info.last_error_message == "Wrong response from the webhook: 500"
        fake.auto_redeliver(None)
    finally:
        await runner.cleanup()


# ---------------------------------------------------------------- message ids and edit errors


async def test_private_chat_ids_are_shared_and_edit_errors(fake: FakeTelegram, bot: Bot) -> None:
    user = fake.user(CHAT)
    await user.send_text("one")
    first = await bot.send_message(CHAT, "two")
    await user.send_text("three")
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="A", callback_data="a")]]
    )
    second = await bot.send_message(CHAT, "four", reply_markup=markup)
    updates = await bot.get_updates()
    user_ids = [u.message.message_id for u in updates if u.message]
    assert (user_ids, first.message_id, second.message_id) == ([1, 3], 2, 4)

    with pytest.raises(TelegramBadRequest) as own:
        await bot.edit_message_text("x", chat_id=CHAT, message_id=1)
    assert own.value.message == "Bad Request: message can't be edited"
    with pytest.raises(TelegramBadRequest) as unknown:
        await bot.edit_message_text("x", chat_id=CHAT, message_id=5)
    assert unknown.value.message == "Bad Request: message to edit not found"
    with pytest.raises(TelegramBadRequest) as same:
        await bot.edit_message_text("four", chat_id=CHAT, message_id=4, reply_markup=markup)
    assert same.value.message == (
        "Bad Request: message is not modified: specified new message content and reply markup "
        "are exactly the same as a current content and reply markup of the message"
    )
