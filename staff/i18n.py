"""The staff web in Kazakh or Russian: the language of a request and the template helpers.

Texts are written literally in templates as `_("English source")` (with `{placeholders}` filled
from keyword arguments) and in Python as `msg(...)`; `scripts/update_catalogs.py` extracts both
into the `staff` gettext domain. Dates and numbers are formatted by Babel, in Kazakhstan time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal, format_percent

from common.i18n import (
    LANGUAGES,
    Language,
    format_date,
    format_local_datetime,
    format_money,
    gettext,
    ngettext,
)
from common.text import Message

DEFAULT_LANGUAGE: Language = "ru"


def language_of(chosen: object, accept_language: str | None) -> Language:
    """The language chosen in the session, else the browser's first of kk/ru, else Russian."""
    if chosen in LANGUAGES:
        return "kk" if chosen == "kk" else "ru"
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return "kk" if code == "kk" else "ru"
    return DEFAULT_LANGUAGE


def translator(lang: Language) -> dict[str, Callable[..., str]]:
    """The functions templates call, bound to one language."""

    def _(message_id: str, **params: Any) -> str:
        text = gettext(lang, message_id)
        return text.format(**params) if params else text

    def n_(singular: str, plural_form: str, n: int, **params: Any) -> str:
        text = ngettext(lang, singular, plural_form, n)
        return text.format(n=format_decimal(n, locale=lang), **params)

    def render(message: Message) -> str:
        return message.render(lang)

    def day(value: date, fmt: str = "long") -> str:
        return format_date(value, lang, fmt=fmt)

    def clock(moment: datetime) -> str:
        return format_local_datetime(moment, lang, fmt="HH:mm")

    def moment(value: datetime) -> str:
        return format_local_datetime(value, lang, fmt="d MMMM y, HH:mm")

    def money(amount: Decimal | int | float) -> str:
        return format_money(Decimal(str(amount)), lang)

    def number(value: Decimal | int | float) -> str:
        return str(format_decimal(value, locale=lang))

    def percent(value: float) -> str:
        return str(format_percent(value, locale=lang, format="#,##0.#%"))

    return {
        "_": _,
        "n_": n_,
        "render": render,
        "day": day,
        "clock": clock,
        "moment": moment,
        "money": money,
        "number": number,
        "percent": percent,
    }
