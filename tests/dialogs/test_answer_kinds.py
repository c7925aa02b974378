"""Each kind of answer reads presses and typed text on its own (dialogs.intake.kinds)."""

from __future__ import annotations

from decimal import Decimal

from common.text import msg
from dialogs import Session
from dialogs.intake.kinds import (
    DONE,
    MODE_MONTH,
    MODE_QUARTER,
    Answer,
    Choice,
    ManyOf,
    Money,
    OneOf,
    Redraw,
    Whole,
    WholeList,
    YesNo,
)
from dialogs.intake.vocabulary import NO_CHILDREN_WORDS
from dialogs.parse import MoneyAnswer

COLOURS = OneOf(
    Choice("red", msg("Red"), ("красный",)), Choice("blue", msg("Blue"), ("синий", "кок"))
)


def redrawn(reading: object) -> Session:
    assert isinstance(reading, Redraw)
    s = Session()
    reading.change(s)
    return s


def test_one_of_takes_its_values_numbers_and_words() -> None:
    s = Session()
    assert COLOURS.from_button("blue", s, None) == Answer("blue")
    assert COLOURS.from_button("green", s, None) is None
    assert COLOURS.from_text("2", s, None) == Answer("blue")
    assert COLOURS.from_text("көк", s, None) == Answer("blue")
    assert COLOURS.from_text("1, 2", s, None) is None
    assert COLOURS.numbered and not COLOURS.multi


def test_yes_no_understands_the_ways_of_saying_it() -> None:
    agree = YesNo(yes=msg("I agree"), no=msg("No"))
    s = Session()
    assert agree.values == ("yes", "no")
    assert agree.from_text("иә", s, None) == Answer("yes")
    assert agree.from_text("жоқ", s, None) == Answer("no")
    assert agree.from_text("1", s, None) == Answer("yes")


def test_many_of_ticks_then_answers_with_done() -> None:
    many = ManyOf(Choice("a", msg("A")), Choice("b", msg("B")), preselect=lambda s: ["b"])
    s = Session()
    assert [o.value for o in many.options(s, None) if o.chosen] == ["b"]
    ticked = redrawn(many.from_button("a", s, None))
    assert ticked.draft == ["b", "a"]
    assert many.from_button(DONE, ticked, None) == Answer(["b", "a"])
    assert many.from_button("a", s, ["a"]) is not None
    assert redrawn(many.from_button("a", s, ["a"])).draft == []  # unticks the stored answer
    assert many.from_text("1, 2", s, None) == Answer(["a", "b"])
    assert many.from_text("нет", s, None) == Answer([])
    assert many.from_text("готово", s, None) == Answer(["b"])
    assert many.multi


def test_whole_is_a_number_typed_or_pressed() -> None:
    whole = Whole(Choice("1", msg("Just me")))
    s = Session()
    assert whole.from_text("42 года", s, None) == Answer(42)
    assert whole.from_button("3", s, None) == Answer(3)
    assert whole.from_button("12345", s, None) is None
    assert not whole.numbered


def test_whole_list_is_ages_or_none() -> None:
    ages = WholeList(Choice("none", msg("No children")), none_words=NO_CHILDREN_WORDS)
    s = Session()
    assert ages.from_text("5, 9 и 12", s, None) == Answer([5, 9, 12])
    assert ages.from_text("нет детей", s, None) == Answer([])
    assert ages.from_button("none", s, None) == Answer([])
    assert ages.from_button("5", s, None) is None


def test_money_is_typed_and_its_switch_sets_the_mode() -> None:
    plain, switching = Money(), Money(period_switch=True)
    s = Session()
    assert plain.from_text("150 тыс", s, None) == Answer(MoneyAnswer(Decimal(150000)))
    assert plain.options(s, None) == [] and plain.keeps == ()
    assert plain.from_button(MODE_QUARTER, s, None) is None
    assert [o.value for o in switching.options(s, None)] == [MODE_QUARTER]
    assert redrawn(switching.from_button(MODE_QUARTER, s, None)).money_mode == "quarter"
    assert redrawn(switching.from_text("в месяц", s, None)).money_mode == "month"
    assert switching.keeps == ("money_mode",)
    assert MODE_MONTH != MODE_QUARTER
