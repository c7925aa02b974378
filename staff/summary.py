"""What staff see of a citizen's pre-screening, and only when the citizen agreed to share it.

Read from the stored screening (the public result JSON and the answers it was computed from):
household size, per-capita income, the verdict, the likely kind of assistance and the
documents to bring, so the interview starts prepared. Nothing else of the conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from common.text import Message, msg

VERDICTS = {
    "eligible": msg("likely eligible"),
    "borderline": msg("borderline: depends on the official poverty line"),
    "not_eligible": msg("likely not eligible"),
}
ASSISTANCE = {
    "unconditional": msg("unconditional cash assistance"),
    "conditional": msg("conditional cash assistance (with a social contract)"),
}
DOCUMENTS_BY_INCOME = {
    "alimony": msg("proof of alimony received (bank statement or bailiff's certificate)"),
    "business": msg("papers on business or household-plot income"),
    "other": msg("papers on other income (rent, transfers, gifts)"),
}
IDENTITY_CARD = msg("identity card")


@dataclass(frozen=True, slots=True)
class Summary:
    members: int | None
    per_capita_income: Decimal | None
    verdict: Message | None
    assistance: Message | None
    documents: tuple[Message, ...]


def _decimal(value: Any) -> Decimal | None:
    try:
        return None if value is None else Decimal(str(value))
    except InvalidOperation:
        return None


def summary_of(result: dict[str, Any], household: dict[str, Any]) -> Summary:
    """The staff view of one stored screening (missing fields are shown as unknown)."""
    verdict_code = result.get("verdict") or (
        "eligible" if result.get("eligible") else "not_eligible"
    )
    members = result.get("members_counted")
    kinds = household.get("income_kinds") or []
    documents = [IDENTITY_CARD]
    documents += [DOCUMENTS_BY_INCOME[k] for k in DOCUMENTS_BY_INCOME if k in kinds]
    return Summary(
        members=members if isinstance(members, int) else None,
        per_capita_income=_decimal(result.get("per_capita_income")),
        verdict=VERDICTS.get(str(verdict_code)),
        assistance=ASSISTANCE.get(str(result.get("assistance"))),
        documents=tuple(documents),
    )
