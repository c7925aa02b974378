"""Tolerant readers for what people type, in Kazakh, Russian, English or a mix of them.

Pure functions: text in, a value (or None when it cannot be understood) out. They never raise.
Kazakh letters are folded to their nearest Russian ones before matching (`жоқ` → `жок`,
`мың` → `мын`), so a word typed on a Russian keyboard matches its Kazakh spelling too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Final, Literal

Period = Literal["month", "quarter"]

_FOLD: Final = str.maketrans(
    {
        "ә": "а",
        "ғ": "г",
        "қ": "к",
        "ң": "н",
        "ө": "о",
        "ұ": "у",
        "ү": "у",
        "һ": "х",
        "і": "и",
        "ё": "е",
        "ї": "и",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
    }
)
_PUNCT: Final = re.compile(r"[\"'«»“”„`!?;:()\[\]{}*_#<>|\\/+=~^]+")
_SPACES: Final = re.compile(r"\s+")

MAX_MONEY: Final = Decimal(10) ** 10
"""Ten billion tenge for a quarter: anything above is a typo, not an income."""


def fold(text: str) -> str:
    """Lower case, Kazakh letters folded to Russian ones, dashes and spaces normalised."""
    lowered = text.lower().translate(_FOLD)
    lowered = re.sub(r"[‐-―−-]", "-", lowered)
    return _SPACES.sub(" ", lowered).strip()


def words(text: str) -> str:
    """`fold` plus punctuation removed: a string of plain words for matching."""
    cleaned = _PUNCT.sub(" ", fold(text)).replace("-", " ").replace(".", " ").replace(",", " ")
    return _SPACES.sub(" ", cleaned).strip()


_NEGATIVE: Final = re.compile(r"^-\s*\d|[\s,;(:]-\d")


def is_negative_number(text: str) -> bool:
    """A number written with a minus (`-3`, `−100 000`): never a count, an age or an amount, and
    never to be read as its absolute value (the minus would be lost with the punctuation)."""
    return bool(_NEGATIVE.search(fold(text)))


_LATIN_DIGRAPHS: Final = (("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("gh", "г"), ("kh", "х"))
_LATIN_LETTERS: Final = str.maketrans(
    {
        "a": "а", "ä": "а", "b": "б", "c": "ц", "d": "д", "e": "е", "f": "ф", "g": "г",
        "ğ": "г", "h": "х", "ı": "ы", "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н",
        "ñ": "н", "o": "о", "ö": "о", "p": "п", "q": "к", "r": "р", "s": "с", "ş": "ш",
        "t": "т", "u": "у", "ū": "у", "ü": "у", "v": "в", "w": "у", "x": "х", "z": "з",
    }
)  # fmt: skip
_LATIN_VOWEL_I: Final = re.compile(r"(?<=[aeoäö])[iy](?![aeiouyäöüū])")


def from_latin(text: str) -> str | None:
    """Kazakh typed in Latin letters (`qazaqsha`, `auyl`, `joq`, `100 myn`) in Cyrillic, folded
    like everything else; None when the text has no Latin letter or already has Cyrillic ones.

    Both the 2021 alphabet (q, ğ, ş, ū) and the informal spellings people type (zh, sh, j, y)
    are read; a word of plain English that means something (`no`, `done`) is matched before this
    is tried, so only what nothing else understood gets a second reading.
    """
    lowered = fold(text)
    if not re.search(r"[a-zäöüūğışñ]", lowered) or re.search(r"[а-я]", lowered):
        return None
    for latin, cyrillic in _LATIN_DIGRAPHS:
        lowered = lowered.replace(latin, cyrillic)
    lowered = _LATIN_VOWEL_I.sub("й", lowered)
    lowered = lowered.replace("ya", "я").replace("yu", "ю").replace("i", "и").replace("y", "ы")
    return fold(lowered.translate(_LATIN_LETTERS))


# --- yes / no ----------------------------------------------------------------------------------

_YES: Final = frozenset(
    {
        "да",
        "ага",
        "угу",
        "конечно",
        "согласен",
        "согласна",
        "согласны",
        "ок",
        "ok",
        "okay",
        "yes",
        "y",
        "иа",
        "ия",
        "иэ",
        "аха",
        "келисемин",
        "келисем",
        "келисеминиз",
        "жарайды",
        "арине",
        "болады",
        "дурыс",
        "верно",
        "правильно",
        "да конечно",
        "иа келисемин",
        "да согласен",
        "да согласна",
        "хорошо",
    }
)
_NO: Final = frozenset(
    {
        "нет",
        "не",
        "неа",
        "no",
        "n",
        "nope",
        "жок",
        "жогы",
        "жок келиспеймин",
        "келиспеймин",
        "не согласен",
        "не согласна",
        "нету",
        "не было",
        "никакого",
        "ничего",
        "болмады",
        "болган жок",
        "none",
        "нет не было",
    }
)


def parse_yes_no(text: str) -> bool | None:
    """`да`, `иә`, `yes`… → True; `нет`, `жоқ`, `no`… → False; anything else → None."""
    w = words(text)
    if w in _YES:
        return True
    if w in _NO:
        return False
    first = w.split(" ", 1)[0] if w else ""
    if first in _YES and first not in {"не"}:
        return True
    if first in _NO and first != "не":
        return False
    return None


# --- whole numbers ------------------------------------------------------------------------------

_NUMBER_WORDS: Final = {
    # ru
    "ноль": 0,
    "нуль": 0,
    "один": 1,
    "одна": 1,
    "одно": 1,
    "два": 2,
    "две": 2,
    "три": 3,
    "четыре": 4,
    "пять": 5,
    "шесть": 6,
    "семь": 7,
    "восемь": 8,
    "девять": 9,
    "десять": 10,
    "одиннадцать": 11,
    "двенадцать": 12,
    "двое": 2,
    "трое": 3,
    "четверо": 4,
    "пятеро": 5,
    "шестеро": 6,
    "семеро": 7,
    "восьмеро": 8,
    # kk (folded)
    "нол": 0,
    "бир": 1,
    "еки": 2,
    "уш": 3,
    "торт": 4,
    "бес": 5,
    "алты": 6,
    "жети": 7,
    "сегиз": 8,
    "тогыз": 9,
    "он": 10,
    "он бир": 11,
    "он еки": 12,
    "екеу": 2,
    "екеумиз": 2,
    "ушеу": 3,
    "ушеумиз": 3,
    "тортеу": 4,
    "тортеумиз": 4,
    "бесеу": 5,
    "бесеумиз": 5,
    "алтау": 6,
    "алтаумыз": 6,
    "алтауымыз": 6,
    "жетеу": 7,
    "жетеумиз": 7,
    # en
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_UNIT_WORDS: Final = re.compile(
    r"\b(лет|год|года|годика|годиков|жас|жаста|жасар|жасында|жастамын|жаспын|жасым|жасымда|"
    r"years?|yrs?|y o|yo|чел|человек|"
    r"человека|адам|people|persons?|ребенок|ребенка|детей|бала|баланын|мне|менин|маган|"
    r"нам|нас|всего|барлыгы|барлыгымыз|бармыз|я|мен|и|жане|and|old|примерно|около|шамамен)\b"
)
_BABY: Final = re.compile(
    r"(до года|меньше года|менее года|младенец|грудной|новорожденн|бир жаска толмаган|"
    r"жаска толмаган|жас толмаган|under one|under 1|baby|infant|< ?1\b|месяц|месяцев|айлык|ай\b)"
)
_INT_TOKEN: Final = re.compile(r"\d+")
_HALF_YEAR: Final = re.compile(r"\b0[.,]\d+")
# Linear time on long digit runs (a message of 4096 "1"s took 0.3 s, 100 000 did not finish):
# written as `(\d+)[.,]\d+…`, a failed match was retried from every digit inside a run, each try
# running to the end of the run. `(?<!\d)` starts a try only where a run starts and the possessive
# `++`/`*+` never give digits or spaces back. Both change no match: a match never starts inside a
# run (from the run's start it would have matched already, and no match ends before a digit), and
# what follows each quantifier (`[.,]`, a letter) is never a digit or a space.
_FRACTIONAL_AGE: Final = re.compile(r"(?<!\d)(\d++)[.,]\d++\s*+(?=год|лет|жас|y)")
_MONTHS_OLD: Final = re.compile(r"(?<!\d)\d++\s*+(?:мес\w*|ай\w*)")
_YEARS_AND_MONTHS: Final = re.compile(
    r"(?<!\d)(\d++)\s*+(?:год\w*|лет|жас\w*|y\w*)[\s,]*+(?:и\s|жане\s|and\s)?\s*+\d++\s*+"
    r"(?:мес\w*|ай\w*|mo\w*)"
)
"""`2 года и 8 месяцев`, `5 жас 3 ай`: one child, of the whole years (never a second child)."""
_NOT_YET: Final = re.compile(r"(?<!\d)(\d{1,3}+)\s*+жас\w*\s*+толма\w*")
"""`1 жасқа толмаған` (not yet one): the whole years are one less."""
_DOT_FRACTION: Final = re.compile(r"(?<![\d.,])(\d{1,3}+)\.\d{1,2}+(?![\d.,])")
"""`1.5` (a year and a half): a decimal point is never a list separator, so it is one child."""


def parse_int(text: str) -> int | None:
    """A single whole number: `5`, `35 лет`, `35 жаста`, `бес`, `пять`. None if zero or several."""
    numbers = parse_int_list(text)
    if numbers is None or len(numbers) != 1:
        return None
    return numbers[0]


def parse_int_list(text: str) -> list[int] | None:
    """Several whole numbers, as in ages `5, 9 и 12`, `5 9 12`, `бес, тоғыз және он екі`.

    A baby under one (`до года`, `3 месяца`, `жасқа толмаған`) counts as 0. Returns None when no
    number is there or something else than numbers and filler words is left over.
    """
    w = fold(text)
    if not w or is_negative_number(w):
        return None
    w = _YEARS_AND_MONTHS.sub(r"\1 ", w)  # "2 года и 8 месяцев" → 2
    w = _NOT_YET.sub(lambda m: f" {max(int(m.group(1)) - 1, 0)} ", w)
    w = _HALF_YEAR.sub(" 0 ", w)  # "0,5" (half a year)
    w = _FRACTIONAL_AGE.sub(r"\1 ", w)  # "1,5 года" → 1
    w = _DOT_FRACTION.sub(r"\1 ", w)  # "1.5" → 1
    w = _MONTHS_OLD.sub(" 0 ", w)  # "3 месяца" → 0
    w = _BABY.sub(" 0 ", w)
    w = re.sub(r"(\d)\s*(?:-?\s*(?:ти|и|х|ми|ем|сы|си|ы|и|ге|ке|та|те|да|де)\b)", r"\1", w)
    found: list[int] = []
    rest = _INT_TOKEN.sub(lambda m: _take_number(m.group(0), found), w)
    rest = _PUNCT.sub(" ", rest).replace(",", " ").replace(".", " ").replace("-", " ")
    rest = _UNIT_WORDS.sub(" ", rest)
    leftover: list[str] = []
    tokens = rest.split()
    i = 0
    while i < len(tokens):
        pair = f"{tokens[i]} {tokens[i + 1]}" if i + 1 < len(tokens) else ""
        if pair in _NUMBER_WORDS:
            found.append(_NUMBER_WORDS[pair])
            i += 2
            continue
        if tokens[i] in _NUMBER_WORDS:
            found.append(_NUMBER_WORDS[tokens[i]])
        elif tokens[i] != "@":
            leftover.append(tokens[i])
        i += 1
    if not found or leftover:
        return None
    return found


def _take_number(token: str, found: list[int]) -> str:
    if len(token) > 4:
        return " toolong "
    found.append(int(token))
    return " @ "


# --- money ---------------------------------------------------------------------------------------

_MONTH_WORDS: Final = re.compile(
    r"(в месяц|в мес|за месяц|ежемесячно|каждый месяц|помесячно|per month|a month|monthly|"
    r"/ ?мес\w*|/ ?month|/ ?mo|айына|айлык|ай сайын|бир айда|айда|в среднем в месяц|мес\b)"
)
_QUARTER_WORDS: Final = re.compile(
    r"(за квартал|в квартал|квартал\w*|за (?:3|три) месяца|за все (?:3|три) месяца|"
    r"за три мес\w*|за 3 мес\w*|всего|итого|в сумме|вместе|барлыгы|жалпы|барлык|"
    r"токсанда|токсан\w*|(?:3|уш) айда|(?:3|уш) айга|(?:3|уш) айдын|in total|total|per quarter|"
    r"a quarter|quarter)"
)
_CURRENCY: Final = re.compile(r"(тенге|тнг|тг|kzt|tenge|tg|₸|тнг)\.?")
_ZERO_WORDS: Final = frozenset(
    {"нет", "ноль", "нол", "жок", "ничего", "no", "none", "zero", "нисколько", "не было"}
)
_AMOUNT: Final = re.compile(
    r"(?P<num>\d{1,3}(?:[ .]\d{3})+(?:,\d{1,2})?|\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:[.,]\d+)?)"
    r"\s*(?P<mult>млрд|миллиард\w*|млн|миллион\w*|million|mln|mio|m\b|тыс\w*|тыщ\w*|мын\w*|"
    r"thousand|k\b|к\b|т\b)?\.?"
)
_MULTIPLIERS: Final = {"млрд": 10**9, "миллиард": 10**9, "млн": 10**6, "миллион": 10**6}


@dataclass(frozen=True, slots=True)
class MoneyAnswer:
    """An amount in whole or fractional tenge, and the period it was given for, if said."""

    amount: Decimal
    period: Period | None = None
    months: int = 1
    """How many amounts were given and added (three monthly figures make a quarter)."""


def parse_money(text: str) -> MoneyAnswer | None:
    """`150 000`, `150000 тг`, `150 тыс`, `150 мың`, `150к`, `1,5 млн`, `50 000 в месяц`,
    `айына 50 мың`, `за квартал 450 тыс`, `жоқ` (0), or three monthly figures `50к, 60к, 55к`.
    """
    w = fold(text)
    if not w or is_negative_number(w):
        return None
    if words(w) in _ZERO_WORDS:
        return MoneyAnswer(Decimal(0))
    period: Period | None = None
    if _QUARTER_WORDS.search(w):
        period = "quarter"
        w = _QUARTER_WORDS.sub(" ", w)
    if _MONTH_WORDS.search(w):
        period = "month" if period is None else period
        w = _MONTH_WORDS.sub(" ", w)
    w = _CURRENCY.sub(" ", w)
    w = re.sub(r"(?<=\d) (?=\d{3}\b)", " ", w)
    amounts: list[Decimal] = []

    def take(match: re.Match[str]) -> str:
        value = _number(match.group("num"))
        if value is None:
            return " ? "
        if value > MAX_MONEY:  # too much whatever the unit, and a million digits would overflow
            amounts.append(MAX_MONEY + 1)
            return " "
        amounts.append(value * _multiplier(match.group("mult")))
        return " "

    rest = _AMOUNT.sub(take, w)
    rest = re.sub(r"[\s,;.+/&-]|\bи\b|\bжане\b|\bмен\b|\band\b|\bоколо\b|\bпримерно\b", " ", rest)
    rest = re.sub(r"\b(шамамен|где-то|где то|около|примерно|about|approx)\b", " ", rest)
    if rest.strip() or not amounts:
        return None
    if len(amounts) > 3:
        return None
    total = sum(amounts, Decimal(0))
    if total < 0 or total > MAX_MONEY:
        return None
    if len(amounts) == 3 and period is None:
        return MoneyAnswer(total, "quarter", months=3)
    if len(amounts) != 1:
        return None
    return MoneyAnswer(total, period)


def _number(token: str) -> Decimal | None:
    token = token.strip()
    if re.fullmatch(r"\d{1,3}(?:[ .]\d{3})+(?:,\d{1,2})?", token):
        token = token.replace(" ", "").replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?", token):
        token = token.replace(",", "")
    else:
        token = token.replace(",", ".")
    try:
        return Decimal(token)
    except InvalidOperation:
        return None


def _multiplier(word: str | None) -> int:
    if not word:
        return 1
    for prefix, factor in _MULTIPLIERS.items():
        if word.startswith(prefix):
            return factor
    if word in {"million", "mln", "mio", "m"}:
        return 10**6
    return 1000


# --- choices -------------------------------------------------------------------------------------


def match_choice(text: str, candidates: Mapping[str, tuple[str, ...]]) -> str | None:
    """The value whose words best match the text, or None when nothing or several match.

    `candidates` maps a value to its spellings, already passed through `words`. A spelling
    matches exactly (best), as whole words inside the text, or as the start of a word of at least
    four letters (`карагандинская` ← `караганд`). Longer spellings win ties between values.
    """
    w = words(text)
    if not w:
        return None
    best: tuple[int, int] = (0, 0)
    chosen: set[str] = set()
    padded = f" {w} "
    for value, spellings in candidates.items():
        for spelling in spellings:
            if not spelling:
                continue
            if w == spelling:
                score = (3, len(spelling))
            elif f" {spelling} " in padded:
                score = (2, len(spelling))
            elif len(spelling) >= 4 and f" {spelling}" in padded:
                score = (1, len(spelling))
            else:
                continue
            if score > best:
                best, chosen = score, {value}
            elif score == best:
                chosen.add(value)
    if len(chosen) == 1:
        return next(iter(chosen))
    return None


def parse_choice_numbers(text: str, count: int) -> list[int] | None:
    """Option numbers typed as `2` or `1, 3`: 0-based indexes, or None if not that."""
    w = fold(text)
    if not re.fullmatch(r"[\d\s,;.и]+|[\d\s,;.]*(?:жане|and)[\d\s,;.]*", w):
        return None
    numbers = [_option_number(n, count) for n in re.findall(r"\d+", w)]
    chosen = [n for n in numbers if n is not None and 1 <= n <= count]
    if not numbers or len(chosen) != len(numbers):
        return None
    return [n - 1 for n in dict.fromkeys(chosen)]


def _option_number(token: str, count: int) -> int | None:
    """`int(token)`, or None when it has a nonzero digit left of the digits `count` has.

    `int` of a long digit run is slow (quadratic) and raises ValueError past 4300 digits, and
    such a number is never an option anyway; leading zeros (`01`, in any script) still count.
    """
    width = len(str(count))
    if any(map(unicodedata.decimal, token[:-width])):
        return None
    return int(token[-width:])
