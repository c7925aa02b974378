"""Booking on Telegram: /book, /my_appointment, our buttons, and the reminder transport.

Thin: each handler turns the update into one `booking.conversation.BookingFlow` call (inside the
update's transaction, committed before anything is sent) and renders the `Outgoing` messages.
Texts, contacts and locations are ours only while a booking is in progress (a draft exists);
otherwise they fall through to the intake conversation. Any other command abandons the booking
and goes on to the conversation router.
`TelegramTransport` lets `booking.sender.ReminderSender` send through aiogram, translating
Telegram's answers (429, 403, 5xx) into the sender's outcomes; `reminder_sender_task` starts the
sender loop beside polling or the webhook.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import math
import re
import signal
import sys
from collections.abc import Awaitable
from typing import Any, Final

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.filters import Command
from aiogram.methods import AnswerCallbackQuery, SendDocument, SendMessage, SendVenue
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from booking.conversation import BookingFlow
from booking.drafts import DraftConflict
from booking.messages import Outgoing, is_ours
from booking.sender import Blocked, Rejected, ReminderSender, RetryAfter, Transient
from booking.settings import BookingSettings
from bot.delivery import TurnReplies
from bot.middlewares import ConversationConflict
from bot.telegram_session import call_for_message_id
from dialogs.i18n import Language
from storage.base import utc_now

log = logging.getLogger(__name__)

AFTER_RESULT_BOOK: Final = re.compile(r"^after_result:book:\d+$")
BOOKING_COMMANDS: Final = ("book", "my_appointment")


def reply_markup(
    out: Outgoing,
) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None:
    if out.buttons:
        return InlineKeyboardMarkup(
            inline_keyboard=[
                [InlineKeyboardButton(text=label, callback_data=data) for label, data in row]
                for row in out.buttons
            ]
        )
    if out.request is not None:
        button = KeyboardButton(
            text=out.request_label,
            request_contact=out.request == "contact" or None,
            request_location=out.request == "location" or None,
        )
        return ReplyKeyboardMarkup(
            keyboard=[[button]], resize_keyboard=True, one_time_keyboard=True
        )
    if out.remove_keyboard:
        return ReplyKeyboardRemove(remove_keyboard=True)
    return None


def telegram_method(chat_id: int, out: Outgoing) -> SendMessage | SendVenue | SendDocument:
    if out.venue is not None:
        venue = out.venue
        return SendVenue(
            chat_id=chat_id,
            latitude=venue.latitude,
            longitude=venue.longitude,
            title=venue.title,
            address=venue.address,
        )
    if out.document is not None:
        document = out.document
        return SendDocument(
            chat_id=chat_id,
            document=BufferedInputFile(document.content, filename=document.filename),
            caption=document.caption,
        )
    return SendMessage(chat_id=chat_id, text=out.text, reply_markup=reply_markup(out))


def deliver(replies: TurnReplies, chat_id: int, messages: list[Outgoing]) -> None:
    for out in messages:
        replies.add(telegram_method(chat_id, out))


async def _answer(
    data: dict[str, Any],
    chat_id: int,
    pending: Awaitable[list[Outgoing] | None],
    query: CallbackQuery | None = None,
) -> None:
    """Run one flow call and say what it returns (stored with the turn's commit): the turn's
    shape for every booking handler.

    None from the flow means "not a booking matter": the next router (the dialog) gets it.
    """
    try:
        messages = await pending
    except DraftConflict as conflict:
        raise ConversationConflict(str(conflict)) from None
    if messages is None:
        raise SkipHandler
    replies: TurnReplies = data["replies"]
    if query is not None:
        replies.add(AnswerCallbackQuery(callback_query_id=query.id))
    deliver(replies, chat_id, messages)


def create_router(settings: BookingSettings | None = None) -> Router:
    flow = BookingFlow(settings or BookingSettings())
    router = Router(name="booking")
    router.message.filter(F.chat.type == "private")
    router.callback_query.filter(F.message.chat.type == "private")

    async def on_book(message: Message, db: AsyncSession, lang: Language, **data: Any) -> None:
        chat_id = message.chat.id
        await _answer(data, chat_id, flow.start(db, chat_id, lang, utc_now()))

    async def on_my_appointment(
        message: Message, db: AsyncSession, lang: Language, **data: Any
    ) -> None:
        chat_id = message.chat.id
        await _answer(data, chat_id, flow.my_appointment(db, chat_id, lang, utc_now()))

    async def on_other_command(message: Message, db: AsyncSession, **data: Any) -> None:
        """Another command (/start, /help…) ends a booking in progress; the dialog takes it."""
        await flow.abandon(db, message.chat.id)
        raise SkipHandler

    async def on_press(query: CallbackQuery, db: AsyncSession, lang: Language, **data: Any) -> None:
        assert query.message is not None
        chat_id, pressed = query.message.chat.id, query.data or ""
        if AFTER_RESULT_BOOK.match(pressed):  # "Book a visit" under the screening result
            await _answer(data, chat_id, flow.start(db, chat_id, lang, utc_now()), query)
        else:
            await _answer(data, chat_id, flow.press(db, chat_id, lang, pressed, utc_now()), query)

    async def on_text(message: Message, db: AsyncSession, lang: Language, **data: Any) -> None:
        chat_id = message.chat.id
        await _answer(data, chat_id, flow.text(db, chat_id, lang, message.text or "", utc_now()))

    async def on_contact(message: Message, db: AsyncSession, lang: Language, **data: Any) -> None:
        assert message.contact is not None
        contact, chat_id = message.contact, message.chat.id
        author = message.from_user
        if contact.user_id is not None and author is not None and contact.user_id != author.id:
            # Someone else's contact card: not the user's own number, ask again.
            await _answer(data, chat_id, flow.text(db, chat_id, lang, "-", utc_now()))
            return
        phone = contact.phone_number
        await _answer(data, chat_id, flow.contact(db, chat_id, lang, phone, utc_now()))

    async def on_location(message: Message, db: AsyncSession, lang: Language, **data: Any) -> None:
        assert message.location is not None
        where, chat_id = message.location, message.chat.id
        found = flow.location(db, chat_id, lang, where.latitude, where.longitude, utc_now())
        await _answer(data, chat_id, found)

    router.message.register(on_book, Command(BOOKING_COMMANDS[0], ignore_case=True))
    router.message.register(on_my_appointment, Command(BOOKING_COMMANDS[1], ignore_case=True))
    router.message.register(on_other_command, F.text.startswith("/"))
    router.message.register(on_text, F.text)
    router.message.register(on_contact, F.contact)
    router.message.register(on_location, F.location)
    router.callback_query.register(on_press, F.data.func(is_ours))
    router.callback_query.register(on_press, F.data.regexp(AFTER_RESULT_BOOK))
    return router


# --- reminders --------------------------------------------------------------------------------


class TelegramTransport:
    """`booking.sender.Transport` over aiogram: one message, Telegram's answer as an outcome."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, message: Outgoing, *, timeout: float) -> int | None:
        """Only the message id is taken from the answer (no Message object is built): the
        sender records the send right after, and that time is the window a crash repeats in."""
        method = telegram_method(chat_id, message)
        try:
            return await call_for_message_id(self.bot, method, math.ceil(timeout))
        except TelegramRetryAfter as flood:
            raise RetryAfter(float(flood.retry_after)) from None
        except TelegramForbiddenError:
            raise Blocked(str(chat_id)) from None
        except (TelegramServerError, TelegramNetworkError) as error:
            raise Transient(type(error).__name__) from None
        except TelegramAPIError as error:
            raise Rejected(error.message) from None


def reminder_sender_task(
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: BookingSettings | None = None,
) -> asyncio.Task[None]:
    """The reminder sender loop as a background task of the bot process."""
    sender = ReminderSender(sessionmaker, TelegramTransport(bot), settings)
    return asyncio.create_task(sender.run(), name="reminder-sender")


async def _run_sender_alone(args: argparse.Namespace) -> None:
    from bot.app import create_bot, engine_options
    from bot.config import ConfigurationError, Settings, load_settings
    from storage.base import create_engine, session_maker

    try:
        settings = load_settings(Settings)
        booking_settings = load_settings(BookingSettings)
    except ConfigurationError as error:
        print(error, file=sys.stderr)
        raise SystemExit(2) from None
    if args.rate is not None:
        booking_settings.send_rate = args.rate
    engine = create_engine(settings.database_url, **engine_options(settings.database_url))
    bot = create_bot(settings)
    sender = ReminderSender(session_maker(engine), TelegramTransport(bot), booking_settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await sender.run(stop)
    finally:
        with contextlib.suppress(Exception):
            await bot.session.close()
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    """`python -m bot.routers.booking`: the reminder sender alone (e.g. a second process)."""
    parser = argparse.ArgumentParser(description="Send due booking reminders until stopped.")
    parser.add_argument("--rate", type=float, default=None, help="messages a second overall")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    asyncio.run(_run_sender_alone(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
