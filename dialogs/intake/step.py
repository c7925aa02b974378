"""The intake as one pure step: (session, event) → (new session, replies).

No I/O, no clock, no globals: `today` and the declared `Intake` come in as arguments. Every
input is answered; input that cannot be understood gets a short hint and the same question
again, and never changes an earlier answer. Commands (typed or as /commands) come first, then
the open question's kind reads the input, or the open screen its options.
"""

from __future__ import annotations

from datetime import date

from common.text import msg
from dialogs.events import ButtonPress, Command, ContactShared, Event, LocationShared, TextInput
from dialogs.intake.asking import BACK, ask
from dialogs.intake.declare import Intake, Turn
from dialogs.intake.kinds import pick
from dialogs.intake.navigation import (
    accept,
    ask_start_over,
    back,
    bump,
    choose_language,
    help_reply,
    restart,
    stale,
    to_summary,
)
from dialogs.intake.vocabulary import (
    BACK_WORDS,
    HELP_WORDS,
    LANGUAGE_WORDS,
    RESTART_WORDS,
    SUMMARY_WORDS,
)
from dialogs.parse import words
from dialogs.reply import Reply
from dialogs.session import Session


def step(intake: Intake, session: Session, event: Event, *, today: date) -> Turn:
    """Answer one user event. Pure; never raises (an internal error re-asks the question)."""
    try:
        return take(intake, session, event, today)
    except Exception:  # the promise is "never crash": the user gets the question again
        try:
            note = msg("Sorry, something went wrong. Once more:")
            return session, [ask(intake, session, today, note)]
        except Exception:
            return session, [Reply((msg("Sorry, something went wrong. Please type /restart."),))]


def take(intake: Intake, s: Session, event: Event, today: date) -> Turn:
    """`step` without the safety net (tests use it to see errors)."""
    if isinstance(event, Command):
        return _command(intake, s, event, today)
    if isinstance(event, ContactShared | LocationShared):
        note = msg(
            "Thank you. A phone number or location is needed only to book a visit, "
            "after the result. Let us continue:"
        )
        return s, [ask(intake, s, today, note)]
    if isinstance(event, ButtonPress):
        return _button(intake, s, event, today)
    if isinstance(event, TextInput):
        return _text(intake, s, event.text, today)
    return s, [ask(intake, s, today)]  # pragma: no cover - every event kind is handled above


def _command(intake: Intake, s: Session, command: Command, today: date) -> Turn:
    name = command.name
    if name == "back":
        return back(intake, s, today)
    if name == "restart":
        return restart(intake, s, today)
    if name == "language":
        return choose_language(intake, s, today)
    if name == "help":
        return s, help_reply(intake, s, today)
    if name == "summary":
        return to_summary(intake, s, today)
    # start
    if s.finished:
        return restart(intake, s, today)
    if s.version == 0:
        return s, [ask(intake, s, today)]
    return s, [ask(intake, s, today, msg("Welcome back! Let us continue where we stopped."))]


def _button(intake: Intake, s: Session, event: ButtonPress, today: date) -> Turn:
    screen = intake.screens.get(s.at)
    question = intake.by_id.get(s.at)
    if event.question != s.at or (screen is None and question is None):
        return stale(intake, s, today)
    # A screen's options, and a repeated question's, depend on the answers: an old message's
    # button must not act on today's.
    repeated = question is not None and question.repeat is not None
    if event.version != s.version and (screen is not None or repeated):
        return stale(intake, s, today)
    if event.value == BACK:
        return back(intake, s, today)
    if screen is not None:
        return screen.press(intake, s, event.value, today)
    assert question is not None
    current = question.field.read(s, s.idx)
    return accept(intake, s, question, question.kind.from_button(event.value, s, current), today)


def _text(intake: Intake, s: Session, text: str, today: date) -> Turn:
    screen = intake.screens.get(s.at)
    question = intake.by_id.get(s.at) or intake.home  # (home: a position no longer declared)
    hint = screen.hint if screen is not None else question.unclear
    w = words(text)
    if w in HELP_WORDS or text.strip() == "?":  # before the empty check: "?" has no words
        return s, help_reply(intake, s, today)
    if not w:
        return s, [ask(intake, s, today, hint)]
    if w in BACK_WORDS:
        return back(intake, s, today)
    if w in RESTART_WORDS:
        return ask_start_over(intake, s, today)
    if w in SUMMARY_WORDS:
        return to_summary(intake, s, today)
    if w in LANGUAGE_WORDS and (screen is not None or not question.chooses_language):
        new = bump(s)
        new.language = LANGUAGE_WORDS[w]
        return new, [ask(intake, new, today)]
    if screen is not None:
        values = [option.value for option in screen.options(intake, s)]
        value = pick(text, values, dict(screen.spellings))
        if value is None:
            return s, [ask(intake, s, today, hint)]
        return screen.press(intake, s, value, today)
    current = question.field.read(s, s.idx)
    return accept(intake, s, question, question.kind.from_text(text, s, current), today)
