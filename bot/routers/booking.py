"""Booking on Telegram: /book, /my_appointment and booking's buttons.

Thin: each handler loads the chat's booking draft with its version, makes one call of the
transport-free `dialogs.booking.flow.BookingFlow` (over `booking.service.BookingService` in the
update's transaction, and the intake's answers), stores the draft it returns by compare-and-set
on the loaded version, and adds the replies, rendered in the user's language by bot.keyboards,
to the turn's outbox (sent once the turn has committed). Texts, contacts and locations are ours
only while a booking is in progress (a draft exists); otherwise they fall through to the intake
conversation. Any other command abandons the booking and goes on to the conversation router.
Button data are the `CallbackData` classes of bot/callbacks_booking.py. Reminders are
bot.reminders'.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime
from functools import cache, cached_property
from typing import Any, Final, Literal

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import CallbackQuery, Message
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from booking.drafts_repo import DraftConflict, DraftRepository
from booking.service import BookingService
from booking.settings import BookingSettings
from bot import keyboards
from bot.callbacks_booking import (
    AppointmentAction,
    BookingStep,
    encode,
    is_booking_button,
)
from bot.delivery import TurnReplies
from bot.middlewares import ConversationConflict
from bot.privacy import chat_ref
from bot.store import StoredConversation, UserRow
from common.i18n import Language
from common.text import Renderable
from dialogs.booking.draft import Current, Draft
from dialogs.booking.flow import (
    AppointmentPress,
    BookingEvent,
    BookingFlow,
    Outcome,
    ShowAppointment,
    Start,
    StepPress,
    UnknownButton,
    Who,
)
from dialogs.booking.intake import FromIntake
from dialogs.booking.port import BookingPort
from dialogs.events import ContactShared, LocationShared, TextInput
from dialogs.reply import render
from dialogs.session import Session
from storage.base import utc_now

log = logging.getLogger(__name__)

BOOKING_COMMANDS: Final = ("book", "my_appointment")


class IntakeAnswers:
    """The booking's `Citizen` from what the turn already read: the users row (consent) and
    the intake session (parsed only if the flow asks: most texts are not about booking)."""

    def __init__(self, user: UserRow | None, stored: StoredConversation | None) -> None:
        self.consent = user is not None and user.consent_at is not None
        self.stored = stored

    @cached_property
    def intake(self) -> FromIntake:
        session = None
        if self.stored is not None:
            try:
                session = Session.model_validate_json(self.stored.data)
            except ValidationError:
                session = None
        return FromIntake(session, self.consent)

    def consented(self) -> bool:
        return self.consent

    def region(self) -> str | None:
        return self.intake.region()

    def settlement(self) -> Literal["urban", "rural"] | None:
        return self.intake.settlement()

    def checklist(self, today: date) -> Sequence[Renderable] | None:
        return self.intake.checklist(today)


async def take_booking_turn(
    data: dict[str, Any],
    chat_id: int,
    event: BookingEvent,
    settings: BookingSettings,
    query: CallbackQuery | None = None,
) -> None:
    """Load the draft, run the flow on one event, store its draft, say its replies: the turn's
    shape for every booking handler (and for the intake's hand-over to booking).

    None from the flow means "not a booking matter": the next router (the intake) gets it. A
    draft saved meanwhile by another turn of this chat makes the whole turn run again.
    """
    db: AsyncSession = data["db"]
    lang: Language = data["lang"]
    now = utc_now()
    drafts = DraftRepository(db, Draft)
    loaded, version = await drafts.load(chat_id, now)
    current = Current(loaded, version) if loaded is not None and version is not None else None
    port: BookingPort = BookingService(db, settings)
    flow = BookingFlow(port, IntakeAnswers(data.get("user"), data.get("conversation")))
    outcome = await flow.handle(Who(chat_id, lang, now), current, event)
    if outcome is None:
        raise SkipHandler
    try:
        shown = await _store(drafts, chat_id, outcome, version, now)
    except DraftConflict:
        raise ConversationConflict(chat_ref(chat_id)) from None
    replies: TurnReplies = data["replies"]
    if query is not None:
        replies.add(AnswerCallbackQuery(callback_query_id=query.id))
    for call in keyboards.send_all(chat_id, render(outcome.replies, lang), shown, encode):
        replies.add(call)


async def _store(
    drafts: DraftRepository[Draft],
    chat_id: int,
    outcome: Outcome,
    version: int | None,
    now: datetime,
) -> int:
    """Store the outcome's draft (compare-and-set); the version its buttons carry."""
    if outcome.keep:
        return version or 0
    if outcome.draft is not None:
        return await drafts.save(chat_id, outcome.draft, expected_version=version, now=now)
    if version is not None:
        await drafts.drop(chat_id, expected_version=version)
    return 0


@cache
def default_settings() -> BookingSettings:
    """Booking's settings from the environment, read once."""
    return BookingSettings()


async def hand_over(data: dict[str, Any], chat_id: int) -> None:
    """Start booking in this turn: the intake's hand-over (a reply with `handoff` equal to
    dialogs.booking.screens.HANDOFF, "Book a visit" under the result). The caller has
    answered the button press already, if there was one."""
    await take_booking_turn(data, chat_id, Start(), default_settings())


def create_router(settings: BookingSettings | None = None) -> Router:
    config = settings or default_settings()
    router = Router(name="booking")
    router.message.filter(F.chat.type == "private")
    router.callback_query.filter(F.message.chat.type == "private")

    async def on_book(message: Message, **data: Any) -> None:
        await take_booking_turn(data, message.chat.id, Start(), config)

    async def on_my_appointment(message: Message, **data: Any) -> None:
        await take_booking_turn(data, message.chat.id, ShowAppointment(), config)

    async def on_other_command(message: Message, db: AsyncSession, **data: Any) -> None:
        """Another command (/start, /help…) ends a booking in progress; the intake takes it."""
        await DraftRepository(db, Draft).abandon(message.chat.id)
        raise SkipHandler

    async def on_press(query: CallbackQuery, **data: Any) -> None:
        """Our buttons (the intake's "Book a visit" hands over through bot.routers.conversation)."""
        assert query.message is not None
        found: BookingStep | AppointmentAction | None = data.get("callback_data")
        event: BookingEvent
        if isinstance(found, BookingStep):
            event = StepPress(found.action, found.value, found.version)
        elif isinstance(found, AppointmentAction):
            event = AppointmentPress(found.action, found.appointment)
        else:  # booking's mark, but none of its buttons (an old format, a forged payload)
            event = UnknownButton()
        await take_booking_turn(data, query.message.chat.id, event, config, query)

    async def on_text(message: Message, **data: Any) -> None:
        event = TextInput(text=message.text or "")
        await take_booking_turn(data, message.chat.id, event, config)

    async def on_contact(message: Message, **data: Any) -> None:
        assert message.contact is not None
        contact, author = message.contact, message.from_user
        event: BookingEvent = ContactShared(phone=contact.phone_number)
        if contact.user_id is not None and author is not None and contact.user_id != author.id:
            event = TextInput(text="-")  # someone else's contact card: ask again
        await take_booking_turn(data, message.chat.id, event, config)

    async def on_location(message: Message, **data: Any) -> None:
        assert message.location is not None
        where = message.location
        event = LocationShared(latitude=where.latitude, longitude=where.longitude)
        await take_booking_turn(data, message.chat.id, event, config)

    router.message.register(on_book, Command(BOOKING_COMMANDS[0], ignore_case=True))
    router.message.register(on_my_appointment, Command(BOOKING_COMMANDS[1], ignore_case=True))
    router.message.register(on_other_command, F.text.startswith("/"))
    router.message.register(on_text, F.text)
    router.message.register(on_contact, F.contact)
    router.message.register(on_location, F.location)
    router.callback_query.register(on_press, BookingStep.filter())
    router.callback_query.register(on_press, AppointmentAction.filter())
    router.callback_query.register(on_press, F.data.func(is_booking_button))
    return router
