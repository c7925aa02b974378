"""The words a question is declared with, and `Intake`: the questions in asking order plus screens.

One `Question` carries everything about it: where its answer lives (`field`), how the answer is
read (`kind`), when it is asked (`asked_if`), whether it repeats per adult or per income
(`repeat`), its line in the summary (`summary`), its check and what storing it changes. The
machinery (`path`, `navigation`, `step`, the summary screen) is generic over these declarations,
so adding a question touches the session model, one declaration and the catalogs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Generic, Protocol, TypeVar

from common.text import Message, Renderable
from dialogs.intake.kinds import AnswerKind
from dialogs.reply import Option, Reply
from dialogs.session import Session

V = TypeVar("V")

SUMMARY: Final = "summary"
"""Where `Session.at` stands while the summary is shown (the path's last position)."""
AFTER_RESULT: Final = "after_result"
"""Where `Session.at` stands once the result was shown."""

Turn = tuple[Session, list[Reply]]
"""What a step returns: the new session and the replies."""
Prompt = Callable[[Session, int, date], Renderable]
Condition = Callable[[Session, int], bool]
Store = Callable[[Session, int, V], None]
Check = Callable[[Session, int, V, date], Message | None]
"""A hint for an understood answer that cannot be taken (given the session, the index, today)."""
Then = Callable[["Intake", Session, date], Turn]


def always(s: Session, i: int) -> bool:
    return True


@dataclass(frozen=True, eq=False)
class Section:
    """A part of the intake: changed as a whole from the summary, one paragraph of it."""

    id: str
    """Kept in `Session.editing` while the section is being changed from the summary."""
    edit: Option | None = None
    """The summary's option to change this section (offered once something in it is answered)."""
    numbered: bool = True
    """Whether its questions count in "Question n of about N" (the start questions do not)."""
    heading: Callable[[Session, date], Renderable] | None = None
    """The first line of its paragraph in the summary."""
    shown_with: Section | None = None
    """Its summary lines continue that section's paragraph."""


@dataclass(frozen=True, eq=False)
class Repeat:
    """What a repeated question is asked once for: each adult, each counted income. The
    position's index says which one."""

    name: str
    """Changing one item from the summary is kept in `Session.editing` as `name:index`."""
    count: Callable[[Session], int]
    edit_prefix: str = ""
    """With `edit_label`: the summary offers to change each item, option value prefix+index."""
    edit_label: Callable[[Session, int], Renderable] | None = None


class Field(ABC):
    """Where an answer lives in the session. Answered means: something is stored there."""

    attribute: str
    """The `Session` attribute that holds it (the answers stored with a result are these)."""
    item: Repeat | None = None
    """The answer is kept per item of this repeat (an adult), at the position's index."""

    @abstractmethod
    def read(self, s: Session, i: int) -> object: ...

    @abstractmethod
    def write(self, s: Session, i: int, value: Any) -> None: ...

    def answered(self, s: Session, i: int) -> bool:
        return self.read(s, i) is not None


class SessionField(Field):
    """A plain attribute of the session, e.g. `SessionField("region")`."""

    def __init__(self, attribute: str) -> None:
        self.attribute = attribute

    def read(self, s: Session, i: int) -> object:
        return getattr(s, self.attribute)

    def write(self, s: Session, i: int, value: Any) -> None:
        setattr(s, self.attribute, value)


@dataclass(frozen=True, slots=True)
class Line:
    """The answer's line in the summary, from `show(session, index)` (None: no line); a
    repeated question shows one per item."""

    show: Callable[[Session, int], Renderable | None]
    at_end: bool = False
    """Below the other lines of its paragraph (a note after the items it sums up)."""


@dataclass(frozen=True, slots=True)
class ShownWith:
    """The answer is part of another question's summary line (an adult's sex, in their line)."""

    question: Question[Any]


@dataclass(frozen=True, kw_only=True, eq=False)
class Question(Generic[V]):
    """One question, whole. Everything but `id`, `section`, `kind`, `prompt`, `field` and
    `summary` is optional; `summary=None` says explicitly that the answer is not shown there."""

    id: str
    """Stored in `Session.at` and sent in button data: ≤ 16 ASCII characters."""
    section: Section
    kind: AnswerKind[V]
    prompt: Prompt
    """The question's text for the session, the position's index and today."""
    field: Field
    summary: Line | ShownWith | None
    asked_if: Condition = always
    """Whether it is asked, given the answers so far (and the index, for a repeated one)."""
    repeat: Repeat | None = None
    """Asked once per item (consecutive questions with the same repeat go item by item). Old
    buttons of a repeated question are recognised by the session version."""
    store: Store[V] | None = None
    """What an accepted answer changes; by default it is written to `field`."""
    check: Check[V] | None = None
    """A hint when an understood answer is not acceptable (out of range, inconsistent)."""
    doubt: Check[V] | None = None
    """A hint when an answer is probably a slip (1 ₸ for three months' wages): said once; the
    same answer given again right after it is taken."""
    hint: Renderable | None = None
    """Said after input that cannot be read; by default the kind's hint."""
    help: Message | None = None
    """Added to /help at this question."""
    columns: int = 1
    then: Then | None = None
    """After storing: where to go and what to say, instead of the next question."""
    chooses_language: bool = False
    """The language question: no « Back, asked again by /language (the conversation then
    resumes), and typed language names are its answer instead of switching the language."""

    @property
    def unclear(self) -> Renderable:
        return self.hint if self.hint is not None else self.kind.hint

    def keep(self, s: Session, i: int, value: V) -> None:
        if self.store is not None:
            self.store(s, i, value)
        else:
            self.field.write(s, i, value)


class Screen(Protocol):
    """Not a question: a position that shows something and offers actions (the summary)."""

    @property
    def id(self) -> str: ...

    @property
    def hint(self) -> Renderable: ...

    @property
    def spellings(self) -> Mapping[str, tuple[str, ...]]:
        """Typed words for its options (besides their numbers)."""
        ...

    def options(self, intake: Intake, s: Session) -> list[Option]: ...

    def reply(
        self, intake: Intake, s: Session, today: date, before: tuple[Renderable | None, ...]
    ) -> Reply: ...

    def press(self, intake: Intake, s: Session, value: str, today: date) -> Turn:
        """An option chosen (pressed or typed); any other value gets the hint."""
        ...


@dataclass(frozen=True, slots=True)
class Run:
    """Consecutive questions with the same repeat: asked item by item (all questions about
    adult 0, then about adult 1…), or once when `repeat` is None."""

    repeat: Repeat | None
    questions: tuple[Question[Any], ...]
    asks: tuple[tuple[str, Condition | None], ...]
    """Each question's id and condition (None: always asked): the path is walked after every
    answer, several times a step."""

    @classmethod
    def of(cls, repeat: Repeat | None, questions: tuple[Question[Any], ...]) -> Run:
        asks = tuple((q.id, None if q.asked_if is always else q.asked_if) for q in questions)
        return cls(repeat, questions, asks)


class Intake:
    """A declared intake: its questions in asking order and its screens.

    The conversation's position names are the question ids and the screens' ids; a position
    outside them (left by an older deployment) is read as `home`, the first counted question.
    """

    def __init__(self, questions: Sequence[Question[Any]], screens: Sequence[Screen]) -> None:
        self.questions: Final = tuple(questions)
        self.by_id: Final = {q.id: q for q in self.questions}
        self.screens: Final[dict[str, Screen]] = {screen.id: screen for screen in screens}
        self.names: Final = frozenset(self.by_id) | frozenset(self.screens)
        self.sections: Final = tuple(dict.fromkeys(q.section for q in self.questions))
        self.runs: Final = _runs(self.questions)
        self.counted: Final = frozenset(q.id for q in self.questions if q.section.numbered)
        """The questions "Question n of about N" counts."""
        self.home: Final = next(q for q in self.questions if q.section.numbered)
        self.language: Final = next((q for q in self.questions if q.chooses_language), None)
        _validate(self)

    def section_of(self, name: str) -> Section | None:
        question = self.by_id.get(name)
        return question.section if question is not None else None

    def in_section(self, section: Section) -> tuple[Question[Any], ...]:
        return tuple(q for q in self.questions if q.section is section)

    def items(self, q: Question[Any], s: Session) -> range:
        """The indexes a question is about: each item of its repeat, or just 0."""
        return range(q.repeat.count(s)) if q.repeat is not None else range(1)

    def edits(self) -> tuple[Repeat, ...]:
        """The repeats whose items can be changed one by one from the summary."""
        found = dict.fromkeys(q.repeat for q in self.questions if q.repeat is not None)
        return tuple(r for r in found if r.edit_label is not None)

    def answer_attributes(self) -> frozenset[str]:
        """The session attributes holding the household's answers (the start questions,
        language and consent, are about the conversation, not the household)."""
        return frozenset(
            name
            for q in self.questions
            if q.section.numbered
            for name in (q.field.attribute, *q.kind.keeps)
        )

    def household_answers(self, s: Session) -> dict[str, object]:
        """The answers a screening was computed from, JSON-safe, with the day it was made for:
        stored next to a finished screening."""
        include = {*self.answer_attributes(), "application_date"}
        return dict(s.model_dump(mode="json", include=include))


def _runs(questions: tuple[Question[Any], ...]) -> tuple[Run, ...]:
    runs: list[Run] = []
    for q in questions:
        if runs and runs[-1].repeat is q.repeat:
            runs[-1] = Run.of(q.repeat, (*runs[-1].questions, q))
        else:
            runs.append(Run.of(q.repeat, (q,)))
    return tuple(runs)


def _validate(intake: Intake) -> None:
    """Refuse a declaration mistake at import, not in the middle of someone's conversation."""
    problems: list[str] = []
    if len(intake.by_id) != len(intake.questions):
        problems.append("two questions have the same id")
    for q in intake.questions:
        if not (q.id.isascii() and 0 < len(q.id) <= 16) or ":" in q.id:
            problems.append(f"{q.id!r}: an id is 1-16 ASCII characters without ':'")
        if isinstance(q.summary, ShownWith):
            target = q.summary.question
            if intake.by_id.get(target.id) is not target or not isinstance(target.summary, Line):
                problems.append(f"{q.id!r} is shown with {target.id!r}, which has no line")
    for name in (SUMMARY, AFTER_RESULT):
        if name not in intake.screens:
            problems.append(f"the {name!r} screen is missing")
    if intake.by_id.keys() & intake.screens.keys():
        problems.append("a question and a screen have the same id")
    if problems:
        raise ValueError("; ".join(problems))
