"""Quantity: the members counted in the household.

Rule: the people registered at the address who keep one household: applicant, spouse, children
under 18, children 18-22 in full-time education, other relatives keeping house together (Social
Code of RK (2023) Arts. 121-128; rules of assignment, MLSP Order No. 227 of 21.06.2023). The
current wording was not found (uncertain): every member entered is counted, and the center
verifies composition (docs/rules.md §2).
"""

from __future__ import annotations

from collections.abc import Sequence

from eligibility.household import Member
from eligibility.trace import Step

SOURCE = (
    "Social Code of RK (2023) Arts. 121-128; TSA rules of assignment, MLSP Order No. 227 of "
    "21.06.2023: people registered at the address who keep one household "
    "(UNCERTAIN: the center verifies composition)"
)


def members_counted(members: Sequence[Member]) -> tuple[int, Step]:
    """How many people the per-capita income is divided by: everyone entered."""
    n = len(members)
    return n, Step("members_counted", n, "{0} member(s) of the household as entered", (n,), SOURCE)
