"""Kinds of answer: how a pressed button or typed text becomes an answer, one class per kind.

A question names its kind (`OneOf`, `YesNo`, `ManyOf`, `Whole`, `WholeList`, `Money`); the kind
owns everything about reading the answer: the buttons it offers, how typed text is parsed (with
the pure parsers of `dialogs.parse`), which pressed values it accepts and the hint for text it
cannot read. The step never asks which kind a question has.

A kind reads input into a `Reading`: an `Answer` (checked, stored, then the next question), a
`Redraw` (not an answer yet: a tick, a switch between monthly and quarterly amounts; the same
question is shown again in place), a `Hint` (understood, but not as one of the answers: that hint
and the question again) or None (not understood: the kind's hint and the question again).

Typed text is read as it is, then, if nothing was understood, once more as Kazakh typed in Latin
letters (`joq`, `jumyssyz`, `100 myn`: see `dialogs.parse.from_latin`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar, Final, Generic, TypeVar

from common.i18n import LANGUAGES
from common.text import Renderable, msg
from dialogs.intake.vocabulary import (
    DONE_WORDS,
    IN_TOTAL_WORDS,
    NO_WORDS,
    NOTHING_WORDS,
    PER_MONTH_WORDS,
    YES_WORDS,
)
from dialogs.parse import (
    MoneyAnswer,
    from_latin,
    is_negative_number,
    match_choice,
    parse_choice_numbers,
    parse_int,
    parse_int_list,
    parse_money,
    parse_yes_no,
    words,
)
from dialogs.reply import Option
from dialogs.session import MoneyMode, Session

V = TypeVar("V")

DONE: Final = "done"
"""The value of the button that ends ticking several choices."""
MODE_QUARTER: Final = "mode_q"
MODE_MONTH: Final = "mode_m"

HINT_CHOICE: Final = msg("Please choose one of the options below, or type its number.")
HINT_WHOLE: Final = msg("Please type a number, e.g. 3.")
HINT_AGES: Final = msg("Please type the ages as numbers, e.g. “5, 9 and 12”.")
HINT_MONEY: Final = msg(
    "Please type an amount in tenge, e.g. 150 000, “150 тыс” or “150 мың”. "
    "You may add “a month” or “in total”."
)
HINT_TICK: Final = msg("Tick what applies with the options, then press “Done”.")
HINT_NEGATIVE: Final = msg("Please type the number without a minus: it cannot be negative here.")


@dataclass(frozen=True, slots=True)
class Choice:
    """An option: `value` (short ASCII) is what a button sends back, `label` what it shows."""

    value: str
    label: Renderable
    spellings: tuple[str, ...] = ()
    """Typed forms besides the labels (folded, lower case: see dialogs.parse.words)."""


@dataclass(frozen=True, slots=True)
class Answer(Generic[V]):
    """An answer in the question's value type, to be checked and stored."""

    value: V


@dataclass(frozen=True, slots=True)
class Redraw:
    """Not an answer yet: `change` is applied to the session and the question is redrawn."""

    change: Callable[[Session], None]


@dataclass(frozen=True, slots=True)
class Hint:
    """Understood, but not as an answer (`да` to “which kind of loan?”, a negative age): this
    hint, instead of the kind's, and the same question again."""

    text: Renderable


Reading = Answer[V] | Redraw | Hint | None


@dataclass(frozen=True, slots=True)
class Narrow:
    """Typed words that say something about the answer but not which option (`посёлок` to
    “city or village?”, `да` to “which loan?”): they get `hint`, which explains the choice.
    Written folded (see dialogs.parse.words), matched as the whole text."""

    words: tuple[str, ...]
    hint: Renderable


def choice_table(choices: Sequence[Choice]) -> dict[str, tuple[str, ...]]:
    """Every typed form of every choice: its label in both languages, its spellings, its value."""
    table: dict[str, tuple[str, ...]] = {}
    for choice in choices:
        forms = {words(choice.label.render(lang)) for lang in LANGUAGES}
        forms.update(words(s) for s in choice.spellings)
        forms.add(words(choice.value))
        table[choice.value] = tuple(sorted(f for f in forms if f))
    return table


def pick(text: str, values: Sequence[str], table: Mapping[str, tuple[str, ...]]) -> str | None:
    """The one option meant by typed text: its number (`2`), or its words; else None (a
    negative number too: `-1` is not option 1)."""
    if is_negative_number(text):
        return None
    numbers = parse_choice_numbers(text, len(values))
    if numbers is not None and len(numbers) == 1:
        return values[numbers[0]]
    return match_choice(text, table)


class AnswerKind(ABC, Generic[V]):
    """How one kind of answer is offered and read. `current` is the answer stored so far for
    the position asked (None if none): a kind that shows it (ticks) needs it."""

    numbered: ClassVar[bool] = True
    """Whether a typed bare number picks an option (else it is the answer: an age, an amount)."""
    multi: ClassVar[bool] = False
    """Several choices: options toggle until `Done` (a front end shows ticks)."""

    def __init__(
        self, choices: Sequence[Choice], *, hint: Renderable, keeps: tuple[str, ...] = ()
    ) -> None:
        self.choices: Final = tuple(choices)
        self.hint: Final = hint
        """Said, with the question again, after input this kind cannot read."""
        self.keeps: Final = keeps
        """Session attributes the kind writes besides the question's field (part of the answers
        stored with a result)."""

    @cached_property
    def values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.choices)

    @cached_property
    def spellings(self) -> dict[str, tuple[str, ...]]:
        """Typed forms of the choices (built on first use: it renders the labels)."""
        return choice_table(self.choices)

    def options(self, s: Session, current: object) -> list[Option]:
        """The buttons under the question (the front end adds none; the step adds « Back)."""
        return [Option(c.value, c.label) for c in self.choices]

    def from_text(self, text: str, s: Session, current: object) -> Reading[V]:
        """Typed text (not a command: those are read before): as typed, else as Kazakh in Latin
        letters."""
        reading = self.read(text, s, current)
        if reading is None:
            latin = from_latin(text)
            if latin is not None:
                reading = self.read(latin, s, current)
        return reading

    @abstractmethod
    def read(self, text: str, s: Session, current: object) -> Reading[V]:
        """Typed text, in one spelling."""

    @abstractmethod
    def from_button(self, value: str, s: Session, current: object) -> Reading[V]:
        """A pressed button's value (any string: old or forged buttons are refused here)."""


class OneOf(AnswerKind[str]):
    """One of a list: pressed, typed as its number, or typed in words in either language;
    `narrow` words get their own hint."""

    def __init__(
        self, *choices: Choice, hint: Renderable = HINT_CHOICE, narrow: Sequence[Narrow] = ()
    ) -> None:
        super().__init__(choices, hint=hint)
        self.narrow: Final = tuple(narrow)

    def read(self, text: str, s: Session, current: object) -> Reading[str]:
        w = words(text)
        for vague in self.narrow:
            if w in vague.words:
                return Hint(vague.hint)
        value = pick(text, self.values, self.spellings)
        return Answer(value) if value is not None else None

    def from_button(self, value: str, s: Session, current: object) -> Reading[str]:
        return Answer(value) if value in self.values else None


class YesNo(OneOf):
    """Yes or no (values `yes`/`no`): also understands the many ways of saying either."""

    def __init__(self, *, yes: Renderable, no: Renderable, hint: Renderable = HINT_CHOICE) -> None:
        super().__init__(Choice("yes", yes, YES_WORDS), Choice("no", no, NO_WORDS), hint=hint)

    def read(self, text: str, s: Session, current: object) -> Reading[str]:
        agreed = parse_yes_no(text)
        if agreed is not None:
            return Answer("yes" if agreed else "no")
        return super().read(text, s, current)


def _set_draft(values: list[str]) -> Callable[[Session], None]:
    def change(s: Session) -> None:
        s.draft = values

    return change


def _contains(text: str, form: str) -> bool:
    return f" {form} " in f" {text} " or (len(form) >= 4 and f" {form}" in f" {text} ")


class ManyOf(AnswerKind[list[str]]):
    """Several of a list: each press ticks or unticks (kept in `Session.draft`), `Done` answers.
    Typed, several numbers or words answer at once; a single number ticks like a press.

    `offered` gives the choices for a session when they depend on the answers (one per child, or
    the declared ones less those that repeat an answer already given); else all are offered."""

    multi = True

    def __init__(
        self,
        *choices: Choice,
        preselect: Callable[[Session], list[str]] = lambda s: [],
        offered: Callable[[Session], Sequence[Choice]] | None = None,
        hint: Renderable = HINT_TICK,
    ) -> None:
        super().__init__(choices, hint=hint)
        self.preselect: Final = preselect
        """Ticked before the first press, from earlier answers (saves presses)."""
        self.offered: Final = offered

    def _table(self, s: Session) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
        if self.offered is None:
            return self.values, self.spellings
        choices = tuple(self.offered(s))
        return tuple(c.value for c in choices), choice_table(choices)

    def _labels(self, s: Session) -> Sequence[Choice]:
        return self.choices if self.offered is None else self.offered(s)

    def ticked(self, s: Session, current: object) -> list[str]:
        if s.draft is not None:
            return s.draft
        if isinstance(current, list):
            return [str(value) for value in current]
        return self.preselect(s)

    def options(self, s: Session, current: object) -> list[Option]:
        chosen = set(self.ticked(s, current))
        labels = self._labels(s)
        ticks = [Option(c.value, c.label, chosen=c.value in chosen) for c in labels]
        return [*ticks, Option(DONE, msg("Done ▶"))]

    def read(self, text: str, s: Session, current: object) -> Reading[list[str]]:
        if is_negative_number(text):
            return None
        offered, spellings = self._table(s)
        numbers = parse_choice_numbers(text, len(offered) + 1)
        if numbers is not None:
            values = [*offered, DONE]
            if len(numbers) == 1:
                return self.from_button(values[numbers[0]], s, current)
            return Answer([values[n] for n in numbers if values[n] != DONE])
        w = words(text)
        if w in DONE_WORDS:
            return self.from_button(DONE, s, current)
        if w in NOTHING_WORDS:
            return Answer([])
        found = [v for v, forms in spellings.items() if any(_contains(w, f) for f in forms)]
        return Answer(found) if found else None

    def from_button(self, value: str, s: Session, current: object) -> Reading[list[str]]:
        offered, _ = self._table(s)
        draft = [v for v in self.ticked(s, current) if v in offered]
        if value == DONE:
            return Answer(draft)
        if value not in offered:
            return None
        return Redraw(
            _set_draft([v for v in draft if v != value] if value in draft else [*draft, value])
        )


class Whole(AnswerKind[int]):
    """A whole number (an age, a count), typed in digits or words; buttons may offer the usual
    ones. A bare number is the answer, not an option number."""

    numbered = False

    def __init__(self, *choices: Choice, hint: Renderable = HINT_WHOLE) -> None:
        super().__init__(choices, hint=hint)

    def read(self, text: str, s: Session, current: object) -> Reading[int]:
        if is_negative_number(text):
            return Hint(HINT_NEGATIVE)
        number = parse_int(text)
        if number is not None:
            return Answer(number)
        value = match_choice(text, self.spellings)  # a button's label typed: "Только я"
        return Answer(int(value)) if value is not None and value.isdigit() else None

    def from_button(self, value: str, s: Session, current: object) -> Reading[int]:
        return Answer(int(value)) if value.isdigit() and len(value) < 4 else None


class WholeList(AnswerKind[list[int]]):
    """Several whole numbers (the children's ages); `none` (a button and its words) is the empty
    list."""

    numbered = False

    def __init__(
        self, none: Choice, *, none_words: frozenset[str], hint: Renderable = HINT_AGES
    ) -> None:
        super().__init__((none,), hint=hint)
        self.none_words: Final = none_words

    def read(self, text: str, s: Session, current: object) -> Reading[list[int]]:
        if is_negative_number(text):
            return Hint(HINT_NEGATIVE)
        if match_choice(text, self.spellings) is not None or words(text) in self.none_words:
            return Answer([])
        numbers = parse_int_list(text)
        return Answer(numbers) if numbers is not None else None

    def from_button(self, value: str, s: Session, current: object) -> Reading[list[int]]:
        return Answer([]) if value in self.values else None


def _set_money_mode(mode: MoneyMode) -> Callable[[Session], None]:
    def change(s: Session) -> None:
        s.money_mode = mode

    return change


class Money(AnswerKind[MoneyAnswer]):
    """An amount in tenge, typed (never pressed): `150 000`, `150 тыс в месяц`, three monthly
    figures. With `period_switch`, a button (or the words alone) switches between asking per
    month and for the quarter's total; the choice is kept in `Session.money_mode`."""

    numbered = False

    def __init__(self, *, period_switch: bool = False, hint: Renderable = HINT_MONEY) -> None:
        super().__init__((), hint=hint, keeps=("money_mode",) if period_switch else ())
        self.period_switch: Final = period_switch

    def options(self, s: Session, current: object) -> list[Option]:
        if not self.period_switch:
            return []
        if s.money_mode == "quarter":
            return [Option(MODE_MONTH, msg("I'll give it per month"))]
        return [Option(MODE_QUARTER, msg("I'll give the total for 3 months"))]

    def read(self, text: str, s: Session, current: object) -> Reading[MoneyAnswer]:
        if is_negative_number(text):
            return Hint(HINT_NEGATIVE)
        answer = parse_money(text)
        if answer is not None:
            return Answer(answer)
        w = words(text)
        if w in PER_MONTH_WORDS:
            return self.from_button(MODE_MONTH, s, current)
        if w in IN_TOTAL_WORDS:
            return self.from_button(MODE_QUARTER, s, current)
        return None

    def from_button(self, value: str, s: Session, current: object) -> Reading[MoneyAnswer]:
        if self.period_switch and value in {MODE_MONTH, MODE_QUARTER}:
            return Redraw(_set_money_mode("month" if value == MODE_MONTH else "quarter"))
        return None
