"""Translatable text as data: a message id with parameters, rendered late in the user's language.

Every room writes its user-facing text literally inside `msg("…")` or `plural("…", "…", n)`;
`scripts/update_catalogs.py` extracts exactly these calls into `locales/<domain>.pot`. Parameters
that depend on the language (money, dates, nested messages) are `Renderable` and are formatted
only at render time, by Babel, so the dialog itself never formats anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol, runtime_checkable

from babel.numbers import format_decimal

from common.i18n import (
    TENGE_SIGN,
    Language,
    format_date,
    format_local_datetime,
    format_money,
    format_month_range,
    gettext,
    ngettext,
)


@runtime_checkable
class Renderable(Protocol):
    def render(self, lang: Language) -> str: ...


Param = str | int | Renderable


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    params: dict[str, Param] = field(default_factory=dict)
    plural_id: str | None = None
    n: int | None = None

    def render(self, lang: Language) -> str:
        if self.plural_id is not None and self.n is not None:
            template = ngettext(lang, self.id, self.plural_id, self.n)
        else:
            template = gettext(lang, self.id)
        if not self.params and self.n is None:
            return template
        values = {name: _render_param(value, lang) for name, value in self.params.items()}
        if self.n is not None:
            values.setdefault("n", format_decimal(self.n, locale=lang))
        return template.format(**values)


@dataclass(frozen=True, slots=True)
class Money:
    """Whole tenge with ₸ and locale grouping."""

    amount: Decimal

    def render(self, lang: Language) -> str:
        return format_money(self.amount, lang)


@dataclass(frozen=True, slots=True)
class ExactMoney:
    """Tenge with tiyn when there are any (`35 595,70 ₸`), whole otherwise (`18 000 ₸`): for
    the figures of a printed calculation, which must add up when checked by hand."""

    amount: Decimal

    def render(self, lang: Language) -> str:
        cents = self.amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if cents == cents.to_integral_value():
            return format_money(cents, lang)
        number = format_decimal(cents, format="#,##0.00", locale=lang)
        return f"{number}\u00a0{TENGE_SIGN}"


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    fmt: str = "long"

    def render(self, lang: Language) -> str:
        return format_date(self.day, lang, fmt=self.fmt)


@dataclass(frozen=True, slots=True)
class Months:
    """A period named by its months, e.g. a calendar quarter: `октябрь–декабрь 2025`."""

    start: date
    end: date

    def render(self, lang: Language) -> str:
        return format_month_range(self.start, self.end, lang)


@dataclass(frozen=True, slots=True)
class LocalTime:
    """A UTC moment shown in Kazakhstan's time zone."""

    moment: datetime
    fmt: str = "d MMMM, HH:mm"

    def render(self, lang: Language) -> str:
        return format_local_datetime(self.moment, lang, fmt=self.fmt)


@dataclass(frozen=True, slots=True)
class Verbatim:
    """Text that is not translated (a place name already in the user's language, a number)."""

    text: str

    def render(self, lang: Language) -> str:
        return self.text


def _render_param(value: Param, lang: Language) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return format_decimal(value, locale=lang)
    return value.render(lang)


def msg(message_id: str, **params: Param) -> Message:
    """Mark text for translation; `{name}` placeholders are filled from params at render time."""
    return Message(message_id, params)


def plural(singular: str, plural_form: str, n: int, **params: Param) -> Message:
    """Mark text with plural forms; `{n}` is the number, formatted for the language."""
    return Message(singular, params, plural_id=plural_form, n=n)
