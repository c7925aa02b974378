"""Quantity: the child package (guaranteed social package for children), ₸ a month.

Rule: from 2023-01-01, 1.5 MRP a month for each child aged 1 to 6 inclusive in a family that
receives TSA (TSA under the Social Code of RK (2023) Arts. 121-128; MLSP releases 2024-2026);
2019-2022 the package was in kind, so 0 ₸ (Law of RK of 17.07.2001 No. 246). The family's sum
is rounded half-up to whole tenge once (docs/rules.md §10). Parameters: `child_package.*`, `mrp`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from eligibility import parameters
from eligibility.household import Member
from eligibility.trace import Step, whole_tenge

SRC_OVERRIDE = "overrides in the input (what-if figure), not an official value"
T_PACKAGE = "{0} MRP × {1:,.2f} × {2} child(ren) aged {3}-{4} = {5} tenge a month (half-up)"


def package_ages(on: date) -> tuple[int, int]:
    """Youngest and oldest age (inclusive) of a child the package is for, on `on`."""
    return parameters.child_package_ages(on)


def children_of_package_age(members: Sequence[Member], on: date) -> int:
    """Members aged 1-6 whatever their relation (counted even when the family is not eligible)."""
    low, high = package_ages(on)
    return sum(1 for m in members if low <= m.age <= high)


@dataclass(frozen=True, slots=True)
class ChildPackageAmount:
    monthly_amount: int
    step: Step


def child_package(children: int, on: date, mrp_override: Decimal | None) -> ChildPackageAmount:
    """The monthly package for `children` children of package age, in a family that gets TSA."""
    multiple = parameters.child_package_mrp_multiple(on)
    if mrp_override is not None:
        mrp_value, mrp_source = mrp_override, SRC_OVERRIDE
    else:
        found = parameters.mrp(on)
        mrp_value, mrp_source = found.value, f"MRP from {found.start}: {found.source}"
    amount = whole_tenge(multiple.value * mrp_value * children)
    low, high = package_ages(on)
    step = Step(
        "child_package",
        amount,
        T_PACKAGE,
        (multiple.value, mrp_value, children, low, high, amount),
        f"{multiple.source}; {mrp_source}",
    )
    return ChildPackageAmount(amount, step)
