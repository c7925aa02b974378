"""Adding a question touches the session model, one declaration and the two catalogs: shown here
with a question Komek does not ship, “Does anyone receive alimony?”, asked only in households
with children, declared in this module against the real machinery (path, step, summary, editing
from the summary, the answers stored with a result).

To ship such a question: the field goes into `dialogs/session.py`, the declaration into its
section's `QUESTIONS` in `dialogs/intake/questions/` (here: `income.py`, after `INCOMES`), then
`scripts/update_catalogs.py` and the kk/ru translations. The texts below are not in the catalogs
(tests are no source of them), so they render in English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from dialog_helpers import COUPLE, Conversation

from common.text import Renderable, msg
from dialogs import ButtonPress, Event, Reply, Session
from dialogs.intake.declare import Intake, Line, Question, SessionField
from dialogs.intake.kinds import YesNo
from dialogs.intake.path import path
from dialogs.intake.questions import income
from dialogs.intake.questions.common import Lower, label_of, static
from dialogs.intake.shipped import INTAKE
from dialogs.intake.step import step as intake_step


class AlimonySession(Session):
    """1. The session model: where the answer lives."""

    alimony: Literal["yes", "no"] | None = None


def _has_children(s: Session, i: int) -> bool:
    return bool(s.child_ages)


def _alimony_line(s: Session, i: int) -> Renderable | None:
    answer = getattr(s, "alimony", None)
    if answer is None:
        return None
    return msg("Alimony received: {answer}", answer=Lower(label_of(ALIMONY.kind, answer)))


# 2. The one declaration (in `questions/income.py`, it would go between INCOMES and AMOUNT).
ALIMONY = Question(
    id="alimony",
    section=income.INCOME,
    kind=YesNo(yes=msg("Yes"), no=msg("No")),
    prompt=static(msg("Does anyone in the family receive alimony for the children?")),
    field=SessionField("alimony"),
    summary=Line(_alimony_line),
    asked_if=_has_children,
    columns=2,
)

_AT = INTAKE.questions.index(income.INCOMES) + 1
WITH_ALIMONY = Intake(
    questions=(*INTAKE.questions[:_AT], ALIMONY, *INTAKE.questions[_AT:]),
    screens=tuple(INTAKE.screens.values()),
)


@dataclass
class Talk(Conversation):
    """The tests' conversation, on the intake with the extra question."""

    session: Session = field(default_factory=AlimonySession.new)

    def send(self, event: Event) -> list[Reply]:
        self.session, self.replies = intake_step(
            WITH_ALIMONY, self.session, event, today=self.today
        )
        return self.replies


FAMILY = [*COUPLE, "@done"]
"""A couple with two children (5 and 9), both working: wages ticked in advance."""
SINGLE = ["@kk", "@yes", "Астана", "1", "@male", "70", "@pensioner", "@done"]


def test_asked_only_in_households_with_children() -> None:
    talk = Talk().start().play(FAMILY)
    assert talk.question == "alimony"
    assert "Does anyone in the family receive alimony" in talk.text()
    assert talk.options() == ["yes", "no", "back"]
    talk.press("yes")
    assert talk.question == "amount"

    single = Talk().start().play(SINGLE)
    assert single.question == "amount"
    single.play(["85 000", "@no"])
    assert single.question == "summary"
    assert all(name != "alimony" for name, _ in path(WITH_ALIMONY, single.session))


def test_the_answer_is_stored_typed_or_pressed_and_kept_with_the_result() -> None:
    talk = Talk().start().play([*FAMILY, "иә"])  # typed "yes", in Kazakh
    session = talk.session
    assert isinstance(session, AlimonySession) and session.alimony == "yes"
    talk.play(["150 000", "@no", "@no", "@confirm"])
    assert talk.question == "after_result" and talk.session.finished
    answers = WITH_ALIMONY.household_answers(talk.session)
    assert answers["alimony"] == "yes"
    assert "alimony" not in INTAKE.household_answers(talk.session)


def test_shown_in_the_summary_and_changed_from_it() -> None:
    talk = Talk().start().play([*FAMILY, "@yes", "150 000", "@no", "@no"])
    assert talk.question == "summary"
    assert "Alimony received: yes" in talk.text()
    talk.press("e_income")  # "Change the income": the section's questions again
    assert talk.question == "incomes"
    talk.press("done")
    assert talk.question == "alimony"
    talk.press("no")
    assert talk.question == "amount"
    talk.say("160 000")
    assert talk.question == "summary"
    assert "Alimony received: no" in talk.text()
    assert talk.session.editing is None


def _progress(text: str) -> tuple[int, int]:
    """`Question n of about N`, in Russian: n and N."""
    found = re.search(r"Вопрос (\d+)\D+(\d+)", text)
    assert found is not None, text
    return int(found[1]), int(found[2])


def test_back_from_it_and_its_progress_count() -> None:
    talk = Talk().start().play(FAMILY)
    shipped = Conversation().start().play(FAMILY)
    here, total = _progress(talk.text())
    assert (here, total - 1) == _progress(shipped.text())  # one question more than without it
    talk.command("back")
    assert talk.question == "incomes"


def test_the_shipped_intake_does_not_have_it() -> None:
    assert "alimony" not in INTAKE.names
    talk = Conversation().start().play(FAMILY)
    assert talk.question == "amount"
    talk.send(ButtonPress(question="alimony", value="yes", version=talk.session.version))
    assert talk.question == "amount" and "Эта кнопка от предыдущего вопроса" in talk.text()
