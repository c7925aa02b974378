"""The family: how many people, the children's ages (and which of them have a disability), then
each adult in turn (the applicant first: sex; the others: who they are to the applicant; then
everyone's age, occupation, and what else applies: a disability group, caring for someone).

Children under 18 are kept as ages (and disability flags) only; adults are `Session.adults[i]`
(`PersonField`), asked one after another (`PER_ADULT`) and changeable one by one from the summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Final

from babel.numbers import format_decimal
from pydantic import ConfigDict

from common.i18n import Language
from common.text import Message, Renderable, Verbatim, msg, plural
from dialogs.intake.declare import Field, Line, Question, Repeat, Section, SessionField, ShownWith
from dialogs.intake.kinds import Choice, ManyOf, OneOf, Whole, WholeList
from dialogs.intake.questions.common import Lower, label_of, static
from dialogs.intake.vocabulary import (
    NO_CHILDREN_WORDS,
    NOTHING_ELSE_WORDS,
    PEOPLE_WORDS,
    RELATION_WORDS,
    SEX_WORDS,
    STATUS_WORDS,
)
from dialogs.reply import Option
from dialogs.session import Person, Session
from eligibility import Member
from eligibility.parameters import retirement_age
from eligibility.rules import is_of_retirement_age

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
    ("grandson", "grandchild", "male", msg("Grandson (18+)")),
    ("granddaughter", "grandchild", "female", msg("Granddaughter (18+)")),
    ("other_woman", "other", "female", msg("Another woman")),
    ("other_man", "other", "male", msg("Another man")),
)
RELATION_BY_VALUE: Final = {value: (rel, sex, label) for value, rel, sex, label in RELATIONS}

STATUSES: Final[tuple[Choice, ...]] = (
    # Labels carry no person: they read right after "You" and after "Wife" alike.
    Choice("works", msg("Working"), STATUS_WORDS["works"]),
    Choice("unemployed", msg("Not working"), STATUS_WORDS["unemployed"]),
    Choice("student", msg("Full-time student"), STATUS_WORDS["student"]),
    Choice("pensioner", msg("Pensioner by age"), STATUS_WORDS["pensioner"]),
    Choice("disability", msg("Disability (group 1–3)"), STATUS_WORDS["disability"]),
    Choice("caring", msg("Caring for a child or relative"), STATUS_WORDS["caring"]),
    Choice("military", msg("Conscript military service"), STATUS_WORDS["military"]),
    Choice("ill", msg("Long illness (over 2 months)"), STATUS_WORDS["ill"]),
    # Last, so that the numbers of the others stay what people have typed so far.
    Choice("works_caring", msg("Working and caring for someone"), STATUS_WORDS["works_caring"]),
)
STATUS_LABELS: Final = {c.value: c.label for c in STATUSES}
BOTH: Final = {"works_caring": ("works", "caring")}
"""An option that is two answers at once: the status, and what the person does besides."""


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


def _check_people(s: Session, i: int, value: int, today: date) -> Message | None:
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
        Choice("1", msg("Just me"), PEOPLE_WORDS),
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


def _check_child_ages(s: Session, i: int, ages: list[int], today: date) -> Message | None:
    if any(age >= 18 for age in ages):
        return msg(
            "Here only children under 18, please. Adults (18 and over) come next, one by one."
        )
    if len(ages) > max(0, (s.people or 1) - 1):
        return msg(
            "That is more children than people in the family ({people}, counting you). "
            "Type the ages again, or press “Back” to change the number of people.",
            people=s.people or 1,
        )
    return None


def _store_child_ages(s: Session, i: int, value: list[int]) -> None:
    ages = sorted(value)
    if ages != s.child_ages:
        s.disabled_children = None  # asked again about the children as they are now
    s.child_ages = ages
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


def _cares_for_a_disabled_child(s: Session, i: int) -> bool:
    """Asked where it applies: someone cares for a child with a disability, so which child has
    the status matters (and is the family's own answer, not a guess)."""
    carers = (person(s, k).caring_for for k in range(s.adults_count()))
    return bool(s.child_ages) and "disabled_child" in carers


def _child_label(age: int) -> Renderable:
    if age == 0:
        return msg("Baby under one")
    return plural("Child of {n}", "Child of {n}", age)


def _each_child(s: Session) -> list[Choice]:
    """One option per child (`c0`, `c1`… in the order of `Session.child_ages`)."""
    return [Choice(f"c{k}", _child_label(age)) for k, age in enumerate(s.child_ages or [])]


class DisabledChildrenField(SessionField):
    """`Session.disabled_children` (indexes into `child_ages`), read as the options' values."""

    def __init__(self) -> None:
        super().__init__("disabled_children")

    def read(self, s: Session, i: int) -> object:
        found = s.disabled_children
        return None if found is None else [f"c{k}" for k in found]

    def write(self, s: Session, i: int, value: Any) -> None:
        count = len(s.child_ages or [])
        picked = {int(v[1:]) for v in value if v[1:].isdigit() and int(v[1:]) < count}
        s.disabled_children = sorted(picked)


def _disabled_children_line(s: Session, i: int) -> Renderable | None:
    ages = s.child_ages or []
    found = [ages[k] for k in s.disabled_children or [] if k < len(ages)]
    if not found:
        return None
    return plural(
        "• {n} child with a disability, age: {ages}",
        "• {n} children with a disability, ages: {ages}",
        len(found),
        ages=Verbatim(", ".join(str(a) for a in found)),
    )


CHILD_DISABILITY: Final = Question(
    id="child_disab",
    section=FAMILY,
    kind=ManyOf(offered=_each_child),
    prompt=static(
        msg(
            "Which of the children under 18 has a disability (the status of a child with a "
            "disability)? Tick each one, then press “Done”."
        )
    ),
    field=DisabledChildrenField(),
    summary=Line(_disabled_children_line, at_end=True),
    asked_if=_cares_for_a_disabled_child,
    columns=2,
)

# --- each adult -------------------------------------------------------------------------------


def _check_age(s: Session, i: int, age: int, today: date) -> Message | None:
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
        p.status = p.disability = p.caring_for = p.also = None


def _prompt_age(s: Session, i: int, today: date) -> Renderable:
    if i == 0:
        return msg("How old are you? Type full years, e.g. 42.")
    return msg("{who}: how old? Type full years.", who=who(s, i))


def _occupation(p: Person) -> Renderable:
    """What an adult does, each thing said once: the status (a disability as its group, caring
    as whom cared for), then what else they do: `disability (group 2), pensioner by age`,
    `working, care (a child under 3)`."""
    if p.status is None:
        return msg("a child")
    parts: list[Renderable] = []
    for status in (p.status, p.also):
        if status is None or status == "none":
            continue
        if status == "disability" and p.disability:
            group = Lower(label_of(DISABILITY.kind, p.disability))
            parts.append(msg("disability ({group})", group=group))
        elif status == "caring" and p.caring_for:
            whom = Lower(label_of(CARING_FOR.kind, p.caring_for))
            parts.append(msg("care ({whom})", whom=whom))
        else:
            parts.append(Lower(STATUS_LABELS[status]))
    return _joined(parts)


def _joined(parts: list[Renderable]) -> Renderable:
    joined = parts[0]
    for part in parts[1:]:
        joined = msg("{status}, {detail}", status=joined, detail=part)
    return joined


def _adult_line(s: Session, i: int) -> Renderable:
    """One line per adult: who, age, occupation (with the disability group or whom cared for)."""
    p = person(s, i)
    age: Renderable = (
        plural("{n} year", "{n} years", p.age) if p.age is not None else msg("age unknown")
    )
    status = _occupation(p)
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
        Choice("male", msg("Man"), SEX_WORDS["male"]),
        Choice("female", msg("Woman"), SEX_WORDS["female"]),
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
    kind=OneOf(
        *(Choice(value, label, RELATION_WORDS[value]) for value, _r, _s, label in RELATIONS)
    ),
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
    status, also = BOTH.get(value, (value, None))
    if p.status != status or also is not None:
        p.also = also  # type: ignore[assignment]  # a status: checked by the kind
    p.status = status  # type: ignore[assignment]  # one of STATUSES: checked by the kind
    _drop_details(p)


def _drop_details(p: Person) -> None:
    """Forget a disability group, whom cared for, or a second occupation once no question asks
    for it any more."""
    if p.status != "disability":
        p.disability = None
        if p.also != "caring":
            p.also = None
    if "caring" not in {p.status, p.also}:
        p.caring_for = None


def _prompt_status(s: Session, i: int, today: date) -> Renderable:
    if i == 0:
        return msg("What do you do now? Choose what fits best.")
    if person(s, i).sex == "female":
        return msg("{who}: what does she do now?", who=who(s, i))
    return msg("{who}: what does he do now?", who=who(s, i))


@dataclass(frozen=True, slots=True)
class Years:
    """An age that may be a half year (61.5), written the language's way (`61,5`)."""

    value: Decimal

    def render(self, lang: Language) -> str:
        return str(format_decimal(self.value.normalize(), format="#,##0.#", locale=lang))


def _check_status(s: Session, i: int, value: str, today: date) -> Message | None:
    """A pensioner "by age" must have reached the retirement age for their sex (a dated figure):
    else the screening would count them as able to work without saying why."""
    p = person(s, i)
    if value != "pensioner" or p.age is None or p.sex is None:
        return None
    member = Member.model_validate({"relation": "other", "age": p.age, "sex": p.sex})
    if is_of_retirement_age(member, today):
        return None
    age = Years(retirement_age(member.sex, today).value)
    if p.sex == "female":
        return msg(
            "The retirement age for women is {age} now. If a pension is paid earlier (an early "
            "pension, or one for a disability), choose what is done now instead, e.g. “Not "
            "working”; the pension itself goes with the income.",
            age=age,
        )
    return msg(
        "The retirement age for men is {age} now. If a pension is paid earlier (an early "
        "pension, or one for a disability), choose what is done now instead, e.g. “Not "
        "working”; the pension itself goes with the income.",
        age=age,
    )


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
    check=_check_status,
    help=msg(
        "This decides whether the help would be conditional (with a social contract) "
        "or unconditional. Choose what is true now; the center checks it."
    ),
)


def _has_disability(s: Session, i: int) -> bool:
    return _is_adult(s, i) and person(s, i).status == "disability"


def _store_also(s: Session, i: int, value: str) -> None:
    p = _ensure(s, i)
    p.also = value  # type: ignore[assignment]  # one of the choices: checked by the kind
    _drop_details(p)


def _prompt_also(s: Session, i: int, today: date) -> Renderable:
    if i == 0:
        return msg("Besides the disability, what do you do now?")
    if person(s, i).sex == "female":
        return msg("{who}: besides the disability, what does she do now?", who=who(s, i))
    return msg("{who}: besides the disability, what does he do now?", who=who(s, i))


ALSO: Final = Question(
    id="also",
    section=FAMILY,
    kind=OneOf(
        *(c for c in STATUSES if c.value not in {"disability", *BOTH}),
        Choice("none", msg("Nothing else"), NOTHING_ELSE_WORDS),
    ),
    prompt=_prompt_also,
    field=PersonField("also"),
    summary=ShownWith(AGE),
    repeat=PER_ADULT,
    asked_if=_has_disability,
    store=_store_also,
    check=_check_status,
    help=msg(
        "With a disability one may also work, be a pensioner or care for someone: "
        "choose what is true now; the center checks it."
    ),
)


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
    p = person(s, i)
    return _is_adult(s, i) and "caring" in {p.status, p.also}


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
    ALSO,
    CARING_FOR,
    CHILD_DISABILITY,
)
