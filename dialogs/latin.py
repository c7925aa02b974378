"""Latin spellings of a Cyrillic place name, the ways people type them without a Cyrillic keyboard.

Kazakh in Latin letters has no one habit: the 2021 alphabet (`Qaragandy`, `Oral`, `Jezqazğan`),
Russian-style passport transliteration (`Karaganda`, `Uralsk`, `Zhezkazgan`) and mixtures of both
(`Qostanai`, `Taldyqorgan`, `Aqtau`). Each letter with several habits has its alternatives below;
a name's spellings are every combination, folded like typed text (lower case, no hyphens).
"""

from __future__ import annotations

import itertools
from typing import Final

LATIN: Final[dict[str, tuple[str, ...]]] = {
    "а": ("a",),
    "ә": ("a", "ae", "ä"),
    "б": ("b",),
    "в": ("v",),
    "г": ("g",),
    "ғ": ("g", "gh", "ğ"),
    "д": ("d",),
    "е": ("e",),
    "ё": ("e", "yo"),
    "ж": ("zh", "j"),
    "з": ("z",),
    "и": ("i",),
    "й": ("i", "y"),
    "і": ("i",),
    "к": ("k",),
    "қ": ("q", "k"),
    "л": ("l",),
    "м": ("m",),
    "н": ("n",),
    "ң": ("n", "ng", "ñ"),
    "о": ("o",),
    "ө": ("o", "ö"),
    "п": ("p",),
    "р": ("r",),
    "с": ("s",),
    "т": ("t",),
    "у": ("u",),
    "ұ": ("u", "ū"),
    "ү": ("u", "ü"),
    "ф": ("f",),
    "х": ("kh", "h"),
    "һ": ("h",),
    "ц": ("ts", "c"),
    "ч": ("ch",),
    "ш": ("sh", "ş"),
    "щ": ("sh", "shch"),
    "ъ": ("",),
    "ы": ("y", "i"),
    "ь": ("",),
    "э": ("e",),
    "ю": ("yu", "iu"),
    "я": ("ya", "ia"),
    "-": (" ",),
    " ": (" ",),
}
"""Each Cyrillic letter's Latin forms; a letter missing here is kept as it is."""

MAX_SPELLINGS: Final = 64
"""A bound on one name's combinations (long names with many ambiguous letters)."""


def latin_spellings(name: str) -> tuple[str, ...]:
    """The Latin spellings of a Cyrillic name (lower case), most usual first: `Қарағанды` →
    `qaragandy`, `karagandy`, `qaraghandy`, …"""
    options = [LATIN.get(letter, (letter,)) for letter in name.lower()]
    found: dict[str, None] = {}
    for letters in itertools.islice(itertools.product(*options), MAX_SPELLINGS):
        found.setdefault(" ".join("".join(letters).split()), None)
    return tuple(found)
