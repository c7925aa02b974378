"""Which questions this conversation asks, in which order, and which are answered: derived from
the declarations (`Question.asked_if`, `repeat`, `field`), recomputed after every answer.
"""

from __future__ import annotations

from typing import Final

from dialogs.intake.declare import SUMMARY, Intake, Section
from dialogs.session import Session

Position = tuple[str, int]
"""A question (or screen) and the index of the adult or income it is about."""

FILL: Final = "fill"
"""Editing mode after a change from the summary: ask only what is missing, then the summary."""


def path(intake: Intake, s: Session) -> list[Position]:
    """Every position this conversation will go through, in order, given the answers so far,
    ending with the summary. Unknown answers are estimated (see `Session.adults_count`) only to
    count the questions left."""
    seq: list[Position] = []
    for run in intake.runs:
        for i in range(run.repeat.count(s)) if run.repeat is not None else range(1):
            for name, asked_if in run.asks:
                if asked_if is None or asked_if(s, i):
                    seq.append((name, i))
    seq.append((SUMMARY, 0))
    return seq


def answered(intake: Intake, s: Session, pos: Position) -> bool:
    """Whether the question at `pos` has an answer stored (a screen never has)."""
    question = intake.by_id.get(pos[0])
    return question is not None and question.field.answered(s, pos[1])


def first_unanswered(intake: Intake, s: Session) -> Position:
    for pos in path(intake, s):
        if pos[0] == SUMMARY or not answered(intake, s, pos):
            return pos
    return (SUMMARY, 0)  # pragma: no cover - the path always ends with the summary


def in_scope(intake: Intake, pos: Position, editing: str) -> bool:
    """Whether a position belongs to what is being changed from the summary: a section (its
    id), or one item of a repeat (`adult:1`: every answer kept on that adult).

    A section's repeated questions whose items have their own "change" option (each adult) are
    not asked again with the section: adding a child re-asks the number of people and the
    children, then only what became missing (a new adult), not every adult (`FILL` asks it)."""
    question = intake.by_id.get(pos[0])
    if question is None:
        return False
    name, colon, index = editing.partition(":")
    if colon:
        item = question.field.item
        return item is not None and item.name == name and str(pos[1]) == index
    item = question.field.item
    own_option = item is not None and item.edit_label is not None
    return editing != FILL and question.section.id == editing and not own_option


def first_in_scope(intake: Intake, s: Session, editing: str) -> Position:
    """Where changing `editing` from the summary starts (the summary if nothing is asked)."""
    for pos in path(intake, s):
        if in_scope(intake, pos, editing):
            return pos
    return (SUMMARY, 0)


def first_of(intake: Intake, s: Session, section: Section) -> Position:
    return first_in_scope(intake, s, section.id)
