"""The family: how many people, the children's ages, then each adult in turn (the applicant
first: sex; the others: who they are to the applicant; then everyone's age and occupation).

Children under 18 are kept as ages only; adults are `Session.adults[i]` (`PersonField`), asked
one after another (`PER_ADULT`) and changeable one by one from the summary.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from pydantic import ConfigDict

from common.text import Message, Renderable, Verbatim, msg, plural
from dialogs.intake.declare import Field, Line, Question, Repeat, Section, SessionField, ShownWith
from dialogs.intake.kinds import Choice, OneOf, Whole, WholeList
from dialogs.intake.questions.common import Lower, label_of, static
from dialogs.intake.vocabulary import NO_CHILDREN_WORDS
from dialogs.reply import Option
from dialogs.session import Person, Session

FAMILY: Final = Section("family", edit=Option("e_family", msg("Change the family composition")))

RELATIONS: Final[tuple[tuple[str, str, str, Message], ...]] = (
    # value, contract relation, sex, label (who the person is to the applicant)
    ("wife", "spouse", "female", msg("Wife")),
    ("husband", "spouse", "male", msg("Husband")),
    ("son", "child", "male", msg("Son (18+)")),
    ("daughter", "child", "female", msg("Daughter (18+)")),
    ("mother", "parent", "female", msg("Mother")),
    ("father", "parent", "male", msg("Father")),
    ("sister", "sibling", "female", msg("Sister")),
    ("brother", "sibling", "male", msg("Brother")),
    ("grandmother", "grandparent", "female", msg("Grandmother")),
    ("grandfather", "grandparent", "male", msg("Grandfather")),
    ("other_woman", "other", "female", msg("Another woman")),
    ("other_man", "other", "male", msg("Another man")),
)
RELATION_BY_VALUE: Final = {value: (rel, sex, label) for value, rel, sex, label in RELATIONS}

STATUSES: Final[tuple[Choice, ...]] = (
    Choice("works", msg("Works"), ("работаю", "работает", "жумыс истеймин", "жумыста")),
    Choice("unemployed", msg("Not working"), ("безработный", "безработная", "не работаю")),
    Choice("student", msg("Full-time student"), ("студент", "студентка", "учусь", "оку")),
    Choice("pensioner", msg("Pensioner by age"), ("пенсионер", "пенсионерка", "зейнеткер")),
    Choice("disability", msg("Has a disability"), ("инвалид", "инвалидность", "мугедек")),
    Choice(
        "caring",
        msg("Cares for a child under 3 or a sick relative"),
        ("уход", "ухаживаю", "декрет", "в декрете", "кутемин", "бала кутими"),
    ),
    Choice("military", msg("Conscript military service"), ("армия", "в армии", "срочная", "аскер")),
    Choice("ill", msg("Long illness (over 2 months)"), ("болею", "болеет", "болезнь", "ауру")),
)
STATUS_LABELS: Final = {c.value: c.label for c in STATUSES}


class _Nobody(Person):
    """An adult nothing is known about yet: read-only (answers go through `_ensure`)."""

    model_config = ConfigDict(frozen=True)


_NOBODY: Final = _Nobody()


def person(s: Session, i: int) -> Person:
    """Adult `i` as answered so far (nothing known before any answer about them). For reading:
    the path asks this several times per adult after every answer."""
    return s.adults[i] if i < len(s.adults) else _NOBODY


def who(s: Session, i: int) -> Message:
    """How the conversation names adult `i`: the relation chosen for them, or "You"."""
    if i == 0:
        return msg("You")
    found = RELATION_BY_VALUE.get(person(s, i).relation or "")
    return found[2] if found else msg("This person")


def _ensure(s: Session, i: int) -> Person:
    while len(s.adults) <= i:
        s.adults.append(Person())
    return s.adults[i]


def _edit_label(s: Session, i: int) -> Renderable:
    return msg("Change the answers about you") if i == 0 else msg("Change: {who}", who=who(s, i))


PER_ADULT: Final = Repeat(
    "adult", count=Session.adults_count, edit_prefix="e_m", edit_label=_edit_label
)


class PersonField(Field):
    """An attribute of adult `i` (`Session.adults[i]`)."""

    attribute = "adults"
    item = PER_ADULT

    def __init__(self, name: str) -> None:
        self.name: Final = name

    def read(self, s: Session, i: int) -> object:
        return getattr(person(s, i), self.name)

    def write(self, s: Session, i: int, value: Any) -> None:
        setattr(_ensure(s, i), self.name, value)


def _is_adult(s: Session, i: int) -> bool:
    """Asked about an adult whose age is not known yet or is 18 or more."""
    age = person(s, i).age
    return age is None or age >= 18


def _is_another_adult(s: Session, i: int) -> bool:
    return i > 0


# --- how many people, and the children ------------------------------------------------------


def _check_people(s: Session, i: int, value: int) -> Message | None:
    if value < 1 or value > 30:
        return msg("Please type how many people live together, counting yourself: 1 to 30.")
    return None


def _store_people(s: Session, i: int, value: int) -> None:
    if s.people != value:
        s.child_ages = None
        if value == 1:
            s.child_ages = []
    s.people = value
    _ensure(s, 0).relation = "applicant"


def _people_line(s: Session, i: int) -> Renderable:
    return plural("Family: {n} person", "Family: {n} people", s.people or 1)


PEOPLE: Final = Question(
    id="people",
    section=FAMILY,
    kind=Whole(
        Choice("1", msg("Just me"), ("я один", "я одна", "одна", "один", "тек озим")),
        *(Choice(str(n), Verbatim(str(n))) for n in range(2, 7)),
    ),
    prompt=static(
        msg(
            "How many people live with you and keep one household, counting yourself? "
            "Count children too."
        )
    ),
    field=SessionField("people"),
    summary=Line(_people_line),
    store=_store_people,
    check=_check_people,
    columns=3,
    help=msg(
        "Count the people registered at your address who live with you and share one "
        "budget: spouse, children, and other relatives who keep house with you. "
        "The center checks the family composition itself."
    ),
)


def _may_have_children(s: Session, i: int) -> bool:
    return (s.people if s.people is not None else 3) > 1


def _check_child_ages(s: Session, i: int, ages: list[int]) -> Message | None:
    if any(age >= 18 for age in ages):
        return msg(
            "Here only children under 18, please. Adults (18 and over) come next, one by one."
        )
    if len(ages) > max(0, (s.people or 1) - 1):
        return msg(
            "That is more children than the {people} people you told me about (counting you). "
            "Type the ages again, or press “Back” to change the number of people.",
            people=s.people or 1,
        )
    return None


def _store_child_ages(s: Session, i: int, value: list[int]) -> None:
    s.child_ages = sorted(value)
    del s.adults[s.adults_count() :]


def _children_line(s: Session, i: int) -> Renderable | None:
    ages = s.child_ages or []
    if not ages:
        return None
    return plural(
        "• {n} child under 18, age: {ages}",
        "• {n} children under 18, ages: {ages}",
        len(ages),
        ages=Verbatim(", ".join(str(a) for a in ages)),
    )


CHILD_AGES: Final = Question(
    id="child_ages",
    section=FAMILY,
    kind=WholeList(
        Choice("none", msg("No children under 18"), ("нет детей", "балалар жок")),
        none_words=NO_CHILDREN_WORDS,
    ),
    prompt=static(
        msg(
            "How old are the children under 18 who live with you? "
            "Type all their ages, e.g. “5, 9 and 12” (0 for a baby under one)."
        )
    ),
    field=SessionField("child_ages"),
    summary=Line(_children_line, at_end=True),
    asked_if=_may_have_children,
    store=_store_child_ages,
    check=_check_child_ages,
)

# --- each adult -------------------------------------------------------------------------------


def _check_age(s: Session, i: int, age: int) -> Message | None:
    if age > 120:
        return msg("Please check the age: type full years, e.g. 42.")
    if i == 0 and age < 16:
        return msg(
            "The application is made by an adult of the family. "
            "If you are under 16, ask a parent or another adult to fill this in."
        )
    if i > 0 and age < 18:
        return msg(
            "Children under 18 are counted with the children's ages. "
            "Here type an age of 18 or more, or press “Back” to change the children's ages."
        )
    return None


def _store_age(s: Session, i: int, value: int) -> None:
    p = _ensure(s, i)
    p.age = value
    if value < 18:
        p.status = p.disability = p.caring_for = None


def _prompt_age(s: Session, i: int, today: date) -> Renderable:
    if i == 0:
        return msg("How old are you? Type full years, e.g. 42.")
    return msg("{who}: how old? Type full years.", who=who(s, i))


def _adult_line(s: Session, i: int) -> Renderable:
    """One line per adult: who, age, occupation (with the disability group or whom cared for)."""
    p = person(s, i)
    age: Renderable = (
        plural("{n} year", "{n} years", p.age) if p.age is not None else msg("age unknown")
    )
    status: Renderable = Lower(STATUS_LABELS[p.status]) if p.status else msg("a child")
    if p.status == "disability" and p.disability:
        detail = Lower(label_of(DISABILITY.kind, p.disability))
        status = msg("{status}, {detail}", status=status, detail=detail)
    elif p.status == "caring" and p.caring_for:
        detail = Lower(label_of(CARING_FOR.kind, p.caring_for))
        status = msg("{status}: {detail}", status=status, detail=detail)
    if i == 0:
        sex = Lower(label_of(SEX.kind, p.sex))
        return msg("• You ({sex}), {age}: {status}", sex=sex, age=age, status=status)
    return msg("• {who}, {age}: {status}", who=who(s, i), age=age, status=status)


AGE: Final = Question(
    id="age",
    section=FAMILY,
    kind=Whole(hint=msg("Please type the age as a number of full years, e.g. 42.")),
    prompt=_prompt_age,
    field=PersonField("age"),
    summary=Line(_adult_line),
    repeat=PER_ADULT,
    store=_store_age,
    check=_check_age,
)


def _store_sex(s: Session, i: int, value: str) -> None:
    p = _ensure(s, i)
    p.sex = "female" if value == "female" else "male"
    p.relation = "applicant"


SEX: Final = Question(
    id="sex",
    section=FAMILY,
    kind=OneOf(
        Choice("male", msg("Man"), ("мужчина", "муж", "ер", "ер адам", "male", "m")),
        Choice("female", msg("Woman"), ("женщина", "жен", "айел", "female", "f")),
    ),
    prompt=static(msg("Now about you, the applicant. Are you a man or a woman?")),
    field=PersonField("sex"),
    summary=ShownWith(AGE),
    store=_store_sex,
    columns=2,
    help=msg("The retirement age differs for men and women, so it matters here."),
)


def _store_relation(s: Session, i: int, value: str) -> None:
    p = _ensure(s, i)
    p.relation = value
    p.sex = "female" if RELATION_BY_VALUE[value][1] == "female" else "male"


def _prompt_relation(s: Session, i: int, today: date) -> Renderable:
    return msg("Adult {n} of {total}: who is this person to you?", n=i + 1, total=s.adults_count())


RELATION: Final = Question(
    id="relation",
    section=FAMILY,
    kind=OneOf(*(Choice(value, label) for value, _r, _s, label in RELATIONS)),
    prompt=_prompt_relation,
    field=PersonField("relation"),
    summary=ShownWith(AGE),
    repeat=PER_ADULT,
    asked_if=_is_another_adult,
    store=_store_relation,
    columns=2,
)


def _store_status(s: Session, i: int, value: str) -> None:
    p = _ensure(s, i)
    p.status = value  # type: ignore[assignment]  # one of STATUSES: checked by the kind
    if value != "disability":
        p.disability = None
    if value != "caring":
        p.caring_for = None


def _prompt_status(s: Session, i: int, today: date) -> Renderable:
    if i == 0:
        return msg("What do you do now? Choose what fits best.")
    return msg("{who}: what does this person do now?", who=who(s, i))


STATUS: Final = Question(
    id="status",
    section=FAMILY,
    kind=OneOf(*STATUSES),
    prompt=_prompt_status,
    field=PersonField("status"),
    summary=ShownWith(AGE),
    repeat=PER_ADULT,
    asked_if=_is_adult,
    store=_store_status,
    help=msg(
        "This decides whether the help would be conditional (with a social contract) "
        "or unconditional. Choose what is true now; the center checks it."
    ),
)


def _has_disability(s: Session, i: int) -> bool:
    return _is_adult(s, i) and person(s, i).status == "disability"


def _prompt_disability(s: Session, i: int, today: date) -> Renderable:
    if i == 0:
        return msg("Which disability group do you have?")
    return msg("{who}: which disability group?", who=who(s, i))


DISABILITY: Final = Question(
    id="disability",
    section=FAMILY,
    kind=OneOf(
        Choice("group_1", msg("Group 1"), ("1", "первая", "биринши")),
        Choice("group_2", msg("Group 2"), ("2", "вторая", "екинши")),
        Choice("group_3", msg("Group 3"), ("3", "третья", "ушинши")),
    ),
    prompt=_prompt_disability,
    field=PersonField("disability"),
    summary=ShownWith(AGE),
    repeat=PER_ADULT,
    asked_if=_has_disability,
    columns=3,
)


def _is_caring(s: Session, i: int) -> bool:
    return _is_adult(s, i) and person(s, i).status == "caring"


def _prompt_caring(s: Session, i: int, today: date) -> Renderable:
    if i == 0:
        return msg("Whom do you care for?")
    return msg("{who}: whom does this person care for?", who=who(s, i))


CARING_FOR: Final = Question(
    id="caring_for",
    section=FAMILY,
    kind=OneOf(
        Choice("child_under_3", msg("A child under 3"), ("декрет", "малыш")),
        Choice("disabled_child", msg("A child with a disability")),
        Choice("disabled_adult", msg("An adult with disability group 1 or 2")),
        Choice("elderly", msg("An elderly person aged 80+ who needs care")),
    ),
    prompt=_prompt_caring,
    field=PersonField("caring_for"),
    summary=ShownWith(AGE),
    repeat=PER_ADULT,
    asked_if=_is_caring,
)

QUESTIONS: Final[tuple[Question[Any], ...]] = (
    PEOPLE,
    CHILD_AGES,
    SEX,
    RELATION,
    AGE,
    STATUS,
    DISABILITY,
    CARING_FOR,
)
