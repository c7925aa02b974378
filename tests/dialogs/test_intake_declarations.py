"""The declarations are complete and consistent: what mypy cannot see (attribute names, summary
coverage) is checked here, once for every question, so a new question cannot half-exist."""

from __future__ import annotations

from typing import Any

import pytest
from dialog_helpers import PREFIXES, Conversation

from common.text import msg
from dialogs import Session, household_answers
from dialogs.intake.declare import (
    Intake,
    Line,
    Question,
    Section,
    SessionField,
    ShownWith,
)
from dialogs.intake.kinds import Choice, OneOf
from dialogs.intake.questions.common import static
from dialogs.intake.questions.family import PersonField
from dialogs.intake.shipped import INTAKE
from dialogs.session import Person

QUESTIONS = {q.id: q for q in INTAKE.questions}


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_every_answer_has_a_place_in_the_session(name: str) -> None:
    q = QUESTIONS[name]
    assert q.field.attribute in Session.model_fields
    if isinstance(q.field, PersonField):
        assert q.field.name in Person.model_fields
    for kept in q.kind.keeps:
        assert kept in Session.model_fields


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_every_household_answer_is_shown_in_the_summary_and_changeable(name: str) -> None:
    q = QUESTIONS[name]
    if not q.section.numbered:  # the language and the consent are about the conversation
        assert q.summary is None
        return
    assert isinstance(q.summary, Line | ShownWith), f"{name}: not in the summary"
    assert q.section.edit is not None, f"{name}: its section cannot be changed from the summary"


def test_button_values_fit_telegram() -> None:
    for q in INTAKE.questions:
        assert q.id.isascii() and len(q.id) <= 16
        for choice in q.kind.choices:
            assert choice.value.isascii() and 0 < len(choice.value) <= 20
    for section in INTAKE.sections:
        assert section.edit is None or len(section.edit.value) <= 20


def test_the_stored_answers_are_the_ones_bot_listed_by_hand() -> None:
    """`household_answers` replaces the list `bot/turn.py` kept: same keys, same values."""
    talk = Conversation().start().play(PREFIXES["after_result"])
    listed = {
        "region",
        "settlement",
        "people",
        "child_ages",
        "disabled_children",
        "adults",
        "income_kinds",
        "money_mode",
        "amounts",
        "loans",
        "loan_amount",
        "sanctions",
        "application_date",
    }
    expected = talk.session.model_dump(mode="json", include=listed)
    assert household_answers(talk.session) == expected


def _question(name: str, **changes: Any) -> Question[str]:
    section = Section("extra", edit=None)
    declared: dict[str, Any] = {
        "id": name,
        "section": section,
        "kind": OneOf(Choice("a", msg("A"))),
        "prompt": static(msg("?")),
        "field": SessionField("region"),
        "summary": None,
    }
    return Question(**(declared | changes))


def test_a_declaration_mistake_is_refused_at_import() -> None:
    screens = tuple(INTAKE.screens.values())
    with pytest.raises(ValueError, match="same id"):
        Intake(questions=(*INTAKE.questions, _question("region")), screens=screens)
    with pytest.raises(ValueError, match="1-16 ASCII"):
        Intake(questions=(*INTAKE.questions, _question("a_very_long_question_id")), screens=screens)
    unlisted = _question("first")
    with pytest.raises(ValueError, match="no line"):
        Intake(
            questions=(*INTAKE.questions, _question("second", summary=ShownWith(unlisted))),
            screens=screens,
        )
    with pytest.raises(ValueError, match="'summary' screen is missing"):
        Intake(questions=INTAKE.questions, screens=(INTAKE.screens["after_result"],))


def test_one_count_of_adults_for_the_path_the_summary_and_its_options() -> None:
    """After changing the number of people and going back twice, the summary comes back with
    the children's ages unanswered: it lists the adults the path will ask about, and each
    "change" option it offers opens that adult (once there were phantom adults and options
    that did nothing)."""
    talk = Conversation().start().play(PREFIXES["summary"])
    talk.play(["@e_family", "@6", "/back", "/back"])
    assert talk.question == "summary" and talk.session.child_ages is None
    adults = talk.session.adults_count()
    offered = [value for value in talk.options() if value.startswith("e_m")]
    assert offered == [f"e_m{i}" for i in range(adults)]
    assert talk.text().count("лет:") == adults
    for i, value in enumerate(offered):
        changing = Conversation(session=talk.session, replies=talk.replies)
        changing.press(value)
        assert changing.question == ("sex" if i == 0 else "relation")
