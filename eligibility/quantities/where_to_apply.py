"""Quantity: where to apply.

Rule: the employment (career) center of the place of residence; in a rural area the akim of
the village, settlement or rural district (rules of assignment, MLSP Order No. 227 of
21.06.2023; egov.kz social_help 14.03.2024; docs/rules.md §11).
"""

from __future__ import annotations

from enum import StrEnum

from eligibility.household import Settlement
from eligibility.trace import Step

SOURCE = (
    "TSA rules of assignment, MLSP Order No. 227 of 21.06.2023; egov.kz social_help 14.03.2024: "
    "employment (career) center; in a rural area the akim's office"
)


class WhereToApply(StrEnum):
    EMPLOYMENT_CENTER = "employment_center"
    RURAL_AKIMAT = "rural_akimat"


_RURAL = Step(
    "where_to_apply",
    WhereToApply.RURAL_AKIMAT,
    "rural area: the akim of the village, settlement or rural district",
    (),
    SOURCE,
)
_URBAN = Step(
    "where_to_apply",
    WhereToApply.EMPLOYMENT_CENTER,
    "the employment (career) center of the place of residence",
    (),
    SOURCE,
)


def where_to_apply(settlement: Settlement) -> tuple[WhereToApply, Step]:
    if settlement is Settlement.RURAL:
        return WhereToApply.RURAL_AKIMAT, _RURAL
    return WhereToApply.EMPLOYMENT_CENTER, _URBAN
