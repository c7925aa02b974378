"""The one renderer from the conversations' replies (dialogs.reply) to Telegram calls.

Options become an inline keyboard (the reply's `layout`, else `columns` buttons per row), each
button carrying the callback data the conversation's encoder makes of it: the intake's
`q:question:value:version` (bot/callbacks.py, the default) or booking's `CallbackData` classes
(bot/callbacks_booking.py). A reply that asks for a contact or a location gets a reply keyboard
with the request button (and its other options as plain buttons, which come back as text); one
that ends such a request takes that keyboard away. Attachments follow the text as messages of
their own: a venue (`sendVenue`), a file (`sendDocument`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aiogram.methods import SendDocument, SendMessage, SendVenue
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot import callbacks
from dialogs.reply import RenderedAttachment, RenderedOption, RenderedReply, RenderedVenue

MAX_COLUMNS = 4

Encode = Callable[[str, str, int], str]
"""(reply's question, option value, version) → callback data."""
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove
SendCall = SendMessage | SendVenue | SendDocument


def rows(items: list[RenderedOption], columns: int) -> list[list[RenderedOption]]:
    width = max(1, min(columns, MAX_COLUMNS))
    return [items[i : i + width] for i in range(0, len(items), width)]


def _layout(reply: RenderedReply) -> list[list[RenderedOption]]:
    options = list(reply.options)
    if not reply.layout or sum(reply.layout) != len(options):
        return rows(options, reply.columns)
    laid: list[list[RenderedOption]] = []
    start = 0
    for width in reply.layout:
        laid.append(options[start : start + width])
        start += width
    return laid


def inline_keyboard(
    reply: RenderedReply, version: int, encode: Encode = callbacks.encode
) -> InlineKeyboardMarkup | None:
    if not reply.options or reply.question is None or reply.request is not None:
        return None
    question = reply.question
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=option.label, callback_data=encode(question, option.value, version)
                )
                for option in row
            ]
            for row in _layout(reply)
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


def reply_markup(
    reply: RenderedReply, version: int, encode: Encode = callbacks.encode
) -> Markup | None:
    """Inline buttons, else a request's reply keyboard, else the end of an earlier request.

    One message carries one markup: a reply with buttons that also ends a request leaves the
    reply keyboard to Telegram (it is one-time: it hides once used).
    """
    inline = inline_keyboard(reply, version, encode)
    if inline is not None:
        return inline
    request = request_keyboard(reply)
    if request is not None:
        return request
    return ReplyKeyboardRemove(remove_keyboard=True) if reply.ends_request else None


def send_calls(
    chat_id: int, reply: RenderedReply, version: int, encode: Encode = callbacks.encode
) -> list[SendCall]:
    """The reply as Telegram calls, in order: its text with its markup, then its attachments."""
    calls: list[SendCall] = []
    if reply.text or not reply.attachments:
        markup = reply_markup(reply, version, encode)
        calls.append(SendMessage(chat_id=chat_id, text=reply.text, reply_markup=markup))
    calls.extend(_attachment(chat_id, attachment) for attachment in reply.attachments)
    return calls


def send_all(
    chat_id: int,
    replies: Sequence[RenderedReply],
    version: int,
    encode: Encode = callbacks.encode,
) -> list[SendCall]:
    return [call for reply in replies for call in send_calls(chat_id, reply, version, encode)]


def _attachment(chat_id: int, attachment: RenderedAttachment) -> SendVenue | SendDocument:
    if isinstance(attachment, RenderedVenue):
        return SendVenue(
            chat_id=chat_id,
            latitude=attachment.latitude,
            longitude=attachment.longitude,
            title=attachment.title,
            address=attachment.address,
        )
    return SendDocument(
        chat_id=chat_id,
        document=BufferedInputFile(attachment.content, filename=attachment.filename),
        caption=attachment.caption,
    )


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
