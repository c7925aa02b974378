"""Sanctions of the last 6 months (a refused employment measure, a broken social contract): asked
whenever the screening may count someone as able to work (only they are offered employment
measures), so the flags can be entered wherever they could matter."""

from __future__ import annotations

from typing import Any, Final

from common.text import Renderable, msg
from dialogs.household import adult_member
from dialogs.intake.declare import Line, Question, Section, SessionField
from dialogs.intake.kinds import Choice, OneOf
from dialogs.intake.questions.common import Lower, label_of, static
from dialogs.intake.questions.family import person
from dialogs.intake.questions.loans import LOANS_SECTION
from dialogs.intake.vocabulary import NO_WORDS
from dialogs.reply import Option
from dialogs.session import Session
from eligibility.rules import is_able_bodied

SANCTIONS_SECTION: Final = Section(
    "sanctions",
    edit=Option("e_sanct", msg("Change the 6-month answer")),
    shown_with=LOANS_SECTION,
)


def may_be_able_bodied(s: Session, i: int = 0) -> bool:
    """Whether the screening may count anyone as able to work (else the 6-month question is
    moot): `eligibility.rules.is_able_bodied` of each adult as answered, on the day of the latest
    answer. A long illness makes a person unable to work only when living alone: in a family an
    ill adult counts as able-bodied (rules §5), and the question is asked."""
    on = s.answered_on
    alone = s.adults_count() == 1 and not s.child_ages
    for k in range(s.adults_count()):
        if person(s, k).age is None or on is None:
            return True  # not known yet: the question stays on the path
        member = adult_member(s, k)
        if alone and member.long_illness:
            continue
        if is_able_bodied(member.model_copy(update={"long_illness": False}), on):
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
