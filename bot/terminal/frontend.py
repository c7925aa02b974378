"""The terminal as a complete front end: the intake, booking, /my_appointment, /delete_my_data.

The same transport-free conversations as on Telegram: `dialogs.step` for the intake (kept in
memory for the run), `dialogs.booking.flow.BookingFlow` over `booking.service.BookingService`
on the bot's database for booking (bot/routers/booking.py is the Telegram twin), and the bot's
erasure (bot/routers/privacy.py) for /delete_my_data. A typed line goes, in this order, to:
the terminal's own commands; the erasure question, if asked; the intake's commands (which end a
booking in progress, as on Telegram); the options booking showed last (a number or words); the
booking in progress (a typed phone, a town or coordinates instead of a location); else the
intake. An empty line shows the question again.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Final, TextIO

from sqlalchemy.exc import SQLAlchemyError

from booking.service import BookingService
from booking.settings import BookingSettings
from bot import texts
from bot.terminal.database import CHAT_ID, TerminalDatabase, known_user
from bot.terminal.reading import (
    COMMANDS,
    chosen_option,
    coordinates,
    is_skip,
    option_index,
    special_command,
    to_event,
)
from bot.terminal.showing import request_hint, show
from common.i18n import Language
from common.text import Renderable, msg
from dialogs import Command, Event, RenderedReply, Session, TextInput, render, step
from dialogs.booking import screens
from dialogs.booking.draft import Current
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
from dialogs.events import LocationShared
from dialogs.intake.shipped import answered, ask, path, spellings
from dialogs.parse import match_choice, parse_yes_no
from dialogs.reply import Option, RenderedOption, Reply
from storage.base import utc_now

log = logging.getLogger(__name__)

ERASE: Final = "delete"
"""`Reply.question` of the erasure question (the terminal's own, not the intake's)."""


def database_trouble() -> Renderable:
    return msg(
        "Booking is not available right now: the database cannot be reached. Please try "
        "again later."
    )


def something_went_wrong() -> Renderable:
    return msg("Sorry, something went wrong. Please try again.")


class Terminal:
    """One terminal user's conversations, driven line by line."""

    def __init__(
        self,
        out: TextIO,
        *,
        today: date,
        database: TerminalDatabase,
        booking_settings: BookingSettings,
        files_dir: Path,
    ) -> None:
        self.out = out
        self.today = today
        self.database = database
        self.booking_settings = booking_settings
        self.files_dir = files_dir
        self.session = Session.new()
        self.draft: Current | None = None
        self.shown_intake: RenderedReply | None = None
        """The intake's question shown last (its options take numbers)."""
        self.shown_booking: RenderedReply | None = None
        """Booking's options shown last (a step, or an appointment's card)."""
        self.booking_last = False
        """Whether booking's options are the newest options on the screen."""
        self.request: str | None = None
        """The booking in progress waits for a phone or a location (typed, here)."""
        self.erasing = False
        """/delete_my_data asked "Delete everything?"."""

    @property
    def lang(self) -> Language:
        return self.session.language or "ru"

    # --- a line -------------------------------------------------------------------------------

    async def begin(self) -> None:
        await self.intake(Command(name="start"))

    async def line(self, line: str) -> bool:
        """Handle one typed line; False: the user leaves."""
        text = line.strip()
        special = special_command(text)
        if special == "quit":
            return False
        if self.erasing:
            self.erasing = False
            if await self.answer_erasure(text):
                return True
        if not text:
            self.show_again()
        elif special == "book":
            await self.booking(Start())
        elif special == "my_appointment":
            await self.booking(ShowAppointment())
        elif special == "delete_my_data":
            self.ask_erasure()
        elif text.lower() in COMMANDS:
            self.draft, self.request = None, None  # another command ends a booking in progress
            await self.intake(to_event(text, self.shown_intake, self.session.version))
        elif (option := self.booking_option(text)) is not None:
            await self.press(option)
        elif self.draft is not None:
            await self.booking_text(text)
        else:
            await self.intake(to_event(text, self.shown_intake, self.session.version))
        return True

    def show_again(self) -> None:
        """An empty line: the question waiting for an answer, again."""
        if self.booking_last and self.shown_booking is not None:
            if self.request is not None:
                self.say(request_hint(self.request))
            show([self.shown_booking], self.out, self.lang)
            return
        self.show_intake(render([ask(self.session, self.today)], self.lang))

    # --- the intake ---------------------------------------------------------------------------

    async def intake(self, event: Event) -> None:
        self.session, replies = step(self.session, event, today=self.today)
        handoff = any(reply.handoff for reply in replies)
        shown = [reply for reply in replies if not reply.handoff]
        if shown:
            self.show_intake(render(shown, self.lang))
        if handoff:  # "Book a visit" under the result
            await self.booking(Start())

    def show_intake(self, rendered: list[RenderedReply]) -> None:
        show(rendered, self.out, self.lang)
        asked = next((reply for reply in reversed(rendered) if reply.question), None)
        if asked is not None:
            self.shown_intake, self.booking_last = asked, False

    # --- booking ------------------------------------------------------------------------------

    def booking_option(self, text: str) -> RenderedOption | None:
        if not self.booking_last or self.shown_booking is None:
            return None
        return chosen_option(text, self.shown_booking)

    async def press(self, option: RenderedOption) -> None:
        assert self.shown_booking is not None
        action, value = screens.button_parts(option.value)
        event: BookingEvent
        if self.shown_booking.question == screens.APPOINTMENT:
            appointment = _appointment_id(value)
            event = (
                UnknownButton() if appointment is None else AppointmentPress(action, appointment)
            )
        else:
            version = self.draft.version if self.draft is not None else 0
            event = StepPress(action, value, version)
        await self.booking(event)

    async def booking_text(self, text: str) -> None:
        """Text while booking: a phone, or instead of a location a town, region or point."""
        event: BookingEvent = TextInput(text=text)
        if self.request == "location":
            point = coordinates(text)
            region = match_choice(text, spellings("region"))
            if is_skip(text):
                self.show_again()
                return
            if point is not None:
                event = LocationShared(latitude=point.latitude, longitude=point.longitude)
            elif region is not None and self.draft is not None:
                event = StepPress("region", region, self.draft.version)
        await self.booking(event)

    async def booking(self, event: BookingEvent) -> None:
        """One booking action in one transaction, as bot.routers.booking.take_booking_turn."""
        now = utc_now()
        consent = self.session.consent is True
        try:
            async with self.database.transaction() as db:
                await known_user(
                    db,
                    language=self.session.language,
                    consent_version=self.session.consent_text_version if consent else None,
                    now=now,
                )
                flow = BookingFlow(
                    BookingService(db, self.booking_settings), FromIntake(self.session, consent)
                )
                outcome = await flow.handle(Who(CHAT_ID, self.lang, now), self.draft, event)
        except (SQLAlchemyError, OSError):
            log.warning("terminal booking: the database failed", exc_info=True)
            self.say(database_trouble())
            return
        if outcome is None:  # not a booking matter after all: the intake's
            await self.intake(event if isinstance(event, TextInput) else TextInput(text=""))
            return
        if not outcome.keep:
            version = self.draft.version if self.draft is not None else 0
            self.draft = None if outcome.draft is None else Current(outcome.draft, version + 1)
            if self.draft is None:
                self.request = None
        self.show_booking(render(outcome.replies, self.lang))

    def show_booking(self, rendered: list[RenderedReply]) -> None:
        for reply in rendered:
            if reply.ends_request:
                self.request = None
            if reply.request is not None:
                self.request = reply.request
        show(rendered, self.out, self.lang, self.files_dir)
        with_options = [reply for reply in rendered if reply.question and reply.options]
        if with_options:
            self.shown_booking, self.booking_last = with_options[-1], True

    # --- /delete_my_data ----------------------------------------------------------------------

    def ask_erasure(self) -> None:
        self.erasing = True
        question = Reply(
            text=(texts.delete_confirm(),),
            question=ERASE,
            options=(Option("yes", texts.delete_yes()), Option("no", texts.delete_no())),
        )
        show(render([question], self.lang), self.out, self.lang)

    async def answer_erasure(self, text: str) -> bool:
        """The answer to "Delete everything?"; False: it was none, the line is handled as
        usual (nothing is deleted without an explicit yes)."""
        labels = {"yes": texts.delete_yes(), "no": texts.delete_no()}
        index = option_index(text, 2)
        typed = match_choice(
            text, {v: (label.render(self.lang).lower(),) for v, label in labels.items()}
        )
        yes = index == 0 or typed == "yes" or (typed is None and parse_yes_no(text) is True)
        if yes:
            await self.erase()
            return True
        self.say(texts.delete_cancelled())
        no = index == 1 or typed == "no" or parse_yes_no(text) is False or not text
        if no:
            self.show_again()
        return no

    async def erase(self) -> None:
        """Erase everything about the terminal's user, as the bot's /delete_my_data does."""
        lang = self.lang
        answers = sum(1 for position in path(self.session) if answered(self.session, position))
        try:
            erased = await self.database.erase_user()
        except (SQLAlchemyError, OSError):
            log.warning("terminal erasure: the database failed", exc_info=True)
            self.say(database_trouble())
            return
        self.session, self.draft, self.request = Session.new(), None, None
        self.shown_intake, self.shown_booking, self.booking_last = None, None, False
        report = texts.deleted(
            answers=answers, results=erased.results, appointments=erased.appointments
        )
        self.out.write("\n" + report.render(lang) + "\n")
        self.out.flush()

    def say(self, message: Renderable) -> None:
        self.out.write("\n" + message.render(self.lang) + "\n")
        self.out.flush()


def _appointment_id(value: str) -> int | None:
    """The appointment id an appointment button carries (ASCII digits), or None."""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None
