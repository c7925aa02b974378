"""How the dialog's options look on Telegram.

Options become an inline keyboard (`columns` buttons per row), each carrying
`question:value:version`. A reply that asks for a contact or a location gets a reply keyboard
with the request button (and its other options as plain buttons, which come back as text).
"""

from __future__ import annotations

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot import callbacks
from dialogs.reply import RenderedOption, RenderedReply

MAX_COLUMNS = 4


def rows(items: list[RenderedOption], columns: int) -> list[list[RenderedOption]]:
    width = max(1, min(columns, MAX_COLUMNS))
    return [items[i : i + width] for i in range(0, len(items), width)]


def inline_keyboard(reply: RenderedReply, version: int) -> InlineKeyboardMarkup | None:
    if not reply.options or reply.question is None or reply.request is not None:
        return None
    question = reply.question
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=option.label,
                    callback_data=callbacks.encode(question, option.value, version),
                )
                for option in row
            ]
            for row in rows(list(reply.options), reply.columns)
        ]
    )


def request_keyboard(reply: RenderedReply) -> ReplyKeyboardMarkup | None:
    """The first option is the share button; the others are plain buttons sent back as text."""
    if reply.request is None or not reply.options:
        return None
    first, *others = reply.options
    share = KeyboardButton(
        text=first.label,
        request_contact=reply.request == "contact" or None,
        request_location=reply.request == "location" or None,
    )
    buttons = [[share], *[[KeyboardButton(text=o.label) for o in row] for row in rows(others, 2)]]
    return ReplyKeyboardMarkup(keyboard=buttons, resize_keyboard=True, one_time_keyboard=True)


def remove_reply_keyboard() -> ReplyKeyboardRemove:
    return ReplyKeyboardRemove(remove_keyboard=True)


def confirm_keyboard(yes: str, no: str, yes_data: str, no_data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=yes, callback_data=yes_data)],
            [InlineKeyboardButton(text=no, callback_data=no_data)],
        ]
    )


def label_of(markup: InlineKeyboardMarkup | None, data: str) -> str | None:
    """The text of the pressed button, read back from the message it was on."""
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return None
