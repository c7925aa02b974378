"""The result screen says only what is known (issue: the poverty-line range; QA review D7, D8):
a borderline result says so with the range and "up to", a payment that rounds to 0 ₸ is never
"likely eligible, about 0 ₸", the printed calculation adds up by hand, the thresholds are the
exact figures, and an approximate line is never labelled as the region's own figure.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from common.text import ExactMoney
from dialogs import Session, render
from dialogs.result import explain
from eligibility import Household, Income, Member, Overrides, Screening, screen
from eligibility.household import IncomeType, Relation, Settlement, Sex

DAY = date(2026, 2, 10)
"""Q1 2026: Karaganda (KZ-35) has no official line (a range); Aktobe (KZ-15) has one."""


def household(region: str, members: int, quarter_income: Decimal, **extra: object) -> Household:
    people = [
        Member(
            relation=Relation.APPLICANT,
            age=40,
            sex=Sex.MALE,
            incomes=(Income(type=IncomeType.WAGES, amount=quarter_income),),
        )
    ]
    people += [
        Member(relation=Relation.CHILD, age=12 + i, sex=Sex.FEMALE) for i in range(members - 1)
    ]
    return Household(
        application_date=DAY,
        region=region,
        settlement=Settlement.URBAN,
        members=tuple(people),
        **extra,  # type: ignore[arg-type]
    )


def shown(screening: Screening, region: str, lang: str = "ru") -> str:
    session = Session.new()
    session.region = region
    session.language = lang  # type: ignore[assignment]
    text = "\n\n".join(r.text for r in render(explain(session, screening, DAY), lang))  # type: ignore[arg-type]
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def money(text: str) -> Decimal:
    """'35 595,70 ₸' → Decimal('35595.70')."""
    return Decimal(text.replace(" ", "").replace("₸", "").replace(",", "."))


def test_borderline_says_close_to_the_line_with_the_range_and_up_to() -> None:
    screening = screen(household("KZ-35", 2, Decimal("213574.20")))  # exactly the low end
    assert screening.verdict == "borderline" and screening.total_monthly_max > 0
    text = shown(screening, "KZ-35")
    assert "ваш доход близок к черте бедности" in text
    low = ExactMoney(screening.poverty_line_low).render("ru").replace("\u00a0", " ")
    high = ExactMoney(screening.poverty_line_high).render("ru").replace("\u00a0", " ")
    assert f"ожидается от {low} до {high}" in text
    assert f"до {screening.total_monthly_max:,} ₸ в месяц".replace(",", " ") in text
    assert "Примерно 0 ₸" not in text and "скорее всего, может получить" not in text
    kk = shown(screening, "KZ-35", "kk")
    assert "кедейлік шегіне жақын" in kk


def test_a_payment_that_rounds_to_nothing_is_not_called_eligible_about_0() -> None:
    """D7: 213 574 ₸ for two people is 0.07 ₸ below the line: not "about 0 ₸ a month"."""
    screening = screen(household("KZ-35", 2, Decimal(213574)))
    assert screening.verdict == "eligible" and screening.total_monthly == 0
    text = shown(screening, "KZ-35")
    assert "Примерно 0 ₸" not in text
    assert "чуть ниже черты бедности 35 595,70 ₸" in text
    assert "35 595,67 ₸" in text  # the income per person, with its tiyn


def test_the_thresholds_are_exact_and_consistent_with_the_verdict() -> None:
    """D7: the income threshold is printed with its tiyn (213 574,20), never rounded onto the
    income itself."""
    at_line = shown(screen(household("KZ-35", 2, Decimal(213574))), "KZ-35")
    assert "ниже 213 574,20 ₸ за квартал" in at_line
    over = shown(screen(household("KZ-35", 2, Decimal(400000))), "KZ-35")
    assert "Что может изменить результат: учитываемый доход семьи за квартал должен быть" in over


@pytest.mark.parametrize(
    ("region", "members", "income"),
    [
        ("KZ-35", 5, Decimal(270000)),  # the review's 87 979 family, on the low end
        ("KZ-35", 4, Decimal(270000)),
        ("KZ-35", 7, Decimal("575001")),
        ("KZ-15", 3, Decimal("100000")),  # a published line
        ("KZ-15", 6, Decimal("99999.99")),
    ],
)
def test_the_printed_calculation_adds_up_by_hand(
    region: str, members: int, income: Decimal
) -> None:
    """D8: (line − per person) × members = the printed product, and it rounds to the payment."""
    screening = screen(household(region, members, income))
    assert screening.verdict == "eligible" and screening.monthly_amount > 0
    text = shown(screening, region)
    found = re.search(
        r"выплата: \(([\d ,]+ ₸) − ([\d ,]+ ₸)\) × (\d+) = ([\d ,]+ ₸)"
        r"(?:, с округлением ([\d ,]+ ₸))?",
        text,
    )
    assert found is not None, text
    line, per_person, n, product = (
        money(found[1]),
        money(found[2]),
        int(found[3]),
        money(found[4]),
    )
    assert (line - per_person) * n == product
    paid = money(found[5]) if found[5] else product
    assert product.quantize(Decimal(1), ROUND_HALF_UP) == paid == screening.monthly_amount


def test_an_approximate_line_is_not_labelled_as_the_regions_figure() -> None:
    text = shown(screen(household("KZ-35", 3, Decimal(100000))), "KZ-35")
    assert "Карагандинская" not in text
    assert "черта бедности: ещё не опубликована, ожидается от" in text
    known = shown(screen(household("KZ-15", 3, Decimal(100000))), "KZ-15")
    assert "черта бедности (Актюбинская область): 37 060 ₸" in known
    what_if = screen(
        household("KZ-35", 3, Decimal(100000), overrides=Overrides(poverty_line=Decimal(40000)))
    )
    assert what_if.verdict == "eligible"
    what_if_text = shown(what_if, "KZ-35")
    assert "она не официальная" in what_if_text
    assert "черта бедности (расчёт «что если»): 40 000 ₸" in what_if_text


def test_the_loan_is_named_in_the_counted_income() -> None:
    base = household("KZ-35", 2, Decimal(60000))
    applicant = base.members[0].model_copy(
        update={
            "incomes": (
                *base.members[0].incomes,
                Income(type=IncomeType.CONSUMER_LOAN, amount=Decimal(3000000)),
            )
        }
    )
    loaded = base.model_copy(update={"members": (applicant, *base.members[1:])})
    text = shown(screen(loaded), "KZ-35")
    assert "включая полученный потребительский кредит (3 000 000 ₸)" in text


@pytest.mark.parametrize(
    ("verdict", "first", "prompt"),
    [
        ("eligible", "book", "Что дальше?"),
        ("borderline", "book", "заявление подать стоит"),
        ("not_eligible", "change", "записаться на приём всё равно можно"),
    ],
)
def test_the_booking_offer_follows_the_verdict(verdict: str, first: str, prompt: str) -> None:
    from dialogs.intake.screens.after_result import SCREEN
    from dialogs.intake.shipped import INTAKE

    session = Session.new()
    session.screening = {"verdict": verdict, "eligible": verdict == "eligible"}
    options = SCREEN.options(INTAKE, session)
    assert options[0].value == first and {o.value for o in options} == {"book", "change", "restart"}
    reply = SCREEN.reply(INTAKE, session, DAY, ())
    assert prompt in render([reply], "ru")[0].text
