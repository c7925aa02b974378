"""Reminders on Telegram: the transport the reminder sender (booking.sender) sends through,
the sender as a task of the bot process, and the sender alone (`python -m bot reminders`).

The reminder is handed over as data (booking.notifications.ReminderDue) and worded here, in
the user's language, by the booking screens (dialogs.booking.screens.reminder).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import signal
import sys

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from booking.notifications import ReminderDue
from booking.sender import Blocked, Rejected, ReminderSender, RetryAfter, Transient
from booking.settings import BookingSettings
from bot import keyboards
from bot.callbacks_booking import encode
from bot.config import ConfigurationError, Settings, load_settings
from bot.factory import create_bot, engine_options
from bot.speedups import Speedups
from bot.telegram_session import call_for_message_id
from common.i18n import Language
from dialogs.booking import screens
from dialogs.reply import render_one
from storage.base import create_engine, session_maker


class TelegramTransport:
    """`booking.sender.Transport` over aiogram: one message, Telegram's answer as an outcome."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, reminder: ReminderDue, *, timeout: float) -> int | None:
        """Only the message id is taken from the answer (no Message object is built): the
        sender records the send right after, and that time is the window a crash repeats in."""
        method = reminder_call(chat_id, reminder)
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


def reminder_call(chat_id: int, reminder: ReminderDue) -> keyboards.SendCall:
    """The reminder worded in the user's language, as the one Telegram call that sends it."""
    lang: Language = "kk" if reminder.language == "kk" else "ru"
    reply = screens.reminder(
        reminder.appointment_id, reminder.starts_at, reminder.offset_minutes, reminder.place
    )
    (call,) = keyboards.send_calls(chat_id, render_one(reply, lang), 0, encode)
    return call


def reminder_sender_task(
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: BookingSettings | None = None,
) -> asyncio.Task[None]:
    """The reminder sender loop as a background task of the bot process."""
    sender = ReminderSender(sessionmaker, TelegramTransport(bot), settings)
    return asyncio.create_task(sender.run(), name="reminder-sender")


async def _run_sender_alone(rate: float | None) -> None:
    try:
        settings = load_settings(Settings)
        booking_settings = load_settings(BookingSettings)
    except ConfigurationError as error:
        print(error, file=sys.stderr)
        raise SystemExit(2) from None
    if rate is not None:
        booking_settings.send_rate = rate
    options = engine_options(settings.database_url, Speedups(settings.speedups))
    engine = create_engine(settings.database_url, **options)
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


def run_alone(rate: float | None = None) -> int:
    """`python -m bot reminders`: the reminder sender alone (e.g. a second process)."""
    logging.basicConfig(level=logging.INFO)
    asyncio.run(_run_sender_alone(rate))
    return 0
