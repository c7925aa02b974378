"""Tolerant parsing of what people really type, in Kazakh, Russian and a mix of both."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dialogs.intake.shipped import spellings
from dialogs.parse import (
    match_choice,
    parse_choice_numbers,
    parse_int,
    parse_int_list,
    parse_money,
    parse_yes_no,
)


@pytest.mark.parametrize(
    ("text", "amount", "period"),
    [
        ("150 000", 150000, None),
        ("150000", 150000, None),
        ("150000 тг", 150000, None),
        ("150 000 тенге", 150000, None),
        ("150 000 теңге", 150000, None),
        ("150 000 ₸", 150000, None),
        ("150\u00a0000\u00a0₸", 150000, None),
        ("150.000", 150000, None),
        ("150,000", 150000, None),
        ("150 тыс", 150000, None),
        ("150 тыс.", 150000, None),
        ("150тыс", 150000, None),
        ("150 тысяч", 150000, None),
        ("150 мың", 150000, None),
        ("150 мың теңге", 150000, None),
        ("150к", 150000, None),
        ("150k", 150000, None),
        ("150 К", 150000, None),
        ("1,5 млн", 1500000, None),
        ("1.5 млн", 1500000, None),
        ("2 миллиона", 2000000, None),
        ("0", 0, None),
        ("жоқ", 0, None),
        ("нет", 0, None),
        ("no", 0, None),
        ("ничего", 0, None),
        ("50 000 в месяц", 50000, "month"),
        ("50000/мес", 50000, "month"),
        ("в месяц 50 тыс", 50000, "month"),
        ("айына 50 мың", 50000, "month"),
        ("айына 50 000 теңге", 50000, "month"),
        ("примерно 80 тысяч в месяц", 80000, "month"),
        ("шамамен 80 мың айына", 80000, "month"),
        ("за квартал 450 тыс", 450000, "quarter"),
        ("450 000 за 3 месяца", 450000, "quarter"),
        ("всего 300 000", 300000, "quarter"),
        ("барлығы 300 мың", 300000, "quarter"),
        ("3 айда 450000", 450000, "quarter"),
        ("50к, 60к, 55к", 165000, "quarter"),
        ("50 000, 60 000, 55 000", 165000, "quarter"),
    ],
)
def test_money(text: str, amount: int, period: str | None) -> None:
    parsed = parse_money(text)
    assert parsed is not None, text
    assert parsed.amount == Decimal(amount)
    assert parsed.period == period


@pytest.mark.parametrize(
    "text",
    ["", "много", "abc", "150 000 и 200", "куча денег", "1 2", "10 000 000 000 000", "?", "₸"],
)
def test_money_not_understood(text: str) -> None:
    assert parse_money(text) is None


@pytest.mark.parametrize(
    ("text", "ages"),
    [
        ("5, 9 и 12", [5, 9, 12]),
        ("5 9 12", [5, 9, 12]),
        ("5,9,12", [5, 9, 12]),
        ("5; 9; 12", [5, 9, 12]),
        ("5 және 9", [5, 9]),
        ("5 жаста және 8 жаста", [5, 8]),
        ("бес, тоғыз және он екі", [5, 9, 12]),
        ("пять и семь", [5, 7]),
        ("3 года, 7 лет", [3, 7]),
        ("12 и 14 лет", [12, 14]),
        ("до года и 5", [0, 5]),
        ("3 месяца", [0]),
        ("0,5", [0]),
        ("1,5 года и 4", [1, 4]),
        ("7", [7]),
    ],
)
def test_age_lists(text: str, ages: list[int]) -> None:
    assert parse_int_list(text) == ages


@pytest.mark.parametrize("text", ["", "абв", "много детей", "12345678", "5 и ещё"])
def test_age_lists_not_understood(text: str) -> None:
    assert parse_int_list(text) is None


@pytest.mark.parametrize(
    ("text", "number"),
    [("42", 42), ("42 года", 42), ("мне 67", 67), ("67 жаста", 67), ("пять", 5), ("бес", 5)],
)
def test_whole_numbers(text: str, number: int) -> None:
    assert parse_int(text) == number


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("да", True),
        ("Да!", True),
        ("иә", True),
        ("ия", True),
        ("Келісемін", True),
        ("ok", True),
        ("yes", True),
        ("да, согласен", True),
        ("нет", False),
        ("жоқ", False),
        ("Жок", False),
        ("no", False),
        ("не согласен", False),
        ("не знаю", None),
        ("может быть", None),
    ],
)
def test_yes_no(text: str, answer: bool | None) -> None:
    assert parse_yes_no(text) is answer


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("Алматы", "KZ-75"),
        ("алматы қаласы", "KZ-75"),
        ("г. Алматы", "KZ-75"),
        ("Алматинская область", "KZ-19"),
        ("Алматы облысы", "KZ-19"),
        ("Алматинская обл.", "KZ-19"),
        ("Қонаев", "KZ-19"),
        ("астана", "KZ-71"),
        ("Нур-Султан", "KZ-71"),
        ("Шымкент", "KZ-79"),
        ("Карагандинская", "KZ-35"),
        ("Қарағанды облысы", "KZ-35"),
        ("Караганда", "KZ-35"),
        ("Семей", "KZ-10"),
        ("ВКО", "KZ-63"),
        ("Өскемен", "KZ-63"),
        ("Усть-Каменогорск", "KZ-63"),
        ("СКО", "KZ-59"),
        ("Петропавловск", "KZ-59"),
        ("Западно-Казахстанская область", "KZ-27"),
        ("Орал", "KZ-27"),
        ("Тараз", "KZ-31"),
        ("Талдыкорган", "KZ-33"),
        ("Жетісу облысы", "KZ-33"),
        ("Ақтөбе", "KZ-15"),
        ("Актобе", "KZ-15"),
        ("Актау", "KZ-47"),
        ("Маңғыстау", "KZ-47"),
        ("Жезказган", "KZ-62"),
        ("Түркістан облысы", "KZ-61"),
        ("Кызылорда", "KZ-43"),
        ("Костанай", "KZ-39"),
        ("Павлодар", "KZ-55"),
        ("Атырау", "KZ-23"),
        ("Кокшетау", "KZ-11"),
        ("Abai region", "KZ-10"),
    ],
)
def test_regions_typed(text: str, region: str) -> None:
    assert match_choice(text, spellings("region")) == region


@pytest.mark.parametrize("text", ["Казахстан", "область", "привет", ""])
def test_regions_not_guessed(text: str) -> None:
    assert match_choice(text, spellings("region")) is None


def test_option_numbers() -> None:
    assert parse_choice_numbers("2", 3) == [1]
    assert parse_choice_numbers("1, 3", 3) == [0, 2]
    assert parse_choice_numbers("1 и 3", 3) == [0, 2]
    assert parse_choice_numbers("4", 3) is None
    assert parse_choice_numbers("два", 3) is None
