"""Quantity: the kind of assistance, unconditional or conditional, and its ground.

Rule (Social Code of RK (2023) Arts. 121-128; egov.kz social_help 14.03.2024; docs/rules.md
§7). Unconditional cash assistance, with no social contract, is for:
- a person living alone who has reached retirement age, has disability of group 1 or 2, or an
  illness with incapacity for work of more than two months;
- a family with no able-bodied member;
- a family whose able-bodied members all cannot work for an objective reason: caring for a
  child under 3, a disabled child, a person with disability of group 1 or 2, or an elderly
  person who needs care (80+).
Every other family, with at least one able-bodied member, gets conditional assistance (a
social contract with the employment center).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum

from eligibility.household import CaringFor, Member, Sex
from eligibility.quantities.able_bodied import (
    WORK_EXEMPT_DISABILITY,
    is_able_bodied,
    is_of_retirement_age,
)
from eligibility.trace import Step

SOURCE = "Social Code of RK (2023) Arts. 121-128; egov.kz social_help 14.03.2024"
T_ASSISTANCE = (
    "{0} able-bodied member(s) (18 up to retirement age: men {1}, women {2}); ground: {3}"
)


class Assistance(StrEnum):
    UNCONDITIONAL = "unconditional"
    CONDITIONAL = "conditional"


class AssistanceBasis(StrEnum):
    """Why the help would be unconditional or conditional (docs/rules.md §7)."""

    SINGLE_RETIREMENT_AGE = "single_retirement_age"
    SINGLE_DISABILITY = "single_disability"
    SINGLE_LONG_ILLNESS = "single_long_illness"
    NO_ABLE_BODIED_MEMBER = "no_able_bodied_member"
    ALL_ABLE_BODIED_CARING = "all_able_bodied_caring"
    HAS_ABLE_BODIED_MEMBER = "has_able_bodied_member"


UNCONDITIONAL_BASES = frozenset(AssistanceBasis) - {AssistanceBasis.HAS_ABLE_BODIED_MEMBER}


def is_caring(member: Member) -> bool:
    """Cares for a child under 3, a disabled child or adult (group 1/2), or an elderly 80+
    (taken as declared; not cross-checked against the members)."""
    return member.caring_for is not CaringFor.NONE


def able_bodied_flags(
    members: Sequence[Member], on: date, retirement: Mapping[Sex, Decimal] | None = None
) -> tuple[bool, ...]:
    """is_able_bodied() of each member, knowing whether the household is one person."""
    alone = len(members) == 1
    return tuple(
        is_able_bodied(
            m,
            on,
            lives_alone=alone,
            retirement_age=None if retirement is None else retirement[m.sex],
        )
        for m in members
    )


def assistance_basis(
    members: Sequence[Member], on: date, able_bodied: Sequence[bool] | None = None
) -> AssistanceBasis:
    """The ground for unconditional help, or HAS_ABLE_BODIED_MEMBER (conditional).

    `able_bodied` may pass able_bodied_flags() when the caller has them already.
    """
    if len(members) == 1:
        alone = members[0]
        if is_of_retirement_age(alone, on):
            return AssistanceBasis.SINGLE_RETIREMENT_AGE
        if alone.disability in WORK_EXEMPT_DISABILITY:
            return AssistanceBasis.SINGLE_DISABILITY
        if alone.long_illness:
            return AssistanceBasis.SINGLE_LONG_ILLNESS
    if able_bodied is None:
        able_bodied = able_bodied_flags(members, on)
    able = [m for m, is_able in zip(members, able_bodied, strict=True) if is_able]
    if not able:
        return AssistanceBasis.NO_ABLE_BODIED_MEMBER
    if all(is_caring(m) for m in able):
        return AssistanceBasis.ALL_ABLE_BODIED_CARING
    return AssistanceBasis.HAS_ABLE_BODIED_MEMBER


def assistance_kind(basis: AssistanceBasis) -> Assistance:
    """Unconditional for the grounds above, conditional otherwise."""
    if basis in UNCONDITIONAL_BASES:
        return Assistance.UNCONDITIONAL
    return Assistance.CONDITIONAL


def assistance_step(
    kind: Assistance, basis: AssistanceBasis, able_count: int, men: Decimal, women: Decimal
) -> Step:
    return Step("assistance", kind, T_ASSISTANCE, (able_count, men, women, basis), SOURCE)
