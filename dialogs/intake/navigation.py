"""Moving through the intake: answering, going back, starting over, switching the language,
jumping to the summary, and changing a part from the summary (the `editing` loop).

Every function takes the session as it was and returns the new one (a copy with a higher
`version`, or the same object when nothing changed) with the replies.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from common.text import Renderable, msg
from dialogs.intake.asking import ask
from dialogs.intake.declare import AFTER_RESULT, SUMMARY, Intake, Question, Turn
from dialogs.intake.kinds import Answer, Hint, Reading, Redraw
from dialogs.intake.path import FILL, Position, answered, first_unanswered, in_scope, path
from dialogs.reply import InLanguage, Lines, Reply
from dialogs.session import Session

START_OVER: Final = "start_over"
"""The screen asking "Start over?" (dialogs.intake.screens.start_over)."""


def bump(s: Session) -> Session:
    """A copy to change: every change of the session raises its version (buttons carry it).

    The copy is made by pydantic-core (dump, then validate): the same deep copy as
    `model_copy(deep=True)`, about three times faster, and this runs on every answer."""
    new = type(s).model_validate(s.model_dump())
    new.version = s.version + 1
    return new


def encode(pos: Position) -> str:
    return f"{pos[0]}:{pos[1]}"


def decode(intake: Intake, text: str) -> Position:
    name, _, idx = text.partition(":")
    return (name, int(idx)) if name in intake.names and idx.isdigit() else (intake.home.id, 0)


def go(s: Session, pos: Position, *, remember: bool = True) -> None:
    """Stand at `pos`; `remember` the position left, for « Back (the last 60 are kept)."""
    if remember:
        s.history.append(encode((s.at, s.idx)))
        del s.history[:-60]
    s.at, s.idx = pos


def advance(intake: Intake, s: Session) -> None:
    """Move on from the question just answered: the next on the path. While a part is changed
    from the summary, leaving that part switches to asking only what is missing (`FILL`),
    then back to the summary."""
    seq = path(intake, s)
    here = (s.at, s.idx)
    nxt = (
        seq[seq.index(here) + 1] if here in seq and here != seq[-1] else first_unanswered(intake, s)
    )
    if s.editing is not None and not in_scope(intake, nxt, s.editing):
        s.editing = FILL
    if s.editing == FILL:
        nxt = first_unanswered(intake, s)
        if nxt[0] == SUMMARY:
            s.editing = None
    go(s, nxt)


def accept(
    intake: Intake, s: Session, q: Question[Any], reading: Reading[Any], today: date
) -> Turn:
    """What a reading of the user's input does at question `q`: an answer is checked, stored,
    and the conversation moves on (or where the question's `then` says)."""
    if reading is None:
        return s, [ask(intake, s, today, q.unclear)]
    if isinstance(reading, Hint):
        return s, [ask(intake, s, today, reading.text)]
    if isinstance(reading, Redraw):
        new = bump(s)
        reading.change(new)
        return new, [ask(intake, new, today, replace=True)]
    assert isinstance(reading, Answer)
    if q.check is not None:
        problem = q.check(s, s.idx, reading.value, today)
        if problem is not None:
            return s, [ask(intake, s, today, problem)]
    if q.doubt is not None:
        doubt = q.doubt(s, s.idx, reading.value, today)
        said = f"{q.id}:{s.idx}:{reading.value!r}"
        if doubt is not None and s.doubted != said:
            new = bump(s)
            new.doubted = said
            return new, [ask(intake, new, today, doubt)]
    new = bump(s)
    new.doubted = None
    new.answered_on = today
    q.keep(new, new.idx, reading.value)
    if q.kind.multi:
        new.draft = None  # the ticks were the answer
    if q.then is not None:
        return q.then(intake, new, today)
    advance(intake, new)
    return new, [ask(intake, new, today)]


def back(intake: Intake, s: Session, today: date) -> Turn:
    if not s.history:
        return s, [ask(intake, s, today, in_their_language(s, msg("This is the first question.")))]
    new = bump(s)
    pos = decode(intake, new.history.pop())
    new.at, new.idx = pos
    if new.editing is not None and (new.at == SUMMARY or not in_scope(intake, pos, new.editing)):
        new.editing = None
    new.finished = new.at == AFTER_RESULT and new.screening is not None
    new.draft = None
    new.resume = None
    section = intake.section_of(new.at)
    if section is not None and not section.numbered and _started(intake, new):
        new.history.clear()  # back at the (answered) start: nothing before it to go back to
    return new, [ask(intake, new, today)]


def _started(intake: Intake, s: Session) -> bool:
    """Whether every start question (language, consent) is answered."""
    return all(answered(intake, s, (q.id, 0)) for q in intake.questions if not q.section.numbered)


def ask_start_over(intake: Intake, s: Session, today: date) -> Turn:
    """Start-over words typed: "Start over?" first when there are answers to lose (QA D18;
    the screen is dialogs.intake.screens.start_over). Typed again there, they mean yes."""
    has_answers = any(
        answered(intake, s, pos) for pos in path(intake, s) if pos[0] in intake.counted
    )
    if START_OVER not in intake.screens or s.at == START_OVER or not has_answers:
        return restart(intake, s, today)
    new = bump(s)
    new.draft = None
    go(new, (START_OVER, 0))
    return new, [ask(intake, new, today)]


def restart(intake: Intake, s: Session, today: date) -> Turn:
    """Erase the answers; the language and the consent are kept (they are not about the
    household)."""
    new = type(s)(
        version=s.version + 1,
        language=s.language,
        consent=s.consent,
        consent_text_version=s.consent_text_version,
    )
    new.at, new.idx = first_unanswered(intake, new)
    note = msg("Let us start over. Your previous answers are erased.")
    return new, [ask(intake, new, today, note)]


def choose_language(intake: Intake, s: Session, today: date) -> Turn:
    """/language: the language question, then back to where the conversation was."""
    question = intake.language
    if question is None or s.at == question.id:
        return s, [ask(intake, s, today)]
    new = bump(s)
    new.resume = encode((s.at, s.idx))
    new.at, new.idx = question.id, 0
    return new, [ask(intake, new, today)]


def to_summary(intake: Intake, s: Session, today: date) -> Turn:
    """/summary: the summary, once every question is answered."""
    if s.at == SUMMARY:
        return s, [ask(intake, s, today)]
    target = first_unanswered(intake, s)
    if target[0] != SUMMARY:
        note = msg("The summary comes after the last question. Let us continue:")
        return s, [ask(intake, s, today, note)]
    new = bump(s)
    new.finished = False
    new.editing = None
    go(new, target)
    return new, [ask(intake, new, today)]


def stale(intake: Intake, s: Session, today: date) -> Turn:
    note = msg("That button belongs to an earlier question. Here is where we are now:")
    return s, [ask(intake, s, today, note)]


def help_reply(intake: Intake, s: Session, today: date) -> list[Reply]:
    general = msg(
        "I estimate whether your family can get targeted social assistance (TSA). "
        "Answer with the buttons or type the answer in Kazakh or Russian, as you like.\n"
        "/back — one step back\n/restart — start over\n/language — change the language\n"
        "/book — book a visit to the center\n"
        "/my_appointment — your appointment: see, move or cancel\n"
        "/help — this help"
    )
    question = intake.by_id.get(s.at)
    specific = question.help if question is not None else None
    about = in_their_language(s, specific) if specific is not None else None
    return [ask(intake, s, today, in_their_language(s, general), about)]


def in_their_language(s: Session, message: Renderable) -> Renderable:
    """The message in the user's language; before one is chosen, in both (QA D13: the
    greeting is bilingual, so a hint before the choice must be too)."""
    if s.language is not None:
        return message
    return Lines((InLanguage(message, "kk"), InLanguage(message, "ru")))
