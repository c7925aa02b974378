"""The answers of a conversation as the screening's input (`eligibility.Household`).

The screening needs family totals only, so every income is put on the applicant. Children are
asked for their ages and whether they have a disability only: the rules never use a child's sex,
so children are entered with a fixed placeholder sex (the contract requires the field). Amounts
keep their tiyn: `71 191,40` a month is 213 574,20 for the quarter, which may decide the verdict
at the poverty line.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Final

from dialogs.intake.questions.family import RELATION_BY_VALUE, person
from dialogs.intake.questions.income import KIND_TO_CONTRACT, counted_kinds
from dialogs.session import Session
from eligibility import Household, Income, Member

CHILD_SEX_PLACEHOLDER: Final = "female"
"""Not asked (the rules ignore a child's sex); the contract needs a value."""


def adult_member(s: Session, i: int, *, with_incomes: bool = False) -> Member:
    """Adult `i` as the screening sees them; unanswered details fall back to neutral values."""
    p = person(s, i)
    does = {p.status, p.also}
    return Member.model_validate(
        {
            "relation": "applicant" if i == 0 else _relation(p.relation),
            "age": p.age if p.age is not None else 18,
            "sex": "female" if p.sex == "female" else "male",
            "disability": p.disability or "none",
            "full_time_student": "student" in does,
            "military_service": "military" in does,
            "long_illness": "ill" in does,
            "caring_for": p.caring_for or "none",
            "incomes": _incomes(s) if with_incomes else (),
        }
    )


def to_household(s: Session, today: date) -> Household:
    """The household as answered; unanswered details fall back to neutral values."""
    members = [adult_member(s, i, with_incomes=i == 0) for i in range(s.adults_count())]
    disabled = set(s.disabled_children or [])
    for k, age in enumerate(s.child_ages or []):
        members.append(
            Member.model_validate(
                {
                    "relation": "child",
                    "age": age,
                    "sex": CHILD_SEX_PLACEHOLDER,
                    "disabled_child": k in disabled,
                }
            )
        )
    return Household.model_validate(
        {
            "application_date": today,
            "region": s.region or "KZ-71",
            "settlement": "rural" if s.settlement == "rural" else "urban",
            "refused_employment_measures_last_6_months": s.sanctions in {"refused", "both"},
            "broke_social_contract_last_6_months": s.sanctions in {"broke", "both"},
            "members": tuple(members),
        }
    )


def _relation(value: str | None) -> str:
    found = RELATION_BY_VALUE.get(value or "")
    return found[0] if found else "other"


def _incomes(s: Session) -> tuple[Income, ...]:
    incomes = [
        Income.model_validate(
            {"type": KIND_TO_CONTRACT[kind], "amount": s.amounts.get(kind, Decimal(0))}
        )
        for kind in counted_kinds(s)
    ]
    if s.loans == "new" and s.loan_amount is not None:
        incomes.append(Income.model_validate({"type": "consumer_loan", "amount": s.loan_amount}))
    return tuple(incomes)
