"""Sanctions of the last 6 months (a refused employment measure, a broken social contract): asked
only when someone could be offered employment measures at all."""

from __future__ import annotations

from typing import Any, Final

from common.text import Renderable, msg
from dialogs.intake.declare import Line, Question, Section, SessionField
from dialogs.intake.kinds import Choice, OneOf
from dialogs.intake.questions.common import Lower, label_of, static
from dialogs.intake.questions.family import person
from dialogs.intake.questions.loans import LOANS_SECTION
from dialogs.intake.vocabulary import NO_WORDS
from dialogs.reply import Option
from dialogs.session import Session

SANCTIONS_SECTION: Final = Section(
    "sanctions",
    edit=Option("e_sanct", msg("Change the 6-month answer")),
    shown_with=LOANS_SECTION,
)

NOT_ABLE_STATUSES: Final = frozenset({"pensioner", "student", "military", "ill"})
"""Statuses that rule out employment measures (so the 6-month question is not asked)."""


def may_be_able_bodied(s: Session, i: int = 0) -> bool:
    """Whether anyone could be offered employment measures (else the 6-month question is moot)."""
    for k in range(s.adults_count()):
        p = person(s, k)
        if p.age is not None and p.age < 18:
            continue
        if p.status is None or p.status not in NOT_ABLE_STATUSES:
            if p.status == "disability" and p.disability in {"group_1", "group_2"}:
                continue
            return True
    return False


def _sanctions_line(s: Session, i: int) -> Renderable | None:
    if s.sanctions is None:
        return None
    return msg("Last 6 months: {answer}", answer=Lower(label_of(SANCTIONS.kind, s.sanctions)))


SANCTIONS: Final = Question(
    id="sanctions",
    section=SANCTIONS_SECTION,
    kind=OneOf(
        Choice("no", msg("No, neither"), NO_WORDS),
        Choice("refused", msg("Refused a job or training")),
        Choice("broke", msg("Broke a social contract")),
        Choice("both", msg("Both")),
    ),
    prompt=static(
        msg(
            "In the last 6 months, did anyone in the family refuse a job, training or another "
            "employment measure offered by the employment center, or break a social contract "
            "through their own fault?"
        )
    ),
    field=SessionField("sanctions"),
    summary=Line(_sanctions_line),
    asked_if=may_be_able_bodied,
    help=msg(
        "After refusing employment measures, or breaking a social contract, TSA is not "
        "assigned for 6 months."
    ),
)

QUESTIONS: Final[tuple[Question[Any], ...]] = (SANCTIONS,)
