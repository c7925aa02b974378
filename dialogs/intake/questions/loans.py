"""Consumer loans and microcredits: received last quarter they count as income (how much, then);
any open one may lead to a refusal (the result says so)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Final

from common.text import Money as Tenge
from common.text import Renderable, msg
from dialogs.intake.declare import Line, Question, Section, SessionField
from dialogs.intake.kinds import Choice, Money, OneOf
from dialogs.intake.questions.common import Lower, label_of, quarter_months
from dialogs.intake.vocabulary import NO_WORDS
from dialogs.parse import MoneyAnswer
from dialogs.reply import Option
from dialogs.session import Session

LOANS_SECTION: Final = Section("loans", edit=Option("e_loans", msg("Change the loans answer")))


def _prompt_loans(s: Session, i: int, today: date) -> Renderable:
    return msg(
        "Does anyone in the family have a consumer loan or microcredit (not a mortgage)? "
        "Loans received in {months} count as income.",
        months=quarter_months(today),
    )


def _store_loans(s: Session, i: int, value: str) -> None:
    s.loans = value  # type: ignore[assignment]  # one of the choices: checked by the kind
    if value != "new":
        s.loan_amount = None


def _loans_line(s: Session, i: int) -> Renderable:
    return msg("Loans: {answer}", answer=Lower(label_of(LOANS.kind, s.loans)))


LOANS: Final = Question(
    id="loans",
    section=LOANS_SECTION,
    kind=OneOf(
        Choice("no", msg("No loans"), NO_WORDS),
        Choice("open", msg("Yes, taken earlier, still repaying")),
        Choice("new", msg("Yes, received last quarter")),
    ),
    prompt=_prompt_loans,
    field=SessionField("loans"),
    summary=Line(_loans_line),
    store=_store_loans,
)


def _received_loans(s: Session, i: int) -> bool:
    return s.loans == "new"


def _prompt_loan_amount(s: Session, i: int, today: date) -> Renderable:
    return msg(
        "How much was received in loans and microcredits in {months}, in total? E.g. 300 000.",
        months=quarter_months(today),
    )


def _store_loan_amount(s: Session, i: int, value: MoneyAnswer) -> None:
    amount = value.amount * 3 if value.period == "month" and value.months == 1 else value.amount
    s.loan_amount = amount.quantize(Decimal(1))


def _loan_amount_line(s: Session, i: int) -> Renderable | None:
    if s.loans != "new" or s.loan_amount is None:
        return None
    return msg("Loans received: {amount}", amount=Tenge(s.loan_amount))


LOAN_AMOUNT: Final = Question(
    id="loan_amount",
    section=LOANS_SECTION,
    kind=Money(),
    prompt=_prompt_loan_amount,
    field=SessionField("loan_amount"),
    summary=Line(_loan_amount_line),
    asked_if=_received_loans,
    store=_store_loan_amount,
)

QUESTIONS: Final[tuple[Question[Any], ...]] = (LOANS, LOAN_AMOUNT)
