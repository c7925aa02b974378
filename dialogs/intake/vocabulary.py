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
SUMMARY_EDIT_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "e_place": ("изменить регион", "регион", "облыс", "облысты озгерту", "region"),
    "e_family": ("изменить семью", "состав семьи", "семья", "отбасы", "отбасы курамы", "family"),
    "e_income": (
        "изменить доход",
        "изменить доходы",
        "доход",
        "доходы",
        "табыс",
        "табысты озгерту",
        "income",
    ),
    "e_loans": ("изменить кредиты", "кредит", "кредиты", "несие", "loans"),
    "e_sanct": ("6 месяцев", "за 6 месяцев", "6 ай", "сонгы 6 ай"),
}
"""The summary's "change" options as typed (`изменить доходы`), besides "All correct"."""

# --- the family --------------------------------------------------------------------------------

PEOPLE_WORDS: Final = ("я один", "я одна", "одна", "один", "только я", "тек озим", "озим гана")
"""“Just me” (one person): besides the button's label."""
RELATION_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "wife": ("жена", "супруга", "моя жена", "айелим", "айели", "зайыбым", "жубайым"),
    "husband": ("муж", "супруг", "мой муж", "куйеу", "куйеуим", "куйеуи", "жолдасым"),
    "son": ("сын", "сынок", "мой сын", "ул", "улым", "улы"),
    "daughter": ("дочь", "дочка", "моя дочь", "кыз", "кызым", "кызы"),
    "mother": ("мама", "мать", "моя мама", "ана", "анам", "шеше", "шешем"),
    "father": ("папа", "отец", "мой отец", "аке", "акем"),
    "sister": ("сестра", "сестренка", "апке", "апкем", "синлим", "карындас", "карындасым"),
    "brother": ("брат", "братишка", "ага", "агам", "ини", "иним"),
    "grandmother": ("бабушка", "аже", "ажем", "апам"),
    "grandfather": ("дедушка", "дед", "ата", "атам"),
    "grandson": ("внук", "немере ул", "немерем ул", "grandson"),
    "granddaughter": ("внучка", "немере кыз", "немерем кыз", "granddaughter"),
    "other_woman": ("другая", "женщина", "баска айел"),
    "other_man": ("другой", "мужчина", "баска ер адам"),
}
"""Who a person is to the applicant, as typed (the labels carry "(18+)", which nobody types)."""
SEX_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "male": ("мужчина", "муж", "мужской", "м", "ер", "ер адам", "еркек", "male", "m", "man"),
    "female": ("женщина", "жен", "женский", "ж", "айел", "айел адам", "female", "f", "woman"),
}
STATUS_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "works": (
        "работаю",
        "работает",
        "работа",
        "жумыс истеймин",
        "жумыс истейди",
        "жумыстамын",
        "жумыста",
        "ип",
        "самозанятый",
        "самозанятая",
        "самозанятость",
        "кэсипкер",
        "озин озин жумыспен камтыган",
    ),
    "unemployed": (
        "безработный",
        "безработная",
        "не работаю",
        "не работает",
        "без работы",
        "домохозяйка",
        "домохозяин",
        "жумыссыз",
        "жумыссызбын",
        "жумыс истемеймин",
        "жумыс истемейди",
        "уй шаруасында",
    ),
    "works_caring": ("работаю и ухаживаю", "работа и уход", "жумыс истеймин жане кутемин"),
    "student": ("студент", "студентка", "учусь", "учится", "оку", "окимын", "оки", "окушы"),
    "pensioner": ("пенсионер", "пенсионерка", "на пенсии", "пенсия", "зейнеткер", "зейнеткермин"),
    "disability": ("инвалид", "инвалидность", "мугедек", "мугедекпин", "мугедектик"),
    "caring": ("уход", "ухаживаю", "декрет", "в декрете", "кутемин", "бала кутими", "кутим"),
    "military": ("армия", "в армии", "срочная", "аскер", "аскерде", "армияда"),
    "ill": ("болею", "болеет", "болезнь", "ауру", "ауырамын", "ауырады", "наукаспын", "наукас"),
}
"""Occupations as typed, in either language (`жұмыссызбын`, `ИП`, `самозанятая`)."""
NOTHING_ELSE_WORDS: Final = ("ничего", "нет", "ничего больше", "баска жок", "жок", "none")
"""Nothing besides the disability."""
VILLAGE_OR_TOWN_WORDS: Final = (
    "поселок",
    "пгт",
    "поселок городского типа",
    "райцентр",
    "районный центр",
    "аудан орталыгы",
    "кент",
    "станция",
)
"""Neither plainly a town nor a village: asked again with what decides it (who governs it)."""

# --- loans ---------------------------------------------------------------------------------------

SOME_LOAN_WORDS: Final = (
    "да",
    "есть",
    "кредит",
    "кредиты",
    "иа",
    "бар",
    "несие",
    "несие бар",
    "yes",
)
"""“There is a loan”, but not when it was received: the two "yes" options are explained."""
MORTGAGE_WORDS: Final = ("ипотека", "только ипотека", "ипотека бар", "ипотека есть", "mortgage")
"""A mortgage is not asked about: the answer for it is "no loans"."""
