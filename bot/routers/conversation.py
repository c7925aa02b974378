"""The conversation itself: every private message or button becomes a dialog event.

Handlers are thin: translate the update into a `dialogs` event and take the turn (bot.turn).
"""

from __future__ import annotations

from typing import Any, Final

from aiogram import F, Router
from aiogram.filters import Command as CommandFilter
from aiogram.filters import CommandObject
from aiogram.types import CallbackQuery, Message

from bot import callbacks
from bot.routers import booking
from bot.texts import outdated_button
from bot.turn import Turn, repeat_question, take_turn
from dialogs.booking.screens import HANDOFF
from dialogs.events import (
    ButtonPress,
    Command,
    CommandName,
    ContactShared,
    Event,
    LocationShared,
    TextInput,
)

DIALOG_COMMANDS: Final[tuple[CommandName, ...]] = (
    "start",
    "back",
    "restart",
    "language",
    "help",
    "summary",
)


async def on_command(message: Message, command: CommandObject, **data: Any) -> None:
    name = command.command.lower()
    event = Command(name=next(n for n in DIALOG_COMMANDS if n == name))
    await _turn(data, message.chat.id, Turn.from_data(data, message.chat.id), event)


async def on_text(message: Message, **data: Any) -> None:
    assert message.text is not None
    await _turn(
        data, message.chat.id, Turn.from_data(data, message.chat.id), TextInput(text=message.text)
    )


async def on_contact(message: Message, **data: Any) -> None:
    assert message.contact is not None
    event = ContactShared(phone=message.contact.phone_number)
    await _turn(data, message.chat.id, Turn.from_data(data, message.chat.id), event)


async def on_location(message: Message, **data: Any) -> None:
    assert message.location is not None
    event = LocationShared(latitude=message.location.latitude, longitude=message.location.longitude)
    await _turn(data, message.chat.id, Turn.from_data(data, message.chat.id), event)


async def on_press(query: CallbackQuery, **data: Any) -> None:
    assert query.message is not None
    turn = Turn.from_data(data, query.message.chat.id, callback=query)
    press: ButtonPress | None = callbacks.decode(query.data or "")
    if press is None:  # not a dialog button (an old format or garbage): say so, ask again
        await repeat_question(turn, outdated_button(), toast=outdated_button())
        return
    await _turn(data, query.message.chat.id, turn, press)


async def _turn(data: dict[str, Any], chat_id: int, turn: Turn, event: Event) -> None:
    """The intake's turn; when it hands the user over (to booking), that conversation starts
    in the same turn."""
    handoff = await take_turn(turn, event)
    if handoff == HANDOFF:
        await booking.hand_over(data, chat_id)


def create_router() -> Router:
    router = Router(name="conversation")
    router.message.filter(F.chat.type == "private")
    router.callback_query.filter(F.message.chat.type == "private")
    router.message.register(on_command, CommandFilter(*DIALOG_COMMANDS, ignore_case=True))
    router.message.register(on_text, F.text)
    router.message.register(on_contact, F.contact)
    router.message.register(on_location, F.location)
    router.callback_query.register(on_press, callbacks.DialogButton.filter())
    return router
