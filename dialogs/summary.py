"""The summary before the result: every answer in plain words, each part changeable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from dialogs.i18n import Language
from dialogs.questions import (
    BACK,
    INCOME_LABELS,
    QUESTIONS,
    STATUSES,
    Section,
    counted_kinds,
    person,
    quarter_months,
    who,
)
from dialogs.regions import CITIES, REGIONS
from dialogs.reply import Lines, Option, Reply, paragraphs
from dialogs.session import Session
from dialogs.text import Message, Money, Renderable, Verbatim, msg, plural

EDIT_SECTIONS: Final[dict[str, Section]] = {
    "e_place": "place",
    "e_family": "family",
    "e_income": "income",
    "e_loans": "loans",
    "e_sanct": "sanctions",
}
REGION_LABELS: Final = {code: label for code, label, _ in REGIONS}
STATUS_LABELS: Final = {c.value: c.label for c in STATUSES}


@dataclass(frozen=True, slots=True)
class Lower:
    """A label used mid-sentence: its first letter in lower case."""

    inner: Renderable

    def render(self, lang: Language) -> str:
        text = self.inner.render(lang)
        return text[:1].lower() + text[1:]


def _choice_label(question: str, value: str | None) -> Renderable:
    for choice in QUESTIONS[question].choices:
        if choice.value == value:
            return choice.label
    return msg("not answered")


def _people_lines(s: Session) -> list[Renderable]:
    lines: list[Renderable] = [plural("Family: {n} person", "Family: {n} people", s.people or 1)]
    adults = max(1, (s.people or 1) - len(s.child_ages or []))
    for i in range(adults):
        p = person(s, i)
        age: Renderable = (
            plural("{n} year", "{n} years", p.age) if p.age is not None else msg("age unknown")
        )
        status: Renderable = Lower(STATUS_LABELS[p.status]) if p.status else msg("a child")
        if p.status == "disability" and p.disability:
            status = msg(
                "{status}, {detail}",
                status=status,
                detail=Lower(_choice_label("disability", p.disability)),
            )
        elif p.status == "caring" and p.caring_for:
            status = msg(
                "{status}: {detail}",
                status=status,
                detail=Lower(_choice_label("caring_for", p.caring_for)),
            )
        if i == 0:
            sex = Lower(_choice_label("sex", p.sex))
            lines.append(msg("• You ({sex}), {age}: {status}", sex=sex, age=age, status=status))
        else:
            lines.append(msg("• {who}, {age}: {status}", who=who(s, i), age=age, status=status))
    ages = s.child_ages or []
    if ages:
        lines.append(
            plural(
                "• {n} child under 18, age: {ages}",
                "• {n} children under 18, ages: {ages}",
                len(ages),
                ages=Verbatim(", ".join(str(a) for a in ages)),
            )
        )
    return lines


def _income_lines(s: Session, today: date) -> list[Renderable]:
    lines: list[Renderable] = [msg("Income in {months}:", months=quarter_months(today))]
    kinds = counted_kinds(s)
    for kind in kinds:
        total = s.amounts.get(kind, Decimal(0))
        lines.append(
            msg(
                "• {kind}: {total} in total ({monthly} a month)",
                kind=INCOME_LABELS[kind],
                total=Money(total),
                monthly=Money(total / 3),
            )
        )
    if not kinds:
        lines.append(msg("• no income that counts"))
    if "notcounted" in (s.income_kinds or []):
        lines.append(msg("• support that is not counted (amount not needed)"))
    return lines


def _adult_options(s: Session) -> list[Option]:
    adults = max(1, (s.people or 1) - len(s.child_ages or []))
    options = [Option("e_m0", msg("Change the answers about you"))]
    for i in range(1, adults):
        options.append(Option(f"e_m{i}", msg("Change: {who}", who=who(s, i))))
    return options


def summary_options(s: Session) -> list[Option]:
    options = [
        Option("confirm", msg("✔ All correct, show the result")),
        Option("e_place", msg("Change the region")),
        Option("e_family", msg("Change the family composition")),
        *_adult_options(s),
        Option("e_income", msg("Change the income")),
        Option("e_loans", msg("Change the loans answer")),
    ]
    if s.sanctions is not None:
        options.append(Option("e_sanct", msg("Change the 6-month answer")))
    return options


def summary_reply(s: Session, today: date, *before: Renderable | None) -> Reply:
    place: list[Renderable] = [
        msg("Region: {region}", region=REGION_LABELS.get(s.region or "", msg("not answered")))
    ]
    if s.region not in CITIES:
        place.append(
            msg("Lives in: {place}", place=Lower(_choice_label("settlement", s.settlement)))
        )
    other: list[Renderable] = [
        msg("Loans: {answer}", answer=Lower(_choice_label("loans", s.loans)))
    ]
    if s.loans == "new" and s.loan_amount is not None:
        other.append(msg("Loans received: {amount}", amount=Money(s.loan_amount)))
    if s.sanctions is not None:
        other.append(
            msg("Last 6 months: {answer}", answer=Lower(_choice_label("sanctions", s.sanctions)))
        )
    text: tuple[Message | Renderable, ...] = paragraphs(
        *before,
        msg("Please check your answers:"),
        Lines(tuple(place)),
        Lines(tuple(_people_lines(s))),
        Lines(tuple(_income_lines(s, today))),
        Lines(tuple(other)),
    )
    options = summary_options(s)
    options.append(Option(BACK, msg("« Back")))
    return Reply(text=text, question="summary", options=tuple(options), columns=1)
