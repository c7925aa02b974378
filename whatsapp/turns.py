"""One WhatsApp message as one turn of the same conversations the Telegram bot runs.

Everything happens in the caller's transaction (whatsapp.app): the intake's `dialogs.step` on
the chat's stored session (compare-and-set on its version, as bot.turn), booking's
`BookingFlow` over `BookingService` with the chat's draft (as bot.routers.booking), the erasure
(as bot.routers.privacy); the replies are rendered (whatsapp.render) into `Turn.messages`,
which the caller stores in the outbox with the same commit.

What a message means, in this order (the Telegram bot's routers, and the terminal's for what
WhatsApp cannot show as a button):
- a pressed button or list row: its conversation, by its id (whatsapp.ids);
- typed "delete my data" (/delete_my_data, «удалить мои данные», «деректерімді өшіру»): the
  erasure question; the answer to it, typed; /book, /my_appointment; "menu" («меню», «мәзір»);
- the intake's /commands (which end a booking in progress, as on Telegram);
- a typed number (or words of a label, while booking) picking an option shown last;
- while booking: the phone, or a town, a region or coordinates instead of a location;
- else the intake.
A location or a contact card goes to the booking in progress, else the intake; a photo or a
voice note gets a hint and the question again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from booking.drafts_repo import DraftConflict, DraftRepository
from booking.service import BookingService
from booking.settings import BookingSettings
from bot import store, texts
from bot.privacy import chat_ref
from bot.store import StoredConversation, UserRow
from bot.terminal.reading import COMMANDS, chosen_option, coordinates, is_skip, to_event
from common.i18n import Language
from common.text import Renderable
from dialogs import Command, Event, Session, household_answers, render, step
from dialogs.booking import screens
from dialogs.booking.draft import Current, Draft
from dialogs.booking.flow import (
    AppointmentPress,
    BookingEvent,
    BookingFlow,
    ShowAppointment,
    Start,
    StepPress,
    UnknownButton,
    Who,
)
from dialogs.booking.intake import FromIntake
from dialogs.events import ButtonPress, ContactShared, LocationShared, TextInput
from dialogs.intake.shipped import answered, ask, path, spellings
from dialogs.parse import match_choice, parse_yes_no, words
from dialogs.reply import Option, RenderedReply, Reply
from whatsapp import ids
from whatsapp import texts as wa_texts
from whatsapp.ids import Conversation
from whatsapp.inbound import Incoming
from whatsapp.render import Message, Shown, render_page, render_replies, text_messages

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE: Final[Language] = "ru"
"""Until they choose (the intake's first question is the language, in both)."""
ERASE_QUESTION: Final = "delete"


def _words(*spellings: str) -> frozenset[str]:
    return frozenset(words(spelling) for spelling in spellings)


DELETE_WORDS: Final = _words(
    "delete my data",
    "delete_my_data",
    "удалить мои данные",
    "удалить данные",
    "деректерімді өшіру",
    "деректерді өшіру",
)
MENU_WORDS: Final = _words("menu", "/menu", "меню", "мәзір")
MENU: Final = (
    ("start", texts.command_start),
    ("book", texts.command_book),
    ("my_appointment", texts.command_my_appointment),
    ("language", texts.command_language),
    ("help", texts.command_help),
    ("delete", texts.command_delete_my_data),
)


class Conflict(Exception):
    """Another turn of this chat saved meanwhile (another process): run the turn again."""


@dataclass
class Turn:
    """One incoming message's turn, in the caller's transaction."""

    db: AsyncSession
    chat_id: int
    now: datetime
    today: date
    user: UserRow | None
    stored: StoredConversation | None
    shown: Shown | None
    messages: list[Message] = field(default_factory=list)
    new_shown: Shown | None = None
    erased: bool = False

    def session(self) -> tuple[Session, int | None]:
        if self.stored is None:
            return Session.new(), None
        try:
            return Session.model_validate_json(self.stored.data), self.stored.version
        except ValidationError:  # unreadable (an old format): start afresh, by compare-and-set
            return Session.new(), self.stored.version

    @property
    def lang(self) -> Language:
        session, _ = self.session()
        if session.language is not None:
            return session.language
        if self.user is not None and self.user.language in ("kk", "ru"):
            return "kk" if self.user.language == "kk" else "ru"
        return DEFAULT_LANGUAGE

    def say(self, replies: list[RenderedReply], conversation: Conversation, version: int) -> None:
        rendered = render_replies(replies, conversation, version, self.lang)
        self.messages.extend(rendered.messages)
        if rendered.shown is not None:
            self.new_shown = self.shown = rendered.shown

    def note(self, message: Renderable) -> None:
        self.messages.extend(text_messages(message.render(self.lang)))


class Conversations:
    """The conversations behind the WhatsApp front end (one per process)."""

    def __init__(self, booking_settings: BookingSettings) -> None:
        self.booking_settings = booking_settings

    async def handle(self, turn: Turn, incoming: Incoming) -> None:
        if incoming.kind == "reply":
            await self._pressed(turn, incoming.text)
        elif incoming.kind == "text":
            await self._typed(turn, incoming.text)
        elif incoming.kind == "location":
            where = LocationShared(latitude=incoming.latitude, longitude=incoming.longitude)
            if not await self.booking(turn, where):
                await self.intake(turn, where)
        elif incoming.kind == "contact":
            contact = ContactShared(phone=incoming.phone)
            if not await self.booking(turn, contact):
                await self.intake(turn, contact)
        else:
            turn.note(texts.unsupported_content())
            await self._show_again(turn)

    # --- what a message means ----------------------------------------------------------------

    async def _pressed(self, turn: Turn, pressed_id: str) -> None:
        pressed = ids.decode(pressed_id)
        if pressed is None:
            turn.note(wa_texts.nothing_to_show())
            await self._show_again(turn)
        elif pressed.conversation == "intake":
            event = ButtonPress(
                question=pressed.question, value=pressed.value, version=pressed.version
            )
            await self.intake(turn, event)
        elif pressed.conversation == "booking":
            action, value = screens.button_parts(pressed.value)
            await self.booking(turn, StepPress(action, value, pressed.version))
        elif pressed.conversation == "appointment":
            await self.booking(turn, _appointment_press(pressed.value))
        elif pressed.conversation == "erase":
            await self._answer_erasure(turn, yes=pressed.value == "yes")
        elif pressed.conversation == "menu":
            await self._menu_entry(turn, pressed.value)
        else:
            self._page(turn, int(pressed.value))

    async def _typed(self, turn: Turn, text: str) -> None:
        typed = text.strip()
        lowered, folded = typed.lower(), words(typed)
        shown = turn.shown
        if folded in DELETE_WORDS or lowered == "/delete_my_data":
            self.ask_erasure(turn)
        elif shown is not None and shown.conversation == "erase" and _yes_no(typed, shown):
            await self._answer_erasure(turn, yes=_yes_no(typed, shown) == "yes")
        elif lowered == "/book":
            await self.booking(turn, Start())
        elif lowered == "/my_appointment":
            await self.booking(turn, ShowAppointment())
        elif folded in MENU_WORDS or lowered == "/menu":
            self.menu(turn)
        elif lowered in COMMANDS:
            await DraftRepository(turn.db, Draft).abandon(turn.chat_id)
            await self.intake(turn, Command(name=COMMANDS[lowered]))
        elif shown is not None and shown.conversation != "intake" and shown.options:
            await self._typed_for(turn, shown, typed)
        elif shown is not None and shown.request is not None:
            await self._booking_text(turn, typed, shown.request)
        else:
            await self._intake_text(turn, typed, shown)

    async def _typed_for(self, turn: Turn, shown: Shown, typed: str) -> None:
        """Typed while booking's (or the menu's, or the erasure's) options are shown."""
        option = chosen_option(typed, shown.as_reply())
        if option is None:
            await self._booking_text(turn, typed, shown.request)
        elif shown.conversation == "booking":
            action, value = screens.button_parts(option.value)
            await self.booking(turn, StepPress(action, value, shown.version))
        elif shown.conversation == "appointment":
            await self.booking(turn, _appointment_press(option.value))
        elif shown.conversation == "menu":
            await self._menu_entry(turn, option.value)
        else:
            await self._answer_erasure(turn, yes=option.value == "yes")

    async def _booking_text(self, turn: Turn, typed: str, request: str | None) -> None:
        """Text while booking: a phone, or instead of a location a town, region or point
        (as the terminal reads it); not a booking matter: the intake's."""
        event: BookingEvent = TextInput(text=typed)
        if request == "location":
            point = coordinates(typed)
            region = match_choice(typed, spellings("region"))
            drafts = DraftRepository(turn.db, Draft)
            _, version = await drafts.load(turn.chat_id, turn.now)
            if is_skip(typed) and turn.shown is not None and turn.shown.options:
                self._page(turn, 0)
                return
            if point is not None:
                event = LocationShared(latitude=point.latitude, longitude=point.longitude)
            elif region is not None and version is not None:
                event = StepPress("region", region, version)
        if not await self.booking(turn, event):
            await self._intake_text(turn, typed, None)

    async def _intake_text(self, turn: Turn, typed: str, shown: Shown | None) -> None:
        session, _ = turn.session()
        last = shown.as_reply() if shown is not None and shown.conversation == "intake" else None
        version = shown.version if shown is not None else session.version
        await self.intake(turn, to_event(typed, last, version))

    async def _show_again(self, turn: Turn) -> None:
        """The question waiting for an answer, again (booking's options, else the intake's)."""
        shown = turn.shown
        if shown is not None and shown.conversation != "intake" and shown.options:
            self._page(turn, 0)
            return
        session, _ = turn.session()
        turn.say(render([ask(session, turn.today)], turn.lang), "intake", session.version)

    def _page(self, turn: Turn, page: int) -> None:
        shown = turn.shown
        if shown is None or not shown.options:
            turn.note(wa_texts.nothing_to_show())
            session, _ = turn.session()
            turn.say(render([ask(session, turn.today)], turn.lang), "intake", session.version)
            return
        turn.messages.extend(render_page(shown, page, turn.lang))

    # --- the intake ---------------------------------------------------------------------------

    async def intake(self, turn: Turn, event: Event) -> None:
        """dialogs.step on the stored session (as bot.turn.take_turn), then its hand-over."""
        before, stored_version = turn.session()
        after, replies = step(before, event, today=turn.today)
        if stored_version is None or after != before:
            data = after.model_dump_json(exclude_defaults=True)
            saved = await store.save_conversation(
                turn.db,
                turn.chat_id,
                expected_version=stored_version,
                data=data,
                finished=after.finished,
                now=turn.now,
            )
            if saved is None:
                raise Conflict(chat_ref(turn.chat_id))
            turn.stored = StoredConversation(data=data, version=saved)
            await self._record_user_facts(turn, before, after)
        handoff = any(reply.handoff == screens.HANDOFF for reply in replies)
        shown = [reply for reply in replies if not reply.handoff]
        turn.say(render(shown, turn.lang), "intake", after.version)
        if handoff:  # "Book a visit" under the result
            await self.booking(turn, Start())

    async def _record_user_facts(self, turn: Turn, before: Session, after: Session) -> None:
        """Language, consent (with the text's version), finished screenings (as bot.turn)."""
        user = turn.user
        if after.language and (user is None or user.language != after.language):
            await store.set_language(turn.db, turn.chat_id, after.language)
        consent_changed = after.consent_text_version != before.consent_text_version
        if after.consent and (not before.consent or consent_changed) and after.consent_text_version:
            await store.record_consent(turn.db, turn.chat_id, after.consent_text_version, turn.now)
        if after.finished and after.screening is not None and after.screening != before.screening:
            await store.save_screening(
                turn.db,
                turn.chat_id,
                result=after.screening,
                household=household_answers(after),
                now=turn.now,
            )

    # --- booking ------------------------------------------------------------------------------

    async def booking(self, turn: Turn, event: BookingEvent) -> bool:
        """One booking action (as bot.routers.booking.take_booking_turn); False: not a booking
        matter (no booking in progress), the intake's."""
        drafts = DraftRepository(turn.db, Draft)
        loaded, version = await drafts.load(turn.chat_id, turn.now)
        current = Current(loaded, version) if loaded is not None and version is not None else None
        session, _ = turn.session()
        consent = session.consent is True or (
            turn.user is not None and turn.user.consent_at is not None
        )
        flow = BookingFlow(
            BookingService(turn.db, self.booking_settings), FromIntake(session, consent)
        )
        outcome = await flow.handle(Who(turn.chat_id, turn.lang, turn.now), current, event)
        if outcome is None:
            return False
        try:
            if outcome.keep:
                shown_version = version or 0
            elif outcome.draft is not None:
                shown_version = await drafts.save(
                    turn.chat_id, outcome.draft, expected_version=version, now=turn.now
                )
            else:
                if version is not None:
                    await drafts.drop(turn.chat_id, expected_version=version)
                shown_version = 0
        except DraftConflict:
            raise Conflict(chat_ref(turn.chat_id)) from None
        rendered = render(outcome.replies, turn.lang)
        for reply in rendered:  # appointment cards and booking steps carry different ids
            kind: Conversation = (
                "appointment" if reply.question == screens.APPOINTMENT else "booking"
            )
            turn.say([reply], kind, shown_version)
        return True

    # --- the menu and the erasure ---------------------------------------------------------

    def menu(self, turn: Turn) -> None:
        options = tuple(Option(value, label()) for value, label in MENU)
        reply = Reply(text=(wa_texts.menu_title(),), question="menu", options=options)
        turn.say(render([reply], turn.lang), "menu", 0)

    async def _menu_entry(self, turn: Turn, entry: str) -> None:
        if entry == "book":
            await self.booking(turn, Start())
        elif entry == "my_appointment":
            await self.booking(turn, ShowAppointment())
        elif entry == "delete":
            self.ask_erasure(turn)
        elif entry in ("start", "language", "help"):
            if entry != "help":
                await DraftRepository(turn.db, Draft).abandon(turn.chat_id)
            name = "start" if entry == "start" else "language" if entry == "language" else "help"
            await self.intake(turn, Command(name=name))
        else:
            turn.note(wa_texts.nothing_to_show())
            await self._show_again(turn)

    def ask_erasure(self, turn: Turn) -> None:
        reply = Reply(
            text=(texts.delete_confirm(),),
            question=ERASE_QUESTION,
            options=(Option("yes", texts.delete_yes()), Option("no", texts.delete_no())),
        )
        turn.say(render([reply], turn.lang), "erase", 0)

    async def _answer_erasure(self, turn: Turn, *, yes: bool) -> None:
        if not yes:
            turn.note(texts.delete_cancelled())
            turn.new_shown = turn.shown = Shown(conversation="intake")
            await self._show_again(turn)
            return
        lang = turn.lang
        session, stored_version = turn.session()
        answers = (
            sum(1 for position in path(session) if answered(session, position))
            if stored_version is not None
            else 0
        )
        counts = await store.count_rows_about(turn.db, turn.chat_id)
        await store.delete_user(turn.db, turn.chat_id)
        log.info("%s: erased on request", chat_ref(turn.chat_id))
        report = texts.deleted(
            answers=answers,
            results=counts.get("screenings", 0),
            appointments=counts.get("appointments", 0),
        )
        turn.messages.extend(text_messages(report.render(lang)))
        turn.erased = True


def _appointment_press(value: str) -> AppointmentPress | UnknownButton:
    action, raw = screens.button_parts(value)
    if raw.isascii() and raw.isdigit() and len(raw) <= 18:
        return AppointmentPress(action, int(raw))
    return UnknownButton()


def _yes_no(typed: str, shown: Shown) -> str | None:
    """The typed answer to "delete everything?": an option's number or words, yes or no."""
    option = chosen_option(typed, shown.as_reply())
    if option is not None:
        return option.value
    answer = parse_yes_no(typed)
    return None if answer is None else "yes" if answer else "no"
