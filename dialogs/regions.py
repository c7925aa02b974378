"""The 20 regions (17 oblasts and 3 cities of republican significance) as answer choices, and the
names people type for them: the region's own names, abbreviations and towns, in Kazakh, Russian
and Latin letters.

Values are ISO 3166-2:KZ codes (eligibility.household.Region). A typed answer is compared after
`dialogs.parse.words` (lower case, Kazakh letters folded to their Russian look-alikes, ё → е), so
`Екібастұз`, `Екибастуз` and `ЕКИБАСТУЗ` are one spelling; Latin spellings (`Qaragandy`,
`Oral`, `Taldyqorgan`) are made from the Cyrillic names by `dialogs.latin`. Spellings match whole
words, or word beginnings of four letters or more (`карагандинская` ← `караганд`). The labels
themselves (`Абай облысы`, `Абайская область`) match in both languages anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from common.text import Message, msg
from dialogs.latin import latin_spellings


@dataclass(frozen=True, slots=True)
class Area:
    """A region, its label, and what people type for it."""

    code: str
    label: Message
    names: tuple[str, ...]
    """The region's own names, old names and abbreviations, as written (Kazakh and Russian)."""
    towns: tuple[str, ...] = ()
    """Its towns (not only the regional centre), as written in Kazakh and in Russian."""
    stems: tuple[str, ...] = ()
    """Word beginnings that name it (`караганд` for `Карагандинская`, `Карагандинской`)."""

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every typed form: the names, towns and stems, and the Latin forms of the names and
        towns (in any case and letters: the matcher folds them)."""
        written = (*self.names, *self.towns)
        latin = (spelling for name in written for spelling in latin_spellings(name))
        return tuple(dict.fromkeys((*written, *self.stems, *latin)))


AREAS: Final[tuple[Area, ...]] = (
    Area(
        "KZ-71",
        msg("Astana"),
        ("Астана", "Нур-Султан", "Нұр-Сұлтан", "Целиноград"),
        stems=("астан",),
    ),
    Area(
        "KZ-75",
        msg("Almaty (city)"),
        ("Алматы", "Алмата", "Алма-Ата", "город Алматы", "Алматы қаласы"),
    ),
    Area("KZ-79", msg("Shymkent"), ("Шымкент", "Чимкент", "Шымкент қаласы")),
    Area(
        "KZ-10",
        msg("Abai region"),
        ("Абай", "Абай облысы", "Абайская область"),
        towns=("Семей", "Семипалатинск", "Аягөз", "Аягоз", "Курчатов", "Шар"),
        stems=("абайск", "семипалат"),
    ),
    Area(
        "KZ-11",
        msg("Akmola region"),
        ("Ақмола", "Акмола", "Ақмола облысы", "Акмолинская область"),
        towns=(
            "Көкшетау",
            "Кокшетау",
            "Степногорск",
            "Щучинск",
            "Атбасар",
            "Ақкөл",
            "Акколь",
            "Ерейментау",
            "Макинск",
            "Степняк",
            "Державинск",
            "Қосшы",
            "Косшы",
            "Бурабай",
            "Боровое",
        ),
        stems=("акмолинск", "акмола обл", "степногор"),
    ),
    Area(
        "KZ-15",
        msg("Aktobe region"),
        ("Ақтөбе", "Актобе", "Актюбинск", "Ақтөбе облысы", "Актюбинская область"),
        towns=(
            "Хромтау",
            "Қандыағаш",
            "Кандыагаш",
            "Шалқар",
            "Шалкар",
            "Алға",
            "Алга",
            "Ембі",
            "Эмба",
            "Темір",
            "Темир",
            "Жем",
        ),
        stems=("актюб", "актоб"),
    ),
    Area(
        "KZ-19",
        msg("Almaty region"),
        ("Алматы облысы", "Алматинская область"),
        towns=(
            "Қонаев",
            "Конаев",
            "Қапшағай",
            "Капшагай",
            "Қаскелең",
            "Каскелен",
            "Талғар",
            "Талгар",
            "Есік",
            "Есик",
            "Ұзынағаш",
            "Узынагаш",
            "Шелек",
            "Шонжы",
            "Чунджа",
            "Бақанас",
            "Баканас",
        ),
        stems=("алматинск", "алматы обл", "алм обл"),
    ),
    Area(
        "KZ-23",
        msg("Atyrau region"),
        ("Атырау", "Гурьев", "Атырау облысы", "Атырауская область"),
        towns=("Құлсары", "Кульсары", "Мақат", "Макат", "Доссор"),
    ),
    Area(
        "KZ-27",
        msg("West Kazakhstan region"),
        ("ЗКО", "БҚО", "Батыс Қазақстан облысы", "Западно-Казахстанская область"),
        towns=("Орал", "Уральск", "Ақсай", "Аксай"),
        stems=("западно", "батыс"),
    ),
    Area(
        "KZ-31",
        msg("Zhambyl region"),
        ("Жамбыл", "Джамбул", "Жамбыл облысы", "Жамбылская область"),
        towns=(
            "Тараз",
            "Қаратау",
            "Каратау",
            "Жаңатас",
            "Жанатас",
            "Шу",
            "Мерке",
            "Қордай",
            "Кордай",
        ),
    ),
    Area(
        "KZ-33",
        msg("Zhetysu region"),
        ("Жетісу", "Жетысу", "Жетісу облысы", "Жетысуская область"),
        towns=(
            "Талдықорған",
            "Талдыкорган",
            "Текелі",
            "Текели",
            "Жаркент",
            "Үшарал",
            "Ушарал",
            "Үштөбе",
            "Уштобе",
            "Сарқан",
            "Сарканд",
        ),
    ),
    Area(
        "KZ-35",
        msg("Karaganda region"),
        ("Қарағанды", "Караганда", "Қарағанды облысы", "Карагандинская область"),
        towns=(
            "Теміртау",
            "Темиртау",
            "Балқаш",
            "Балхаш",
            "Саран",
            "Сарань",
            "Шахтинск",
            "Приозерск",
            "Қарқаралы",
            "Каркаралинск",
        ),
        stems=("караганд",),
    ),
    Area(
        "KZ-39",
        msg("Kostanay region"),
        ("Қостанай", "Костанай", "Кустанай", "Қостанай облысы", "Костанайская область"),
        towns=(
            "Рудный",
            "Лисаковск",
            "Арқалық",
            "Аркалык",
            "Жітіқара",
            "Житикара",
            "Тобыл",
            "Затобольск",
        ),
        stems=("костана",),
    ),
    Area(
        "KZ-43",
        msg("Kyzylorda region"),
        ("Қызылорда", "Кызылорда", "Қызылорда облысы", "Кызылординская область"),
        towns=(
            "Байқоңыр",
            "Байконыр",
            "Байконур",
            "Арал",
            "Аральск",
            "Қазалы",
            "Казалинск",
            "Жосалы",
            "Шиелі",
            "Шиели",
        ),
        stems=("кызылорд",),
    ),
    Area(
        "KZ-47",
        msg("Mangystau region"),
        ("Маңғыстау", "Мангистау", "Мангыстау", "Маңғыстау облысы", "Мангистауская область"),
        towns=("Ақтау", "Актау", "Жаңаөзен", "Жанаозен", "Форт-Шевченко", "Бейнеу"),
        stems=("мангист", "мангыст"),
    ),
    Area(
        "KZ-55",
        msg("Pavlodar region"),
        ("Павлодар", "Павлодар облысы", "Павлодарская область"),
        towns=("Екібастұз", "Экибастуз", "Екибастуз", "Ақсу", "Аксу"),
    ),
    Area(
        "KZ-59",
        msg("North Kazakhstan region"),
        ("СКО", "СҚО", "Солтүстік Қазақстан облысы", "Северо-Казахстанская область"),
        towns=(
            "Петропавл",
            "Петропавловск",
            "Булаев",
            "Булаево",
            "Мамлют",
            "Мамлютка",
            "Тайынша",
            "Сергеевка",
        ),
        stems=("северо", "солтустик", "петропав"),
    ),
    Area(
        "KZ-61",
        msg("Turkistan region"),
        ("Түркістан", "Туркестан", "ЮКО", "ОҚО", "Түркістан облысы", "Туркестанская область"),
        towns=(
            "Кентау",
            "Арыс",
            "Арысь",
            "Сарыағаш",
            "Сарыагаш",
            "Жетісай",
            "Жетысай",
            "Шардара",
            "Ленгір",
            "Ленгер",
        ),
        stems=("туркестан", "туркистан", "южно"),
    ),
    Area(
        "KZ-62",
        msg("Ulytau region"),
        ("Ұлытау", "Улытау", "Ұлытау облысы", "Улытауская область"),
        towns=("Жезқазған", "Жезказган", "Сәтбаев", "Сатпаев", "Сатбаев", "Қаражал", "Каражал"),
    ),
    Area(
        "KZ-63",
        msg("East Kazakhstan region"),
        ("ВКО", "ШҚО", "Шығыс Қазақстан облысы", "Восточно-Казахстанская область"),
        towns=(
            "Өскемен",
            "Усть-Каменогорск",
            "Риддер",
            "Лениногорск",
            "Алтай",
            "Зыряновск",
            "Серебрянск",
            "Шемонаиха",
            "Зайсан",
            "Глубокое",
        ),
        stems=("восточно", "шыгыс", "усть камен"),
    ),
)
"""A name two regions could claim is given to one: `Абай` (also a town of Karaganda region) is the
Abai region. The summary shows the region, for the user to check."""

CITIES: Final = frozenset({"KZ-71", "KZ-75", "KZ-79"})
"""Cities of republican significance: always urban, no village question."""

REGIONS: Final[tuple[tuple[str, Message, tuple[str, ...]], ...]] = tuple(
    (area.code, area.label, area.spellings) for area in AREAS
)
"""(code, label, typed spellings) in ISO order: the answer choices."""
REGION_LABELS: Final = {code: label for code, label, _ in REGIONS}
