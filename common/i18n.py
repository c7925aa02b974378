"""One translator and formatter for every front end (terminal, Telegram, reminders).

Catalogs live in `locales/<lang>/LC_MESSAGES/<domain>.po`, one gettext domain per room
(`dialogs`, `bot`, `booking`, `staff`) so each room owns its texts; here they are merged into one
catalog per language. Money and dates are formatted by Babel (CLDR), never by hand.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Final, Literal

from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from common.kz import KZ_TIME

Language = Literal["kk", "ru"]
LANGUAGES: Final[tuple[Language, ...]] = ("kk", "ru")
LOCALES_DIR: Final = Path(__file__).resolve().parent.parent / "locales"
TENGE_SIGN: Final = "₸"


def domains() -> list[str]:
    """Every gettext domain that has a template (`locales/<domain>.pot`)."""
    return sorted(p.stem for p in LOCALES_DIR.glob("*.pot"))


def _load_domain(lang: Language, domain: str) -> NullTranslations:
    folder = LOCALES_DIR / lang / "LC_MESSAGES"
    mo, po = folder / f"{domain}.mo", folder / f"{domain}.po"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fp:
            return Translations(fp, domain=domain)
    if po.exists():  # not compiled yet (fresh checkout): compile in memory, same result
        with po.open("rb") as fp:
            catalog = read_po(fp, locale=lang, domain=domain)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return Translations(buffer, domain=domain)
    return NullTranslations()


@cache
def translations(lang: Language) -> NullTranslations:
    """All domains of one language merged into one catalog (cached for the process).

    The first loaded catalog is the base, so its `Plural-Forms` (the same in every domain of a
    language) decides the plural form; merging into an empty catalog would keep English plurals.
    """
    merged: NullTranslations | None = None
    for domain in domains():
        loaded = _load_domain(lang, domain)
        if not isinstance(loaded, Translations):
            continue
        if merged is None:
            merged = loaded
        elif isinstance(merged, Translations):
            merged.merge(loaded)
    return merged if merged is not None else NullTranslations()


def gettext(lang: Language, message: str) -> str:
    return translations(lang).gettext(message)


def ngettext(lang: Language, singular: str, plural: str, n: int) -> str:
    return translations(lang).ngettext(singular, plural, n)


def whole_tenge(amount: Decimal) -> Decimal:
    """Round half-up to whole tenge, the way amounts are paid."""
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def format_money(amount: Decimal | int, lang: Language) -> str:
    """Whole tenge with locale grouping and the ₸ sign: `1 234 567 ₸` (narrow no-break spaces)."""
    number = format_decimal(whole_tenge(Decimal(amount)), format="#,##0", locale=lang)
    return f"{number}\u00a0{TENGE_SIGN}"


DATE_FORMATS: Final[dict[str, dict[Language, str]]] = {
    # 2027 жылғы 1 қаңтар / 1 января 2027 г.
    "long": {"kk": "y 'жылғы' d MMMM", "ru": "d MMMM y 'г'."},
    # a day without its year, named with its weekday: 1 желтоқсан, сейсенбі / вторник, 1 декабря
    "weekday": {"kk": "d MMMM, EEEE", "ru": "EEEE, d MMMM"},
    # 2026 жылғы 1 желтоқсан, сейсенбі, 11:00 / вторник, 1 декабря 2026, 11:00
    "appointment": {"kk": "y 'жылғы' d MMMM, EEEE, HH:mm", "ru": "EEEE, d MMMM y, HH:mm"},
}
"""Named date formats as each language writes them: Kazakh puts the year first, with «жылғы»,
and the weekday after the date (CLDR's own Kazakh `full`, `y 'ж'. d MMMM, EEEE`, abbreviates
the year; a fixed Russian-ordered pattern such as `EEEE, d MMMM y` would read wrongly in Kazakh).
Weekdays are written in full: the CLDR abbreviations (`сс`, `ср`, `бс`) are unfamiliar."""

MONTH_WITH_YEAR: Final[dict[Language, str]] = {"kk": "y 'жылғы' LLLL", "ru": "LLLL y"}
"""A month and its year: `2026 жылғы шілде`, `июль 2026`."""
YEAR_FIRST: Final[dict[Language, bool]] = {"kk": True, "ru": False}
"""Which end of a month range carries the year: `2026 жылғы шілде–қыркүйек`, `июль–сентябрь
2026`."""


def _pattern(fmt: str, lang: Language) -> str:
    """A named format of `DATE_FORMATS` in the language, else `fmt` itself (a CLDR format name
    such as `short`, or a pattern)."""
    styles = DATE_FORMATS.get(fmt)
    return styles[lang] if styles is not None else fmt


def format_date(day: date, lang: Language, *, fmt: str = "long") -> str:
    return str(_babel_format_date(day, format=_pattern(fmt, lang), locale=lang))


def format_local_datetime(moment: datetime, lang: Language, *, fmt: str = "d MMMM, HH:mm") -> str:
    """A UTC (aware) moment shown in Kazakhstan's time zone, in the user's language."""
    pattern = _pattern(fmt, lang)
    return str(_babel_format_datetime(moment, format=pattern, tzinfo=KZ_TIME, locale=lang))


def _month(day: date, lang: Language, *, with_year: bool) -> str:
    pattern = MONTH_WITH_YEAR[lang] if with_year else "LLLL"
    return str(_babel_format_date(day, format=pattern, locale=lang)).lower()


def format_month_range(start: date, end: date, lang: Language) -> str:
    """A calendar quarter as months in words: `октябрь–декабрь 2025`, `2025 жылғы
    қазан–желтоқсан`; across a new year both ends carry theirs."""
    if start.year != end.year:
        first, last = _month(start, lang, with_year=True), _month(end, lang, with_year=True)
        return f"{first} – {last}"
    if (start.year, start.month) == (end.year, end.month):
        return _month(start, lang, with_year=True)
    first = _month(start, lang, with_year=YEAR_FIRST[lang])
    last = _month(end, lang, with_year=not YEAR_FIRST[lang])
    return f"{first}–{last}"


def compile_catalogs() -> list[Path]:
    """Compile every `.po` into `.mo` (run at install/test time); refuses fuzzy entries."""
    written: list[Path] = []
    for lang in LANGUAGES:
        folder = LOCALES_DIR / lang / "LC_MESSAGES"
        for po in sorted(folder.glob("*.po")):
            with po.open("rb") as fp:
                catalog = read_po(fp, locale=lang, domain=po.stem)
            with po.with_suffix(".mo").open("wb") as out:
                write_mo(out, catalog, use_fuzzy=False)
            written.append(po.with_suffix(".mo"))
    translations.cache_clear()
    return written


if __name__ == "__main__":
    for path in compile_catalogs():
        print(f"compiled {path.relative_to(LOCALES_DIR.parent)}")
