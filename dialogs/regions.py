"""The 20 regions (17 oblasts and 3 cities of republican significance) as answer choices.

Values are ISO 3166-2:KZ codes (eligibility.household.Region). Besides the labels, people type
the region's main towns (`Семей`, `Тараз`, `Өскемен`) or abbreviations (`ВКО`); the spellings
below are already folded (Kazakh letters → Russian, lower case) and match word beginnings.
"""

from __future__ import annotations

from typing import Final

from common.text import Message, msg

CITIES: Final = frozenset({"KZ-71", "KZ-75", "KZ-79"})
"""Cities of republican significance: always urban, no village question."""

REGIONS: Final[tuple[tuple[str, Message, tuple[str, ...]], ...]] = (
    ("KZ-71", msg("Astana"), ("астан", "astana", "нур султан", "нурсултан", "акмола город")),
    ("KZ-75", msg("Almaty (city)"), ("алматы", "алма ата", "almaty", "город алматы")),
    ("KZ-79", msg("Shymkent"), ("шымкент", "чимкент", "shymkent")),
    ("KZ-10", msg("Abai region"), ("абай", "абайск", "семей", "семипалат", "abai", "аягоз")),
    ("KZ-11", msg("Akmola region"), ("акмолинск", "акмола обл", "кокшетау", "akmola", "степногор")),
    ("KZ-15", msg("Aktobe region"), ("актобе", "актюб", "aktobe", "актоб")),
    (
        "KZ-19",
        msg("Almaty region"),
        ("алматинск", "алматы обл", "алм обл", "конаев", "капшагай", "каскелен", "талгар", "есик"),
    ),
    ("KZ-23", msg("Atyrau region"), ("атырау", "atyrau", "кульсары")),
    ("KZ-27", msg("West Kazakhstan region"), ("западно", "зко", "батыс", "уральск", "орал")),
    ("KZ-31", msg("Zhambyl region"), ("жамбыл", "тараз", "zhambyl", "taraz", "шу")),
    ("KZ-33", msg("Zhetysu region"), ("жетысу", "талдыкорган", "zhetysu", "текели", "жаркент")),
    ("KZ-35", msg("Karaganda region"), ("караганд", "karaganda", "темиртау", "балхаш")),
    ("KZ-39", msg("Kostanay region"), ("костана", "kostanay", "рудный", "лисаковск")),
    ("KZ-43", msg("Kyzylorda region"), ("кызылорд", "kyzylorda", "байконур", "аральск")),
    ("KZ-47", msg("Mangystau region"), ("мангист", "мангыст", "актау", "aktau", "жанаозен")),
    ("KZ-55", msg("Pavlodar region"), ("павлодар", "pavlodar", "экибастуз", "аксу")),
    ("KZ-59", msg("North Kazakhstan region"), ("северо", "ско", "солтустик", "петропав")),
    ("KZ-61", msg("Turkistan region"), ("туркестан", "туркистан", "turkistan", "кентау")),
    ("KZ-62", msg("Ulytau region"), ("улытау", "ulytau", "жезказган", "сатпаев")),
    ("KZ-63", msg("East Kazakhstan region"), ("восточно", "вко", "шыгыс", "усть камен", "оскемен")),
)
REGION_LABELS: Final = {code: label for code, label, _ in REGIONS}
