"""Reminders on WhatsApp: the transport booking.sender.ReminderSender sends through.

WhatsApp lets a business write freely only within 24 hours of the user's last message (the
customer-service window); after that only an approved template may go. So a reminder is:
- within the window (`window_hours` after they last wrote, 23.5 by default): the same reminder
  as on Telegram (dialogs.booking.screens.reminder), with its "I will come / Reschedule /
  Cancel" buttons;
- outside it: the template `WHATSAPP_REMINDER_TEMPLATE` in the user's language (kk or ru), its
  three body parameters the visit's time, the place's name and its address (the texts to
  submit for approval are in whatsapp/README.md). Its quick replies are not needed: a reply of
  theirs reopens the window, and "menu" shows the appointment.
The Cloud API's refusals map onto the sender's outcomes: unreachable (131047, 131026) as
Telegram's 403 (the user is marked, their reminders cancelled), a throughput limit (130429) as
Telegram's 429 (every reminder waits), a limit on this one user (131056), 5xx and network
failures as transient (this reminder is retried with backoff), anything else (a template
refused, 132xxx) as rejected.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from booking.notifications import ReminderDue
from booking.sender import Blocked, Rejected, RetryAfter, Transient
from common.i18n import Language
from dialogs.booking import screens
from dialogs.reply import render_one
from storage.base import utc_now
from whatsapp import store
from whatsapp.client import GraphClient, GraphError
from whatsapp.render import Message, render_replies
from whatsapp.settings import WhatsAppSettings

MAX_PARAMETER: Final = 1024


def template_parameter(text: str) -> str:
    """A template parameter may not hold new lines, tabs or more than four spaces in a row."""
    flat = ", ".join(line.strip() for line in text.splitlines() if line.strip())
    return " ".join(flat.replace("\t", " ").split())[:MAX_PARAMETER]


def template_message(reminder: ReminderDue, settings: WhatsAppSettings) -> Message:
    """The approved reminder template with the visit's time, the place and its address."""
    lang = _language(reminder)
    parameters = [
        screens.when(reminder.starts_at).render(lang),
        screens.PlaceText(reminder.place, "name").render(lang),
        reminder.place.localized("address", lang),
    ]
    return {
        "type": "template",
        "template": {
            "name": settings.reminder_template,
            "language": {"code": settings.template_languages.get(lang, lang)},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": template_parameter(value)} for value in parameters
                    ],
                }
            ],
        },
    }


def free_form_messages(reminder: ReminderDue) -> list[Message]:
    """The reminder as on Telegram, with its buttons (within the 24-hour window)."""
    lang = _language(reminder)
    reply = screens.reminder(
        reminder.appointment_id, reminder.starts_at, reminder.offset_minutes, reminder.place
    )
    return render_replies([render_one(reply, lang)], "appointment", 0, lang).messages


def _language(reminder: ReminderDue) -> Language:
    return "kk" if reminder.language == "kk" else "ru"


class WhatsAppTransport:
    """`booking.sender.Transport` over the Graph API (see the module docstring)."""

    def __init__(
        self,
        client: GraphClient,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: WhatsAppSettings,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.client = client
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.clock = clock

    async def send(self, chat_id: int, reminder: ReminderDue, *, timeout: float) -> int | None:
        """Send it; WhatsApp's ids are strings, so no message id is returned (None)."""
        async with self.sessionmaker() as db:
            recipient, last_inbound = await store.recipient_of(db, chat_id)
        if recipient is None:
            raise Rejected("no WhatsApp number")
        window = timedelta(hours=self.settings.window_hours)
        within = last_inbound is not None and self.clock() - last_inbound < window
        messages: list[dict[str, Any]] = (
            free_form_messages(reminder) if within else [template_message(reminder, self.settings)]
        )
        try:
            for message in messages:
                await self.client.send(recipient, message, timeout=timeout)
        except GraphError as error:
            verdict = error.verdict
            if verdict == "blocked":
                raise Blocked(str(error)) from None
            if verdict == "rate_limited":
                raise RetryAfter(self.settings.rate_limit_pause_seconds) from None
            if verdict in ("pair_limited", "transient"):
                raise Transient(str(error)) from None
            raise Rejected(str(error)) from None
        return None
