"""Quantity: whether a member is able-bodied (трудоспособный / еңбекке қабілетті).

Rule (Social Code of RK (2023) Arts. 121-128; egov.kz social_help 14.03.2024; retirement age:
egov.kz retire_1 18.03.2024; docs/rules.md §6): aged 18 up to (not including) the retirement
age in force for the member's sex, without disability of group 1 or 2, not a full-time student,
not in compulsory military service. Group 3 is no exemption.

A long illness (incapacity for work of more than two months) is named by the rules only as a
ground of *unconditional* help for a person living alone; so it makes a person unable to work
only when they live alone. In a family of two or more the ill adult counts as able-bodied (two
ill adults: conditional help). The `disabled_child` flag exempts nobody by itself: the rules
name no such ground for the member, and a disabled child is under 18, so not able-bodied by age;
caring for a disabled child is the exemption (`caring_for`, eligibility.quantities.assistance).
UNCERTAIN at the edges: no legal definition of "able-bodied" was found.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from eligibility import parameters
from eligibility.household import Disability, Member

ADULT_AGE = 18
"""Able-bodied from 18 (docs/rules.md §6)."""

WORK_EXEMPT_DISABILITY = frozenset({Disability.GROUP_1, Disability.GROUP_2})


def is_of_retirement_age(member: Member, on: date, retirement_age: Decimal | None = None) -> bool:
    """Reached the retirement age in force on `on` for the member's sex (whole years compared
    with a possibly half-year age: 61 is below 61.5). `retirement_age` may pass it if known."""
    if retirement_age is None:
        retirement_age = parameters.retirement_age(member.sex, on).value
    return member.age >= retirement_age


def is_able_bodied(
    member: Member,
    on: date,
    *,
    lives_alone: bool = False,
    retirement_age: Decimal | None = None,
) -> bool:
    """Whether `member` counts as able-bodied for an application on `on`.

    `lives_alone`: the member is the whole household (then a long illness exempts them). The
    dialogs call this to decide whether the "last 6 months" question applies to anyone.
    """
    return (
        member.age >= ADULT_AGE
        and not is_of_retirement_age(member, on, retirement_age)
        and member.disability not in WORK_EXEMPT_DISABILITY
        and not member.full_time_student
        and not member.military_service
        and not (lives_alone and member.long_illness)
    )
