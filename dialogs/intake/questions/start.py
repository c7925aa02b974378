"""The start: the language, then consent. Not about the household, not counted, not summed up.

Both decide where the conversation goes next themselves (`then`): the language resumes an
interrupted conversation, and declining consent erases the answers.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from common.text import Renderable, msg, plural
from dialogs.intake.asking import ask
from dialogs.intake.declare import AFTER_RESULT, Intake, Question, Section, SessionField, Turn
from dialogs.intake.kinds import HINT_CHOICE, Choice, OneOf, YesNo
from dialogs.intake.navigation import decode, go
from dialogs.intake.path import first_unanswered
from dialogs.intake.screens.after_result import show_result, with_next_question
from dialogs.intake.screens.declined import declined
from dialogs.reply import InLanguage, Lines
from dialogs.session import CONSENT_TEXT_VERSION, RETENTION_DAYS, Session

START: Final = Section("start", numbered=False)


def _prompt_language(s: Session, i: int, today: date) -> Renderable:
    greeting = msg("Hello! I am Komek. Please choose the language of our conversation.")
    return Lines((InLanguage(greeting, "kk"), InLanguage(greeting, "ru")))


def after_language(intake: Intake, new: Session, today: date) -> Turn:
    """Back to where /language interrupted (the result again, in the new language), else on:
    to consent, or to the first unanswered question (the start is then not a step back)."""
    if new.resume is not None:
        new.at, new.idx = decode(intake, new.resume)
        new.resume = None
        if new.at == AFTER_RESULT and new.finished and new.application_date is not None:
            replies = show_result(new, new.application_date)
            return new, with_next_question(intake, new, replies, today)
    else:
        go(new, first_unanswered(intake, new), remember=not new.consent)
    return new, [ask(intake, new, today)]


LANGUAGE: Final = Question(
    id="language",
    section=START,
    kind=OneOf(
        Choice("kk", InLanguage(msg("Kazakh"), "kk"), ("каз", "казакша", "kazakh", "kz")),
        Choice("ru", InLanguage(msg("Russian"), "ru"), ("рус", "русский", "orys", "ru")),
    ),
    prompt=_prompt_language,
    field=SessionField("language"),
    summary=None,
    hint=Lines((InLanguage(HINT_CHOICE, "kk"), InLanguage(HINT_CHOICE, "ru"))),
    columns=2,
    then=after_language,
    chooses_language=True,
)


class _Consent(SessionField):
    """A refusal is kept (False) but is no answer: the consent question stays open."""

    def answered(self, s: Session, i: int) -> bool:
        return s.consent is True


def _prompt_consent(s: Session, i: int, today: date) -> Renderable:
    return msg(
        "I will ask about 15 short questions about your family and income and estimate whether "
        "you can get targeted social assistance (TSA), how much, and how to apply.\n\n"
        "To do that I keep your answers: region, the age, sex and occupation of family members, "
        "and the family's income. I do not ask for names or the IIN. The answers are used only "
        "for this estimate and, if you wish, to book a visit to the center. Unfinished answers "
        "are deleted after {days}; a finished estimate is kept until you delete everything "
        "with /delete_my_data.\n\n"
        "Do you agree?",
        days=plural("{n} day", "{n} days", RETENTION_DAYS),
    )


def _store_consent(s: Session, i: int, value: str) -> None:
    s.consent = value == "yes"
    if s.consent:
        s.consent_text_version = CONSENT_TEXT_VERSION


def after_consent(intake: Intake, new: Session, today: date) -> Turn:
    """Agreed: on to the first unanswered question. Declined (again): everything answered
    before is erased, the general rules are shown and “I agree” stays offered."""
    if not new.consent:
        erased = type(new)(version=new.version, language=new.language, consent=False, at=new.at)
        return erased, declined(new.at)
    go(new, first_unanswered(intake, new))
    return new, [ask(intake, new, today)]


CONSENT: Final = Question(
    id="consent",
    section=START,
    kind=YesNo(yes=msg("I agree"), no=msg("No, just tell me the general rules")),
    prompt=_prompt_consent,
    field=_Consent("consent"),
    summary=None,
    store=_store_consent,
    then=after_consent,
    help=msg(
        "Without your consent I cannot estimate for your family, "
        "but I can tell you the general rules."
    ),
)

QUESTIONS: Final[tuple[Question[Any], ...]] = (LANGUAGE, CONSENT)
