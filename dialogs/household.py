"""The answers of a conversation as the screening's input (`eligibility.Household`).

The screening needs family totals only, so every income is put on the applicant. Children are
asked for their ages only: the rules use a child's age, never a child's sex, so children are
entered with a fixed placeholder sex (the contract requires the field).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Final

from dialogs.intake.questions.family import RELATION_BY_VALUE, person
from dialogs.intake.questions.income import KIND_TO_CONTRACT, counted_kinds
from dialogs.session import Session
from eligibility.household import (
    CaringFor,
    Disability,
    Household,
    Income,
    IncomeType,
    Member,
    Region,
    Relation,
    Settlement,
    Sex,
)

CHILD_SEX_PLACEHOLDER: Final = Sex.FEMALE
"""Not asked (the rules ignore a child's sex); the contract needs a value."""


def to_household(s: Session, today: date) -> Household:
    """The household as answered; unanswered details fall back to neutral values."""
    members: list[Member] = []
    for i in range(s.adults_count()):
        p = person(s, i)
        relation = Relation.APPLICANT if i == 0 else Relation(_relation(p.relation))
        members.append(
            Member(
                relation=relation,
                age=p.age if p.age is not None else 18,
                sex=Sex.FEMALE if p.sex == "female" else Sex.MALE,
                disability=Disability(p.disability) if p.disability else Disability.NONE,
                full_time_student=p.status == "student",
                military_service=p.status == "military",
                long_illness=p.status == "ill",
                caring_for=CaringFor(p.caring_for) if p.caring_for else CaringFor.NONE,
                incomes=_incomes(s) if i == 0 else (),
            )
        )
    for age in s.child_ages or []:
        members.append(Member(relation=Relation.CHILD, age=age, sex=CHILD_SEX_PLACEHOLDER))
    return Household(
        application_date=today,
        region=Region(s.region) if s.region else Region.ASTANA,
        settlement=Settlement.RURAL if s.settlement == "rural" else Settlement.URBAN,
        refused_employment_measures_last_6_months=s.sanctions in {"refused", "both"},
        broke_social_contract_last_6_months=s.sanctions in {"broke", "both"},
        members=tuple(members),
    )


def _relation(value: str | None) -> str:
    found = RELATION_BY_VALUE.get(value or "")
    return found[0] if found else "other"


def _incomes(s: Session) -> tuple[Income, ...]:
    incomes = [
        Income(type=IncomeType(KIND_TO_CONTRACT[kind]), amount=s.amounts.get(kind, Decimal(0)))
        for kind in counted_kinds(s)
    ]
    if s.loans == "new" and s.loan_amount is not None:
        incomes.append(Income(type=IncomeType.CONSUMER_LOAN, amount=s.loan_amount))
    return tuple(incomes)
