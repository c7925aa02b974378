"""A fake Telegram Bot API server for end-to-end tests and benchmarks (real HTTP, real aiogram).

Usage::

    async with FakeTelegram() as fake:
        api = TelegramAPIServer.from_base(fake.base_url)
        bot = Bot(fake.token, session=AiohttpSession(api=api))
        user = fake.user(1001, language_code="kk")
        await user.send_command("/start")
        reply = await user.wait_reply()
"""

from .chats import ChatState
from .client import LoopbackSession, fake_api, make_bot
from .formatting import parse_text
from .models import ApiError, RecordedRequest, SentMessage, UploadedFile
from .protocol import BLOCKED, SECRET_HEADER, update_chat_id
from .server import FakeTelegram
from .user import FakeUser

__all__ = [
    "BLOCKED",
    "SECRET_HEADER",
    "ApiError",
    "ChatState",
    "FakeTelegram",
    "FakeUser",
    "LoopbackSession",
    "RecordedRequest",
    "SentMessage",
    "UploadedFile",
    "fake_api",
    "make_bot",
    "parse_text",
    "update_chat_id",
]
