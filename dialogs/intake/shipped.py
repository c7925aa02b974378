"""The intake Komek ships: its questions in asking order and its screens, bound to the machinery.

These are the functions front ends call (through `dialogs`): `step`, and `ask`, `path`,
`answered` for a front end that looks at where a conversation stands.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from common.text import Renderable
from dialogs.events import Event
from dialogs.intake import asking
from dialogs.intake import path as paths
from dialogs.intake import step as stepping
from dialogs.intake.declare import Intake, Turn
from dialogs.intake.path import Position
from dialogs.intake.questions import family, income, loans, place, sanctions, start
from dialogs.intake.screens import after_result, start_over, summary
from dialogs.reply import Reply
from dialogs.session import Session

INTAKE: Final = Intake(
    questions=(
        *start.QUESTIONS,
        *place.QUESTIONS,
        *family.QUESTIONS,
        *income.QUESTIONS,
        *loans.QUESTIONS,
        *sanctions.QUESTIONS,
    ),
    screens=(summary.SCREEN, after_result.SCREEN, start_over.SCREEN),
)


def step(session: Session, event: Event, *, today: date) -> Turn:
    """Answer one user event: the new session and the replies. Pure; never raises."""
    return stepping.step(INTAKE, session, event, today=today)


def ask(session: Session, today: date, *before: Renderable | None, replace: bool = False) -> Reply:
    """Where the conversation stands, as a reply (with optional lines before it)."""
    return asking.ask(INTAKE, session, today, *before, replace=replace)


def path(session: Session) -> list[Position]:
    return paths.path(INTAKE, session)


def answered(session: Session, position: Position) -> bool:
    return paths.answered(INTAKE, session, position)


def first_unanswered(session: Session) -> Position:
    return paths.first_unanswered(INTAKE, session)


def household_answers(session: Session) -> dict[str, object]:
    """The household's answers (JSON-safe) to store next to a finished screening."""
    return INTAKE.household_answers(session)


def spellings(question_id: str) -> dict[str, tuple[str, ...]]:
    """Every typed form of every option of a question (its labels in both languages too)."""
    return INTAKE.by_id[question_id].kind.spellings


__all__ = [
    "INTAKE",
    "answered",
    "ask",
    "first_unanswered",
    "household_answers",
    "path",
    "spellings",
    "step",
]
