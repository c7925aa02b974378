"""The summary before the result: every answer in plain words, each part changeable.

Built from the declarations: each section is a paragraph (its `heading`, then its questions'
`Line`s in asking order, those `at_end` last; a section `shown_with` another continues that
one's paragraph), and each section with an `edit` option is offered for change, followed by the
options to change one item of its repeats (one adult).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from common.text import Renderable, msg
from dialogs.intake.asking import ask, back_option
from dialogs.intake.declare import AFTER_RESULT, SUMMARY, Intake, Line, Repeat, Section, Turn
from dialogs.intake.kinds import HINT_CHOICE
from dialogs.intake.navigation import bump, go
from dialogs.intake.path import first_in_scope, first_of, first_unanswered
from dialogs.intake.screens.after_result import show_result, with_next_question
from dialogs.intake.vocabulary import CONFIRM_WORDS, SUMMARY_EDIT_WORDS
from dialogs.reply import Lines, Option, Reply, paragraphs
from dialogs.session import Session

CONFIRM: Final = "confirm"


def _lines(
    intake: Intake, s: Session, sections: list[Section], today: date
) -> Iterator[Renderable]:
    for section in sections:
        if section.heading is not None:
            yield section.heading(s, today)
    shown = [q for q in intake.questions if q.section in sections and isinstance(q.summary, Line)]
    for at_end in (False, True):
        for q in shown:
            line = q.summary
            assert isinstance(line, Line)
            if line.at_end is at_end:
                for i in intake.items(q, s):
                    text = line.show(s, i)
                    if text is not None:
                        yield text


def _paragraphs(intake: Intake, s: Session, today: date) -> list[Lines]:
    grouped: dict[Section, list[Section]] = {}
    for section in intake.sections:
        grouped.setdefault(section.shown_with or section, []).append(section)
    found = (tuple(_lines(intake, s, sections, today)) for sections in grouped.values())
    return [Lines(lines) for lines in found if lines]


def _has_answers(intake: Intake, s: Session, section: Section) -> bool:
    return any(q.field.answered(s, 0) for q in intake.in_section(section))


def _item_options(s: Session, repeat: Repeat) -> list[Option]:
    assert repeat.edit_label is not None
    return [
        Option(f"{repeat.edit_prefix}{i}", repeat.edit_label(s, i)) for i in range(repeat.count(s))
    ]


def _item_pressed(intake: Intake, s: Session, value: str) -> str | None:
    """`adult:1` for the option changing adult 1 (`e_m1`), else None."""
    for repeat in intake.edits():
        index = value.removeprefix(repeat.edit_prefix)
        if index != value and index.isdigit() and int(index) < repeat.count(s):
            return f"{repeat.name}:{int(index)}"
    return None


@dataclass(frozen=True)
class Summary:
    id: str = SUMMARY
    hint: Renderable = HINT_CHOICE
    spellings: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: {CONFIRM: CONFIRM_WORDS, **SUMMARY_EDIT_WORDS}
    )
    """Typed words for the options: "all correct", and the sections' "change" options
    (`изменить доходы`); a section not offered (nothing answered in it) gets the hint."""

    def options(self, intake: Intake, s: Session) -> list[Option]:
        options = [Option(CONFIRM, msg("✔ All correct, show the result"))]
        for section in intake.sections:
            if section.edit is None or not _has_answers(intake, s, section):
                continue
            options.append(section.edit)
            for repeat in intake.edits():
                first = next(q for q in intake.questions if q.repeat is repeat)
                if first.section is section:
                    options += _item_options(s, repeat)
        return options

    def reply(
        self, intake: Intake, s: Session, today: date, before: tuple[Renderable | None, ...]
    ) -> Reply:
        text = paragraphs(
            *before, msg("Please check your answers:"), *_paragraphs(intake, s, today)
        )
        options = (*self.options(intake, s), back_option())
        return Reply(text=text, question=self.id, options=options, columns=1)

    def press(self, intake: Intake, s: Session, value: str, today: date) -> Turn:
        if value == CONFIRM:
            return _confirm(intake, s, today)
        editing = _item_pressed(intake, s, value)
        offered = {option.value for option in self.options(intake, s)}
        section = next(
            (x for x in intake.sections if x.edit and x.edit.value == value in offered), None
        )
        if editing is None and section is None:
            return s, [ask(intake, s, today, self.hint)]
        new = bump(s)
        if editing is not None:
            new.editing = editing
            go(new, first_in_scope(intake, new, editing))
        elif section is not None:
            new.editing = section.id
            go(new, first_of(intake, new, section))
        return new, [ask(intake, new, today)]


def _confirm(intake: Intake, s: Session, today: date) -> Turn:
    """Show the result, or the question still unanswered (after a change, say)."""
    target = first_unanswered(intake, s)
    new = bump(s)
    if target[0] != SUMMARY:
        go(new, target)
        return new, [ask(intake, new, today)]
    new.application_date = today
    new.finished = True
    replies = show_result(new, today)
    go(new, (AFTER_RESULT, 0))
    return new, with_next_question(intake, new, replies, today)


SCREEN: Final = Summary()
