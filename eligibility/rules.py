"""The TSA rules that are not figures: which income counts, who is able-bodied, which kind of help.

Sources: Social Code of RK (2023) Arts. 121-128; MLSP Orders No. 227 of 21.06.2023 (rules of
assignment) and No. 181 of 26.05.2023 (income rules); gov.kz "situations/11/58" (counted income);
egov.kz social_help 14.03.2024 (unconditional assistance). See docs/rules.md §3, §6, §7.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum

from eligibility import parameters
from eligibility.household import CaringFor, Disability, IncomeType, Member

# gov.kz situations/11/58. The large-family allowance is counted: the 2019 reform excluded it,
# but the current gov.kz page lists it as counted, and we follow gov.kz (docs/rules.md §3).
COUNTED_TYPES: frozenset[IncomeType] = frozenset(
    {
        IncomeType.WAGES,
        IncomeType.BUSINESS,
        IncomeType.PENSION,
        IncomeType.SOCIAL_BENEFIT,
        IncomeType.ALIMONY,
        IncomeType.FARM,
        IncomeType.PROPERTY,
        IncomeType.DEPOSIT_INTEREST,
        IncomeType.GIFTS_TRANSFERS,
        IncomeType.LARGE_FAMILY_ALLOWANCE,
        IncomeType.EMPLOYMENT_MEASURES,
        IncomeType.HOUSING_CERTIFICATE,
        IncomeType.CONSUMER_LOAN,
        IncomeType.OTHER,
    }
)
"""Counted income types; CONSUMER_LOAN only from the date in parameters/consumer_loans.yaml."""

# Income rules, MLSP Order No. 181 of 26.05.2023, as listed in November 2024 (docs/rules.md §3).
NOT_COUNTED_TYPES: frozenset[IncomeType] = frozenset(IncomeType) - COUNTED_TYPES

ADULT_AGE = 18
"""Able-bodied from 18 (docs/rules.md §6)."""

_WORK_EXEMPT_DISABILITY = frozenset({Disability.GROUP_1, Disability.GROUP_2})


class AssistanceBasis(StrEnum):
    """Why the help would be unconditional or conditional (docs/rules.md §7)."""

    SINGLE_RETIREMENT_AGE = "single_retirement_age"
    SINGLE_DISABILITY = "single_disability"
    SINGLE_LONG_ILLNESS = "single_long_illness"
    NO_ABLE_BODIED_MEMBER = "no_able_bodied_member"
    ALL_ABLE_BODIED_CARING = "all_able_bodied_caring"
    HAS_ABLE_BODIED_MEMBER = "has_able_bodied_member"


UNCONDITIONAL_BASES = frozenset(AssistanceBasis) - {AssistanceBasis.HAS_ABLE_BODIED_MEMBER}


def is_of_retirement_age(member: Member, on: date, retirement_age: Decimal | None = None) -> bool:
    """`retirement_age` may pass the age in force for the member's sex on `on`, if known."""
    if retirement_age is None:
        retirement_age = parameters.retirement_age(member.sex, on).value
    return member.age >= retirement_age


def is_able_bodied(member: Member, on: date, retirement_age: Decimal | None = None) -> bool:
    """Aged 18 up to retirement age, no disability group 1/2, not studying full time, not in
    compulsory military service. A long illness (incapacity over 2 months) and a disabled child
    also count as unable to work. UNCERTAIN at the edges; group 3 is no exemption.
    """
    return (
        member.age >= ADULT_AGE
        and not is_of_retirement_age(member, on, retirement_age)
        and member.disability not in _WORK_EXEMPT_DISABILITY
        and not member.full_time_student
        and not member.military_service
        and not member.long_illness
        and not member.disabled_child
    )


def is_caring(member: Member) -> bool:
    """Cares for a child under 3, a disabled child or adult (group 1/2), or an elderly 80+."""
    return member.caring_for is not CaringFor.NONE


def assistance_basis(
    members: Sequence[Member], on: date, able_bodied: Sequence[bool] | None = None
) -> AssistanceBasis:
    """The ground for unconditional help, or HAS_ABLE_BODIED_MEMBER (conditional).

    `able_bodied` may pass is_able_bodied() of each member when the caller has it already.
    """
    if len(members) == 1:
        alone = members[0]
        if is_of_retirement_age(alone, on):
            return AssistanceBasis.SINGLE_RETIREMENT_AGE
        if alone.disability in _WORK_EXEMPT_DISABILITY:
            return AssistanceBasis.SINGLE_DISABILITY
        if alone.long_illness:
            return AssistanceBasis.SINGLE_LONG_ILLNESS
    if able_bodied is None:
        able_bodied = [is_able_bodied(m, on) for m in members]
    able = [m for m, is_able in zip(members, able_bodied, strict=True) if is_able]
    if not able:
        return AssistanceBasis.NO_ABLE_BODIED_MEMBER
    if all(is_caring(m) for m in able):
        return AssistanceBasis.ALL_ABLE_BODIED_CARING
    return AssistanceBasis.HAS_ABLE_BODIED_MEMBER
