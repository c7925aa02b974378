"""The parsers on long and hostile text: a valid answer or None (a hint), never an exception.

A message may be as long as Telegram allows (4096 characters), and the terminal front end has no
limit at all. These tests check results, not time (`benchmarks/parsers.py` times the parsers);
they run quickly only because parsing is linear in the length of the text.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_dialog_properties import TRICKY

from dialogs.intake.shipped import spellings
from dialogs.parse import (
    MAX_MONEY,
    MoneyAnswer,
    fold,
    match_choice,
    parse_choice_numbers,
    parse_int,
    parse_int_list,
    parse_money,
    parse_yes_no,
    words,
)

REGIONS = spellings("region")
OPTIONS = 5

SHAPES: dict[str, str] = {
    "digits": "1",
    "digit comma": "1,",
    "digit space": "1 ",
    "digit dot": "1.",
    "zero comma": "0,",
    "digit dash": "1-",
    "letters": "а",
    "digit letter": "1а",
    "digit space letter": "1 а",
    "list": "1 и ",
    "years": "5 лет, ",
    "months": "3 мес ",
    "suffix": "5-ти ",
    "thousands": "150 000 ",
    "money words": "50к в месяц ",
    "whitespace": " \t\n\u00a0",
    "emoji": "🙂",
    "arabic-indic digits": "١٢٣",
    "mixed": "Бес 5, жасқа!? 1,5 года; 50к/мес ",
}
SIZES = (4096, 20_000)


def long_text(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def check_all(text: str) -> None:
    """Every parser gives a well-formed answer or None for `text`."""
    assert isinstance(fold(text), str)
    assert isinstance(words(text), str)
    assert parse_yes_no(text) in {True, False, None}
    number = parse_int(text)
    assert number is None or (isinstance(number, int) and 0 <= number <= 9999)
    ages = parse_int_list(text)
    assert ages is None or (ages and all(isinstance(a, int) and 0 <= a <= 9999 for a in ages))
    money = parse_money(text)
    assert money is None or (
        isinstance(money, MoneyAnswer)
        and 0 <= money.amount <= MAX_MONEY
        and money.period in {None, "month", "quarter"}
        and money.months in {1, 3}
    )
    assert match_choice(text, REGIONS) in {None, *REGIONS}
    chosen = parse_choice_numbers(text, OPTIONS)
    assert chosen is None or (
        chosen and len(set(chosen)) == len(chosen) and all(0 <= index < OPTIONS for index in chosen)
    )


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("unit", SHAPES.values(), ids=SHAPES.keys())
def test_long_input_gives_an_answer_or_none(unit: str, size: int) -> None:
    check_all(long_text(unit, size))


@pytest.mark.parametrize(
    ("parser", "text", "expected"),
    [
        # A digit run is one number far too big to be an age or an option: a hint, not a crash.
        (parse_int_list, "1" * 4096, None),
        (parse_int_list, "1" * 20_000, None),
        (parse_int, "1" * 20_000, None),
        (parse_int_list, "1" * 20_000 + ",5 года", None),
        (parse_int_list, "1," + "1" * 20_000 + " лет", [1]),  # as "1,5 лет"
        (parse_int_list, "1" * 20_000 + " месяцев", [0]),
        (parse_int_list, "5 " * 2048, [5] * 2048),
        (parse_int_list, " " * 20_000 + "1,5 года и 4" + " " * 20_000, [1, 4]),
        (parse_int, "мне " + "\u00a0" * 20_000 + "67", 67),
        (lambda text: parse_choice_numbers(text, 3), "1" * 20_000, None),
        # int() refuses more than 4300 digits: these raised ValueError before.
        (lambda text: parse_choice_numbers(text, 3), "0" * 20_000 + "2", [1]),
        (lambda text: parse_choice_numbers(text, 3), "1, " + "0" * 5000, None),
        (parse_money, "1" * 20_000, None),
        (parse_money, " " * 20_000 + "150 тыс" + " " * 20_000, MoneyAnswer(Decimal(150_000))),
        # Past a million digits Decimal arithmetic overflowed (decimal.Overflow) before.
        (parse_money, "9" * 1_000_001, None),
    ],
)
def test_long_input_answers(parser: Callable[[str], object], text: str, expected: object) -> None:
    assert parser(text) == expected


PIECES = [
    "1",
    "0",
    "5",
    "12",
    "٣",
    ",",
    ".",
    " ",
    "-",
    "и",
    "жане",
    "лет",
    "года",
    "жас",
    "y",
    "мес",
    "ай",
    "тыс",
    "млн",
    "к",
    "тг",
    "в месяц",
    "за квартал",
    "а",
    "🙂",
    "\u00a0",
    "\t",
]
REPEATED = st.builds(
    lambda parts, times: "".join(parts) * times,
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=6),
    st.integers(min_value=1, max_value=300),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.text(), st.sampled_from(TRICKY), REPEATED))
def test_parsers_never_raise(text: str) -> None:
    check_all(text)
