"""Asking: the reply that shows where the conversation stands (a question or a screen)."""

from __future__ import annotations

from datetime import date
from typing import Final

from common.text import Message, Renderable, msg
from dialogs.intake.declare import Intake
from dialogs.intake.path import path
from dialogs.reply import Option, Reply, paragraphs
from dialogs.session import Session

BACK: Final = "back"
"""The value of the « Back button (every question but the first has it, and the summary)."""


def back_option() -> Option:
    return Option(BACK, msg("« Back"))


def progress(intake: Intake, s: Session) -> Message | None:
    """Counts "Question n of about N": the questions of numbered sections on the path."""
    if s.at not in intake.counted:
        return None
    numbered = [p for p in path(intake, s) if p[0] in intake.counted]
    here = (s.at, s.idx)
    if here not in numbered:
        return None
    return msg("Question {n} of about {total}", n=numbered.index(here) + 1, total=len(numbered))


def ask(
    intake: Intake, s: Session, today: date, *before: Renderable | None, replace: bool = False
) -> Reply:
    """The current question (or screen): optional lines before it, progress, text, options.
    `replace`: the reply redraws the previous message (a tick, a switch of the amount mode)."""
    screen = intake.screens.get(s.at)
    if screen is not None:
        return screen.reply(intake, s, today, before)
    q = intake.by_id.get(s.at) or intake.home
    options = q.kind.options(s, q.field.read(s, s.idx))
    if s.history and not q.chooses_language:
        options.append(back_option())
    return Reply(
        text=paragraphs(*before, progress(intake, s), q.prompt(s, s.idx, today)),
        question=q.id,
        options=tuple(options),
        multi=q.kind.multi,
        columns=q.columns,
        replace_previous=replace,
        numbered=q.kind.numbered,
    )
