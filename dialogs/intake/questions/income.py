"""The family's income in the previous quarter: which kinds (several choices, some ticked in
advance from what people do), then an amount for each kind that counts (`PER_INCOME`).

Amounts keep their tiyn (`71 191,40`); an amount so small that it is probably a slip (`1`, or
`150,5` meaning 150 500) is said back once before it is taken (`Question.doubt`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Final

from common.text import ExactMoney, Message, Renderable, msg
from common.text import Money as Tenge
from dialogs.intake.declare import Field, Line, Question, Repeat, Section, SessionField
from dialogs.intake.kinds import Choice, ManyOf, Money
from dialogs.intake.questions.common import quarter_months
from dialogs.parse import MoneyAnswer
from dialogs.reply import Lines, Option
from dialogs.session import Session


def _heading(s: Session, today: date) -> Renderable:
    return msg("Income in {months}:", months=quarter_months(today))


INCOME: Final = Section(
    "income", edit=Option("e_income", msg("Change the income")), heading=_heading
)

INCOME_KINDS: Final[tuple[Choice, ...]] = (
    Choice("wages", msg("Wages"), ("зарплата", "зп", "жалакы", "salary", "заработная плата")),
    Choice("pension", msg("Pension"), ("пенсия", "зейнетакы", "зейнетаки")),
    Choice("benefits", msg("State benefits"), ("пособие", "пособия", "жардемакы", "выплаты")),
    Choice("alimony", msg("Alimony"), ("алименты", "алимент")),
    Choice(
        "business",
        msg("Business, farm, livestock, garden"),
        ("ип", "бизнес", "хозяйство", "скот", "огород", "мал", "бакша", "шаруашылык", "кэсип"),
    ),
    Choice(
        "employment",
        msg("Pay from employment measures"),
        ("меры занятости", "общественные работы", "молодежная практика", "жумыспен камту"),
    ),
    Choice(
        "housing",
        msg("Housing certificate"),
        ("жилищный сертификат", "сертификат", "тургын уй сертификаты"),
    ),
    Choice(
        "sale",
        msg("Sale of property or a car"),
        ("продажа", "продал", "продали", "сату", "саттым", "сатылым"),
    ),
    Choice(
        "other",
        msg("Other: rent, deposits, transfers, gifts"),
        (
            "аренда",
            "депозит",
            "переводы",
            "подарки",
            "наследство",
            "выигрыш",
            "жалга",
            "аударым",
            "мурагерлик",
            "утыс",
        ),
    ),
    Choice(
        "notcounted",
        msg("Support that is not counted"),
        ("стипендия", "благотворительность", "асп", "аак", "кайырымдылык"),
    ),
)
COUNTED_KINDS: Final = tuple(c.value for c in INCOME_KINDS if c.value != "notcounted")
INCOME_LABELS: Final = {c.value: c.label for c in INCOME_KINDS}
KIND_TO_CONTRACT: Final = {
    "wages": "wages",
    "pension": "pension",
    "benefits": "social_benefit",
    "alimony": "alimony",
    "business": "business",
    "employment": "employment_measures",
    "housing": "housing_certificate",
    "sale": "property",
    "other": "other",
}
"""Each counted option's income type in the screening contract (`eligibility` IncomeType)."""

IMPLAUSIBLY_SMALL: Final = Decimal(1000)
"""Below this, a quarter's amount of any income (or a loan) is said back before it is taken:
`1` or `150,5` is far more often a slip (150 500 meant) than the real figure. Not a legal figure:
a guard against typing slips, so it sits here and not in the dated parameters."""


def preselected_incomes(s: Session) -> list[str]:
    """Income kinds ticked in advance from what people said they do (saves presses)."""
    statuses = {
        status for p in s.adults if p.age is None or p.age >= 18 for status in (p.status, p.also)
    }
    chosen = []
    if "works" in statuses:
        chosen.append("wages")
    if "pensioner" in statuses:
        chosen.append("pension")
    return chosen


def counted_kinds(s: Session) -> list[str]:
    """The chosen income kinds that are asked about amounts (not-counted support is not)."""
    chosen = s.income_kinds if s.income_kinds is not None else preselected_incomes(s)
    return [k for k in chosen if k in COUNTED_KINDS]


def _store_incomes(s: Session, i: int, value: list[str]) -> None:
    chosen = [kind.value for kind in INCOME_KINDS if kind.value in value]
    s.income_kinds = chosen
    s.amounts = {k: v for k, v in s.amounts.items() if k in chosen}


def _prompt_incomes(s: Session, i: int, today: date) -> Renderable:
    return msg(
        "What income did the family have in {months}? Tick everything that applies, "
        "then press “Done”. If there was no income at all, just press “Done”.\n\n"
        "Business: an individual entrepreneur, a farm, livestock, a garden plot. Other: rent, "
        "deposit interest, money transfers, gifts, inheritance, winnings. "
        "State benefits include child allowances and the large-family allowance (it is counted). "
        "Employment measures: pay for public works, youth practice and other jobs or training "
        "from the employment center.\n"
        "Not counted: scholarships, disability benefits and special state allowances, the "
        "“Altyn alka” and “Kumis alka” allowances of mothers of large families, TSA itself, "
        "housing aid, charity, one-time payments (for a birth, a burial).",
        months=quarter_months(today),
    )


def _incomes_line(s: Session, i: int) -> Renderable | None:
    """Below the amounts: that nothing counts, and support that is not counted."""
    lines: list[Renderable] = []
    if not counted_kinds(s):
        lines.append(msg("• no income that counts"))
    if "notcounted" in (s.income_kinds or []):
        lines.append(msg("• support that is not counted (amount not needed)"))
    return Lines(tuple(lines)) if lines else None


INCOMES: Final = Question(
    id="incomes",
    section=INCOME,
    kind=ManyOf(*INCOME_KINDS, preselect=preselected_incomes),
    prompt=_prompt_incomes,
    field=SessionField("income_kinds"),
    summary=Line(_incomes_line, at_end=True),
    store=_store_incomes,
    columns=2,
)

PER_INCOME: Final = Repeat("income", count=lambda s: len(counted_kinds(s)))


class AmountField(Field):
    """The quarter's total of the `i`-th counted income kind (`Session.amounts`)."""

    attribute = "amounts"
    item = PER_INCOME

    def read(self, s: Session, i: int) -> object:
        kinds = counted_kinds(s)
        return s.amounts.get(kinds[i]) if i < len(kinds) else None

    def write(self, s: Session, i: int, value: Any) -> None:
        kinds = counted_kinds(s)
        if i < len(kinds):
            s.amounts[kinds[i]] = in_tiyn(Decimal(value))


def in_tiyn(amount: Decimal) -> Decimal:
    """Tenge to the tiyn (two places): typed tiyn are kept, three monthly figures too; a whole
    amount stays whole (`150000`, as stored before tiyn were kept)."""
    exact = amount.quantize(Decimal("0.01"))
    return exact if exact != exact.to_integral_value() else exact.quantize(Decimal(1))


def quarter_total(s: Session, value: MoneyAnswer) -> Decimal:
    """The quarter's total an amount answer says, given the mode it was asked in."""
    if value.months != 1:
        return value.amount
    period = value.period if value.period is not None else s.money_mode
    return value.amount * 3 if period == "month" else value.amount


def looks_like_a_slip(amount: Decimal, total: Decimal) -> Message | None:
    """The hint for an amount too small to be meant (`1`, `150,5`), with the figure as read."""
    if not 0 < total < IMPLAUSIBLY_SMALL:
        return None
    return msg(
        "I read {amount}, which is very little. If you meant thousands, type the amount in "
        "full, e.g. 150 500. If {amount} is right, send it again.",
        amount=ExactMoney(amount),
    )


def _doubt_amount(s: Session, i: int, value: MoneyAnswer, today: date) -> Message | None:
    return looks_like_a_slip(value.amount, quarter_total(s, value))


def _store_amount(s: Session, i: int, value: MoneyAnswer) -> None:
    """Kept as the quarter's total: a monthly amount is tripled. A single amount said without
    a period follows the mode asked in (`Session.money_mode`); one said with it sets the mode."""
    if i >= len(counted_kinds(s)):
        return
    amount = value.amount
    period = value.period
    if value.months == 1:
        if period is None:
            period = s.money_mode
        else:
            s.money_mode = period
        if period == "month":
            amount = amount * 3
    AMOUNT.field.write(s, i, amount)


def _prompt_amount(s: Session, i: int, today: date) -> Renderable:
    kinds = counted_kinds(s)
    kind = INCOME_LABELS[kinds[i]] if i < len(kinds) else msg("Income")
    if s.money_mode == "quarter":
        return msg(
            "{kind}: how much did the whole family receive in {months}, all three months together? "
            "Type the total, e.g. 255 000.",
            kind=kind,
            months=quarter_months(today),
        )
    return msg(
        "{kind}: how much did the whole family receive per month in {months}? "
        "Type the monthly amount, e.g. 85 000 (if it varied, an average).",
        kind=kind,
        months=quarter_months(today),
    )


def _amount_line(s: Session, i: int) -> Renderable:
    kind = counted_kinds(s)[i]
    total = s.amounts.get(kind, Decimal(0))
    return msg(
        "• {kind}: {total} in total ({monthly} a month)",
        kind=INCOME_LABELS[kind],
        total=ExactMoney(total),
        monthly=Tenge(total / 3),
    )


AMOUNT: Final = Question(
    id="amount",
    section=INCOME,
    kind=Money(period_switch=True),
    prompt=_prompt_amount,
    field=AmountField(),
    summary=Line(_amount_line),
    repeat=PER_INCOME,
    store=_store_amount,
    doubt=_doubt_amount,
    help=msg(
        "Give the money actually received, after taxes, by all family members together. "
        "An approximate figure is fine: the center takes the exact figures from state "
        "databases."
    ),
)

QUESTIONS: Final[tuple[Question[Any], ...]] = (INCOMES, AMOUNT)
