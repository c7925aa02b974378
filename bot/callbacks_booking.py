"""Callback data of booking's buttons, as aiogram `CallbackData` classes.

- `BookingStep` (`!bk:<action>:<value>:<version>`): a step of the booking in progress; the
  version is the draft's when the screen was shown, so the flow recognises an old screen.
- `AppointmentAction` (`!bk:<action>:<appointment id>`): about one appointment; valid on old
  messages (a reminder).

The two share the prefix and are told apart by their number of fields. The prefix and layout
are the ones booking's buttons always had, so buttons already in users' chats (yesterday's
reminder) keep working; the leading `!` marks them as the bot's own, never the intake's
(bot/callbacks.py). `encode` turns the conversation's options (dialogs.booking.screens: `STEP`
or `APPOINTMENT` buttons, valued `action:value`) into these; bot/keyboards.py calls it.
"""

from __future__ import annotations

from typing import Final

from aiogram.filters.callback_data import CallbackData

from dialogs.booking import screens

PREFIX: Final = "!bk"


class BookingStep(CallbackData, prefix=PREFIX):
    action: str
    value: str
    version: int


class AppointmentAction(CallbackData, prefix=PREFIX):
    action: str
    appointment: int


def encode(question: str, value: str, version: int) -> str:
    """The callback data of one of booking's options (`question` is its reply's)."""
    action, rest = screens.button_parts(value)
    if question == screens.APPOINTMENT:
        return AppointmentAction(action=action, appointment=int(rest)).pack()
    return BookingStep(action=action, value=rest, version=version).pack()


def is_booking_button(data: str | None) -> bool:
    """Whether the data has booking's prefix (also an old or malformed one of its buttons)."""
    return bool(data) and str(data).startswith(PREFIX + ":")
