"""What to bring when applying, and what the center takes from state databases itself.

docs/rules.md §11: an identity card; everything else comes from state databases, except what they
lack (e.g. an alimony certificate for the previous quarter). The extra items depend on answers.
"""

from __future__ import annotations

from datetime import date

from common.text import Message, msg
from dialogs.intake.questions.common import quarter_months
from dialogs.intake.questions.family import person
from dialogs.intake.questions.income import counted_kinds
from dialogs.reply import Lines
from dialogs.session import Session


def to_bring(s: Session, today: date) -> list[Message]:
    items = [msg("• your identity card (ID card or passport)")]
    kinds = set(counted_kinds(s))
    if "alimony" in kinds:
        items.append(
            msg(
                "• proof of the alimony received in {months} (a bank statement or a certificate "
                "from the bailiff), if it is not in state databases",
                months=quarter_months(today),
            )
        )
    if "business" in kinds:
        items.append(
            msg("• papers on business or household-plot income, if it is not in state databases")
        )
    if "other" in kinds:
        items.append(msg("• papers on other income (rent, transfers, gifts), if you have them"))
    adults = [person(s, i) for i in range(s.adults_count())]
    if any("student" in {p.status, p.also} for p in adults):
        items.append(msg("• a certificate from the place of full-time study, if the center asks"))
    cared_for = {p.caring_for for p in adults if p.caring_for}
    if cared_for & {"disabled_child", "disabled_adult"}:
        items.append(
            msg("• papers on the care you provide (e.g. the disability certificate), if asked")
        )
    elif cared_for:  # a child under 3, an elderly person: no disability certificate to show
        items.append(msg("• papers on the care you provide, if the center asks"))
    return items


def from_databases() -> Message:
    return msg(
        "The center takes from state databases by itself: registration at the address, family "
        "members, wages, pensions and benefits, disability, property and vehicles, loans."
    )


def checklist(s: Session, today: date) -> Lines:
    return Lines((msg("What to bring:"), *to_bring(s, today)))
