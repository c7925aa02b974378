"""Every question of the intake, in one place: its id, text, kind of answer, options and check.

To add or reword a question: change it here (its `msg(...)` texts), run
`scripts/update_catalogs.py`, translate the new entries in `locales/{kk,ru}`. The order of the
questions and when each is asked are in `dialogs.flow.path`; how an accepted answer is stored is
the question's `store`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, Final, Literal

from dialogs.i18n import LANGUAGES
from dialogs.parse import MoneyAnswer, words
from dialogs.regions import CITIES, REGIONS
from dialogs.reply import InLanguage, Lines
from dialogs.session import RETENTION_DAYS, Person, Session
from dialogs.text import Message, Months, Renderable, Verbatim, msg, plural
from eligibility.calendar import previous_quarter

Kind = Literal[
    "language", "one", "yes_no", "many", "whole", "whole_list", "money", "summary", "done"
]
Section = Literal["start", "place", "family", "income", "loans", "sanctions", "summary", "result"]
Prompt = Callable[[Session, int, date], Renderable]
Check = Callable[[Session, int, Any], Message | None]
Store = Callable[[Session, int, Any], None]


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: Renderable
    spellings: tuple[str, ...] = ()
    """Typed forms besides the labels (folded, lower case: see dialogs.parse.words)."""


@dataclass(frozen=True, slots=True)
class Question:
    """One question: `id` travels in button data (≤ 16 characters); `kind` says how typed text
    is read (one/several choices, a whole number, a list of numbers, money)."""

    id: str
    kind: Kind
    section: Section
    prompt: Prompt
    hint: Renderable
    """Said, with the question again, after an answer that cannot be understood."""
    store: Store
    choices: tuple[Choice, ...] = ()
    columns: int = 1
    check: Check | None = None
    """Returns a hint when an understood answer is not acceptable (out of range, inconsistent)."""
    help: Message | None = None
    per_person: bool = False
    """Asked once per adult (or per income): old buttons of it are recognised by the version."""


def quarter_months(today: date) -> Months:
    start, end = previous_quarter(today)
    return Months(start, end)


# --- labels shared by several questions -------------------------------------------------------

YES_WORDS: Final = ("да", "иа", "ия", "yes", "ok", "ок", "келисемин", "согласен", "согласна")
NO_WORDS: Final = ("нет", "жок", "no", "не согласен", "келиспеймин")

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
        "other",
        msg("Other: rent, deposits, transfers, gifts"),
        ("аренда", "депозит", "переводы", "подарки", "жалга", "аударым"),
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
    "other": "other",
}

DONE: Final = "done"
BACK: Final = "back"
MODE_QUARTER: Final = "mode_q"
MODE_MONTH: Final = "mode_m"


def person(s: Session, i: int) -> Person:
    return s.adults[i] if i < len(s.adults) else Person()


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


def max_children(s: Session) -> int:
    return max(0, (s.people or 1) - 1)


# --- checks -------------------------------------------------------------------------------------


def _check_people(s: Session, i: int, value: int) -> Message | None:
    if value < 1 or value > 30:
        return msg("Please type how many people live together, counting yourself: 1 to 30.")
    return None


def _check_child_ages(s: Session, i: int, ages: list[int] | str) -> Message | None:
    if isinstance(ages, str):  # "none"
        return None
    if any(age >= 18 for age in ages):
        return msg(
            "Here only children under 18, please. Adults (18 and over) come next, one by one."
        )
    if len(ages) > max_children(s):
        return msg(
            "That is more children than the {people} people you told me about (counting you). "
            "Type the ages again, or press “Back” to change the number of people.",
            people=s.people or 1,
        )
    return None


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


# --- storing accepted answers ------------------------------------------------------------------


def _store_language(s: Session, i: int, value: str) -> None:
    s.language = "kk" if value == "kk" else "ru"


def _store_consent(s: Session, i: int, value: str) -> None:
    s.consent = value == "yes"


def _store_region(s: Session, i: int, value: str) -> None:
    s.region = value
    if value in CITIES:
        s.settlement = "urban"


def _store_settlement(s: Session, i: int, value: str) -> None:
    s.settlement = "rural" if value == "rural" else "urban"


def _store_people(s: Session, i: int, value: int) -> None:
    if s.people != value:
        s.child_ages = None
        if value == 1:
            s.child_ages = []
    s.people = value
    _ensure(s, 0).relation = "applicant"


def _store_child_ages(s: Session, i: int, value: list[int] | str) -> None:
    s.child_ages = [] if isinstance(value, str) else sorted(value)
    adults = max(1, (s.people or 1) - len(s.child_ages))
    del s.adults[adults:]


def _store_sex(s: Session, i: int, value: str) -> None:
    p = _ensure(s, i)
    p.sex = "female" if value == "female" else "male"
    p.relation = "applicant"


def _store_age(s: Session, i: int, value: int) -> None:
    p = _ensure(s, i)
    p.age = value
    if value < 18:
        p.status = p.disability = p.caring_for = None


def _store_relation(s: Session, i: int, value: str) -> None:
    p = _ensure(s, i)
    p.relation = value
    p.sex = "female" if RELATION_BY_VALUE[value][1] == "female" else "male"


def _store_status(s: Session, i: int, value: str) -> None:
    p = _ensure(s, i)
    p.status = value  # type: ignore[assignment]  # checked against STATUSES by the flow
    if value != "disability":
        p.disability = None
    if value != "caring":
        p.caring_for = None


def _store_disability(s: Session, i: int, value: str) -> None:
    _ensure(s, i).disability = value  # type: ignore[assignment]


def _store_caring(s: Session, i: int, value: str) -> None:
    _ensure(s, i).caring_for = value  # type: ignore[assignment]


def _store_incomes(s: Session, i: int, value: list[str]) -> None:
    chosen = [kind.value for kind in INCOME_KINDS if kind.value in value]
    s.income_kinds = chosen
    s.income_draft = None
    s.amounts = {k: v for k, v in s.amounts.items() if k in chosen}


def _store_amount(s: Session, i: int, value: MoneyAnswer) -> None:
    kinds = counted_kinds(s)
    if i >= len(kinds):
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
    s.amounts[kinds[i]] = amount.quantize(Decimal(1))


def _store_loans(s: Session, i: int, value: str) -> None:
    s.loans = value  # type: ignore[assignment]
    if value != "new":
        s.loan_amount = None


def _store_loan_amount(s: Session, i: int, value: MoneyAnswer) -> None:
    amount = value.amount * 3 if value.period == "month" and value.months == 1 else value.amount
    s.loan_amount = amount.quantize(Decimal(1))


def _store_sanctions(s: Session, i: int, value: str) -> None:
    s.sanctions = value  # type: ignore[assignment]


def _store_nothing(s: Session, i: int, value: Any) -> None:
    """Summary and after-result options are actions, handled by the flow."""


def counted_kinds(s: Session) -> list[str]:
    """The chosen income kinds that are asked about amounts (not-counted support is not)."""
    chosen = s.income_kinds if s.income_kinds is not None else preselected_incomes(s)
    return [k for k in chosen if k in COUNTED_KINDS]


def preselected_incomes(s: Session) -> list[str]:
    """Income kinds ticked in advance from what people said they do (saves presses)."""
    statuses = {p.status for p in s.adults if p.age is None or p.age >= 18}
    chosen = []
    if "works" in statuses:
        chosen.append("wages")
    if "pensioner" in statuses:
        chosen.append("pension")
    return chosen


# --- prompts ------------------------------------------------------------------------------------


def _prompt_language(s: Session, i: int, today: date) -> Renderable:
    greeting = msg("Hello! I am Komek. Please choose the language of our conversation.")
    return Lines((InLanguage(greeting, "kk"), InLanguage(greeting, "ru")))


def _prompt_consent(s: Session, i: int, today: date) -> Renderable:
    return msg(
        "I will ask about 15 short questions about your family and income and estimate whether "
        "you can get targeted social assistance (TSA), how much, and how to apply.\n\n"
        "To do that I keep your answers: region, the age, sex and occupation of family members, "
        "and the family's income. I do not ask for names or the IIN. The answers are used only "
        "for this estimate and, if you wish, to book a visit to the center. Unfinished answers "
        "are deleted after {days}; a finished estimate is kept until you delete everything "
        "with /delete_my_data.\n\n"
        "Do you agree?",
        days=plural("{n} day", "{n} days", RETENTION_DAYS),
    )


def _prompt_region(s: Session, i: int, today: date) -> Renderable:
    return msg("In which region do you live? Choose or type it (a town name works too).")


def _prompt_settlement(s: Session, i: int, today: date) -> Renderable:
    return msg("Do you live in a city or town, or in a village?")


def _prompt_people(s: Session, i: int, today: date) -> Renderable:
    return msg(
        "How many people live with you and keep one household, counting yourself? "
        "Count children too."
    )


def _prompt_child_ages(s: Session, i: int, today: date) -> Renderable:
    return msg(
        "How old are the children under 18 who live with you? "
        "Type all their ages, e.g. “5, 9 and 12” (0 for a baby under one)."
    )


def _prompt_sex(s: Session, i: int, today: date) -> Renderable:
    return msg("Now about you, the applicant. Are you a man or a woman?")


def _prompt_age(s: Session, i: int, today: date) -> Renderable:
    if i == 0:
        return msg("How old are you? Type full years, e.g. 42.")
    return msg("{who}: how old? Type full years.", who=who(s, i))


def _prompt_relation(s: Session, i: int, today: date) -> Renderable:
    adults = max(1, (s.people or 1) - len(s.child_ages or []))
    return msg(
        "Adult {n} of {total}: who is this person to you?",
        n=i + 1,
        total=adults,
    )


def _prompt_status(s: Session, i: int, today: date) -> Renderable:
    if i == 0:
        return msg("What do you do now? Choose what fits best.")
    return msg("{who}: what does this person do now?", who=who(s, i))


def _prompt_disability(s: Session, i: int, today: date) -> Renderable:
    if i == 0:
        return msg("Which disability group do you have?")
    return msg("{who}: which disability group?", who=who(s, i))


def _prompt_caring(s: Session, i: int, today: date) -> Renderable:
    if i == 0:
        return msg("Whom do you care for?")
    return msg("{who}: whom does this person care for?", who=who(s, i))


def _prompt_incomes(s: Session, i: int, today: date) -> Renderable:
    return msg(
        "What income did the family have in {months}? Tick everything that applies, "
        "then press “Done”. If there was no income at all, just press “Done”.\n\n"
        "State benefits include child allowances and the large-family allowance (it is counted). "
        "Not counted: scholarships, disability benefits, TSA itself, housing aid, charity, "
        "one-time payments (for a birth, a burial).",
        months=quarter_months(today),
    )


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


def _prompt_loans(s: Session, i: int, today: date) -> Renderable:
    return msg(
        "Does anyone in the family have a consumer loan or microcredit (not a mortgage)? "
        "Loans received in {months} count as income.",
        months=quarter_months(today),
    )


def _prompt_loan_amount(s: Session, i: int, today: date) -> Renderable:
    return msg(
        "How much was received in loans and microcredits in {months}, in total? E.g. 300 000.",
        months=quarter_months(today),
    )


def _prompt_sanctions(s: Session, i: int, today: date) -> Renderable:
    return msg(
        "In the last 6 months, did anyone in the family refuse a job, training or another "
        "employment measure offered by the employment center, or break a social contract "
        "through their own fault?"
    )


def _prompt_static(text: Message) -> Prompt:
    def prompt(s: Session, i: int, today: date) -> Renderable:
        return text

    return prompt


# --- the questions ------------------------------------------------------------------------------

HINT_CHOICE: Final = msg("Please choose one of the options below, or type its number.")
HINT_WHOLE: Final = msg("Please type a number, e.g. 3.")
HINT_AGE: Final = msg("Please type the age as a number of full years, e.g. 42.")
HINT_AGES: Final = msg("Please type the ages as numbers, e.g. “5, 9 and 12”.")
HINT_MONEY: Final = msg(
    "Please type an amount in tenge, e.g. 150 000, “150 тыс” or “150 мың”. "
    "You may add “a month” or “in total”."
)

QUESTIONS: Final[dict[str, Question]] = {
    q.id: q
    for q in (
        Question(
            "language",
            "language",
            "start",
            _prompt_language,
            hint=Lines((InLanguage(HINT_CHOICE, "kk"), InLanguage(HINT_CHOICE, "ru"))),
            store=_store_language,
            choices=(
                Choice("kk", InLanguage(msg("Kazakh"), "kk"), ("каз", "казакша", "kazakh", "kz")),
                Choice("ru", InLanguage(msg("Russian"), "ru"), ("рус", "русский", "orys", "ru")),
            ),
            columns=2,
        ),
        Question(
            "consent",
            "yes_no",
            "start",
            _prompt_consent,
            hint=HINT_CHOICE,
            store=_store_consent,
            choices=(
                Choice("yes", msg("I agree"), YES_WORDS),
                Choice("no", msg("No, just tell me the general rules"), NO_WORDS),
            ),
            help=msg(
                "Without your consent I cannot estimate for your family, "
                "but I can tell you the general rules."
            ),
        ),
        Question(
            "region",
            "one",
            "place",
            _prompt_region,
            hint=msg("I did not recognise the region. Choose it below or type its number."),
            store=_store_region,
            choices=tuple(Choice(code, label, spellings) for code, label, spellings in REGIONS),
            columns=2,
        ),
        Question(
            "settlement",
            "one",
            "place",
            _prompt_settlement,
            hint=HINT_CHOICE,
            store=_store_settlement,
            choices=(
                Choice("urban", msg("City or town"), ("город", "кала", "city", "town", "поселок")),
                Choice("rural", msg("Village"), ("село", "ауыл", "аул", "деревня", "village")),
            ),
            columns=2,
            help=msg(
                "In a village you apply at the akimat (the akim's office); "
                "in a town at the employment center."
            ),
        ),
        Question(
            "people",
            "whole",
            "family",
            _prompt_people,
            hint=HINT_WHOLE,
            store=_store_people,
            choices=(
                Choice("1", msg("Just me"), ("я один", "я одна", "одна", "один", "тек озим")),
                *(Choice(str(n), Verbatim(str(n))) for n in range(2, 7)),
            ),
            columns=3,
            check=_check_people,
            help=msg(
                "Count the people registered at your address who live with you and share one "
                "budget: spouse, children, and other relatives who keep house with you. "
                "The center checks the family composition itself."
            ),
        ),
        Question(
            "child_ages",
            "whole_list",
            "family",
            _prompt_child_ages,
            hint=HINT_AGES,
            store=_store_child_ages,
            choices=(Choice("none", msg("No children under 18"), ("нет детей", "балалар жок")),),
            check=_check_child_ages,
        ),
        Question(
            "sex",
            "one",
            "family",
            _prompt_sex,
            hint=HINT_CHOICE,
            store=_store_sex,
            choices=(
                Choice("male", msg("Man"), ("мужчина", "муж", "ер", "ер адам", "male", "m")),
                Choice("female", msg("Woman"), ("женщина", "жен", "айел", "female", "f")),
            ),
            columns=2,
            help=msg("The retirement age differs for men and women, so it matters here."),
        ),
        Question(
            "age",
            "whole",
            "family",
            _prompt_age,
            hint=HINT_AGE,
            store=_store_age,
            check=_check_age,
            per_person=True,
        ),
        Question(
            "relation",
            "one",
            "family",
            _prompt_relation,
            hint=HINT_CHOICE,
            store=_store_relation,
            choices=tuple(Choice(value, label) for value, _r, _s, label in RELATIONS),
            columns=2,
            per_person=True,
        ),
        Question(
            "status",
            "one",
            "family",
            _prompt_status,
            hint=HINT_CHOICE,
            store=_store_status,
            choices=STATUSES,
            per_person=True,
            help=msg(
                "This decides whether the help would be conditional (with a social contract) "
                "or unconditional. Choose what is true now; the center checks it."
            ),
        ),
        Question(
            "disability",
            "one",
            "family",
            _prompt_disability,
            hint=HINT_CHOICE,
            store=_store_disability,
            choices=(
                Choice("group_1", msg("Group 1"), ("1", "первая", "биринши")),
                Choice("group_2", msg("Group 2"), ("2", "вторая", "екинши")),
                Choice("group_3", msg("Group 3"), ("3", "третья", "ушинши")),
            ),
            columns=3,
            per_person=True,
        ),
        Question(
            "caring_for",
            "one",
            "family",
            _prompt_caring,
            hint=HINT_CHOICE,
            store=_store_caring,
            choices=(
                Choice("child_under_3", msg("A child under 3"), ("декрет", "малыш")),
                Choice("disabled_child", msg("A child with a disability")),
                Choice("disabled_adult", msg("An adult with disability group 1 or 2")),
                Choice("elderly", msg("An elderly person aged 80+ who needs care")),
            ),
            per_person=True,
        ),
        Question(
            "incomes",
            "many",
            "income",
            _prompt_incomes,
            hint=msg("Tick what applies with the options, then press “Done”."),
            store=_store_incomes,
            choices=INCOME_KINDS,
            columns=2,
        ),
        Question(
            "amount",
            "money",
            "income",
            _prompt_amount,
            hint=HINT_MONEY,
            store=_store_amount,
            per_person=True,
            help=msg(
                "Give the money actually received, after taxes, by all family members together. "
                "An approximate figure is fine: the center takes the exact figures from state "
                "databases."
            ),
        ),
        Question(
            "loans",
            "one",
            "loans",
            _prompt_loans,
            hint=HINT_CHOICE,
            store=_store_loans,
            choices=(
                Choice("no", msg("No loans"), NO_WORDS),
                Choice("open", msg("Yes, taken earlier, still repaying")),
                Choice("new", msg("Yes, received last quarter")),
            ),
        ),
        Question(
            "loan_amount",
            "money",
            "loans",
            _prompt_loan_amount,
            hint=HINT_MONEY,
            store=_store_loan_amount,
        ),
        Question(
            "sanctions",
            "one",
            "sanctions",
            _prompt_sanctions,
            hint=HINT_CHOICE,
            store=_store_sanctions,
            choices=(
                Choice("no", msg("No, neither"), NO_WORDS),
                Choice("refused", msg("Refused a job or training")),
                Choice("broke", msg("Broke a social contract")),
                Choice("both", msg("Both")),
            ),
            help=msg(
                "After refusing employment measures, or breaking a social contract, TSA is not "
                "assigned for 6 months."
            ),
        ),
        Question(
            "summary",
            "summary",
            "summary",
            _prompt_static(msg("Please check your answers:")),
            hint=HINT_CHOICE,
            store=_store_nothing,
        ),
        Question(
            "after_result",
            "done",
            "result",
            _prompt_static(msg("What would you like to do next?")),
            hint=HINT_CHOICE,
            store=_store_nothing,
        ),
    )
}


@cache
def spellings(question_id: str) -> dict[str, tuple[str, ...]]:
    """Every typed form of every choice: its labels in both languages plus its spellings."""
    question = QUESTIONS[question_id]
    table: dict[str, tuple[str, ...]] = {}
    for choice in question.choices:
        forms = {words(choice.label.render(lang)) for lang in LANGUAGES}
        forms.update(words(s) for s in choice.spellings)
        forms.add(words(choice.value))
        table[choice.value] = tuple(sorted(f for f in forms if f))
    return table
