"""Every word list the intake matches typed text against, in one place.

Words are compared after `dialogs.parse.words` (lower case, Kazakh letters folded to Russian ones,
punctuation removed), so they are written folded here: `жок`, not `жоқ`. Choice labels need no
entry: they are matched in both languages anyway (see `kinds.Choice`).
"""

from __future__ import annotations

from typing import Final

from common.i18n import Language

# --- commands typed as words, understood at every question ----------------------------------

BACK_WORDS: Final = frozenset({"назад", "артка", "кейин", "back", "шаг назад", "вернуться"})
RESTART_WORDS: Final = frozenset(
    {"заново", "сначала", "начать заново", "басынан", "кайта бастау", "restart", "start over"}
)
HELP_WORDS: Final = frozenset(
    {"помощь", "help", "комек керек", "аныктама", "справка", "что делать"}
)
SUMMARY_WORDS: Final = frozenset({"итог", "сводка", "summary", "корытынды"})
LANGUAGE_WORDS: Final[dict[str, Language]] = {
    "казакша": "kk",
    "на казахском": "kk",
    "казахский": "kk",
    "kazakh": "kk",
    "русский": "ru",
    "на русском": "ru",
    "орысша": "ru",
    "по русски": "ru",
    "russian": "ru",
}
"""Switch the conversation's language (except at the language question, where they answer it)."""

# --- answers ------------------------------------------------------------------------------------

YES_WORDS: Final = ("да", "иа", "ия", "yes", "ok", "ок", "келисемин", "согласен", "согласна")
NO_WORDS: Final = ("нет", "жок", "no", "не согласен", "келиспеймин")
"""Spellings of the `yes`/`no` choices (besides `dialogs.parse.parse_yes_no`'s own list)."""

DONE_WORDS: Final = frozenset(
    {"готово", "дайын", "done", "все", "всё", "болды", "ok", "ок", "далее"}
)
"""Several choices: finished ticking."""
NOTHING_WORDS: Final = frozenset(
    {"нет", "жок", "ничего", "никаких", "none", "no", "нет доходов", "табыс жок"}
)
"""Several choices: none of them applies."""
NO_CHILDREN_WORDS: Final = frozenset(
    {"нет", "жок", "no", "none", "нету", "нет детей", "жок балалар жок"}
)
"""A list of ages: there is nobody to list."""
PER_MONTH_WORDS: Final = frozenset({"в месяц", "айына", "per month", "помесячно"})
IN_TOTAL_WORDS: Final = frozenset({"за квартал", "за 3 месяца", "всего", "барлыгы"})
"""Money: said alone, they switch between monthly amounts and the quarter's total."""

# --- the screens' options -------------------------------------------------------------------

CONFIRM_WORDS: Final = ("да", "иа", "верно", "дурыс", "все верно", "подтверждаю", "yes", "ok")
BOOK_WORDS: Final = ("записаться", "запись", "жазылу", "book")
START_OVER_WORDS: Final = ("заново", "басынан", "restart")
CHANGE_WORDS: Final = ("изменить", "озгерту", "change")
