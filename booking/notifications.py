"""What booking has to tell a citizen by itself (a reminder), as data: no words, no buttons.

Booking knows *that* a reminder is due and what it is about; how it is worded, in which
language and with which buttons is the conversation layer's business (dialogs.booking.screens
`reminder`), rendered late by the front end that delivers it (bot/reminders.py's
`TelegramTransport`). So the sender stays text-free, and the same notice can go out through
any channel in the citizen's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from booking.places import Place


@dataclass(frozen=True, slots=True)
class ReminderDue:
    """One reminder to deliver: the appointment it is about, how long before it, in which
    language (the user's choice, else the language they booked in)."""

    appointment_id: int
    starts_at: datetime
    offset_minutes: int
    language: str
    place: Place
