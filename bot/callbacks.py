"""Callback data of the intake's buttons and of /delete_my_data's, as aiogram `CallbackData`.

`DialogButton` (`q:<question>:<value>:<version>`, at most 64 bytes, Telegram's limit): the
version is the session version the button was shown at, so the dialog recognises a press on an
old message. Data of any other shape (an old format, a forged payload) is not a dialog press:
the fallback router answers it with "this button is outdated" and the question again.
Booking's buttons are bot/callbacks_booking.py's; the bot's own start with `!`.
"""

from __future__ import annotations

from typing import Final, Literal

from aiogram.filters.callback_data import CallbackData

from dialogs.events import ButtonPress

BOT_PREFIX: Final = "!"


class DialogButton(CallbackData, prefix="q"):
    question: str
    value: str
    version: int


class DeleteChoice(CallbackData, prefix="!delete"):
    answer: Literal["yes", "no"]


DELETE_YES: Final = DeleteChoice(answer="yes").pack()
DELETE_NO: Final = DeleteChoice(answer="no").pack()


def encode(question: str, value: str, version: int) -> str:
    """The data of one option of a dialog question (ValueError if it cannot fit 64 bytes)."""
    return DialogButton(question=question, value=value, version=version).pack()


def decode(data: str) -> ButtonPress | None:
    """The press, or None when the data is not a dialog button's."""
    try:
        button = DialogButton.unpack(data)
    except (ValueError, TypeError):
        return None
    return ButtonPress(question=button.question, value=button.value, version=button.version)
