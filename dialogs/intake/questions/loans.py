"""Consumer loans and microcredits: received last quarter they count as income (how much, then);
any open one may lead to a refusal (the result says so)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Final

from common.text import ExactMoney as Tenge
from common.text import Message, Renderable, msg
from dialogs.intake.declare import Line, Question, Section, SessionField
from dialogs.intake.kinds import Choice, Money, Narrow, OneOf
from dialogs.intake.questions.common import Lower, label_of, quarter_months
from dialogs.intake.questions.income import in_tiyn, looks_like_a_slip
from dialogs.intake.vocabulary import MORTGAGE_WORDS, NO_WORDS, SOME_LOAN_WORDS
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
        Choice("no", msg("No loans"), (*NO_WORDS, *MORTGAGE_WORDS)),
        Choice("open", msg("Yes, taken earlier, still repaying")),
        Choice("new", msg("Yes, received last quarter")),
        narrow=(
            Narrow(
                SOME_LOAN_WORDS,
                msg(
                    "When was it received? Choose “received last quarter” if any loan was "
                    "received then (it counts as income), otherwise “taken earlier”."
                ),
            ),
        ),
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


def _loan_total(value: MoneyAnswer) -> Decimal:
    return value.amount * 3 if value.period == "month" and value.months == 1 else value.amount


def _store_loan_amount(s: Session, i: int, value: MoneyAnswer) -> None:
    s.loan_amount = in_tiyn(_loan_total(value))


def _doubt_loan(s: Session, i: int, value: MoneyAnswer, today: date) -> Message | None:
    return looks_like_a_slip(value.amount, _loan_total(value))


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
    doubt=_doubt_loan,
)

QUESTIONS: Final[tuple[Question[Any], ...]] = (LOANS, LOAN_AMOUNT)
