"""The Kazakh and Russian review (l10n-2026-11), kept: what a native speaker reads on screen.

- the catalogs: the programme is «АӘК» in Kazakh, Russian text has no Kazakh letters and no
  bracketed gender forms («Согласен(на)», «один (одна)»);
- the region names as the state writes them, in both languages;
- dates in each language's order (Kazakh: year first, with «жылғы»; weekdays in full);
- every button fits a phone: 30 characters at most, in both languages;
- a region typed by name, abbreviation or town, in Cyrillic or Latin letters, is understood.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from booking.places.directory_file import load_directory
from booking.places.model import Place
from common.i18n import (
    LANGUAGES,
    LOCALES_DIR,
    Language,
    format_date,
    format_local_datetime,
    format_month_range,
)
from dialogs.booking import screens
from dialogs.booking.draft import Draft
from dialogs.intake.kinds import DONE, Answer
from dialogs.intake.questions.family import RELATIONS
from dialogs.intake.screens.declined import declined
from dialogs.intake.shipped import INTAKE
from dialogs.latin import latin_spellings
from dialogs.parse import match_choice
from dialogs.regions import AREAS, REGION_LABELS, REGIONS
from dialogs.reply import CHECKMARK, Option, Reply
from dialogs.session import Person, Session
from tests.booking.fake_booking_port import FakeAppointment

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIRECTORY = ROOT / "booking" / "data" / "places.sample.yaml"
MAX_BUTTON = 30
"""Characters a button shows whole on a phone (Telegram cuts longer labels)."""


def _translations(lang: Language) -> Iterator[tuple[str, str]]:
    """(msgid, each translated form) of every catalog of the language."""
    for po in sorted((LOCALES_DIR / lang / "LC_MESSAGES").glob("*.po")):
        catalog = read_po(io.BytesIO(po.read_bytes()), locale=lang, domain=po.stem)
        for entry in catalog:
            if not entry.id:
                continue
            key = entry.id if isinstance(entry.id, str) else entry.id[0]
            raw = entry.string
            forms = [raw] if isinstance(raw, str) else list(raw or ())
            for form in forms:
                yield key, form


# --- the catalogs ---------------------------------------------------------------------------


def test_the_kazakh_abbreviation_of_the_programme_is_aek() -> None:
    wrong = [key for key, text in _translations("kk") if "ӘАК" in text]
    assert not wrong, wrong
    assert any("(АӘК)" in text for _, text in _translations("kk"))


def test_russian_text_has_no_kazakh_letters() -> None:
    kazakh = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
    wrong = [(key, text) for key, text in _translations("ru") if kazakh.search(text)]
    assert not wrong, wrong


def test_russian_text_has_no_bracketed_gender_forms() -> None:
    bracketed = re.compile(r"\w\((а|на|ла|-ла|ы|ая|одна)\)|один \(одна\)")
    wrong = [(key, text) for key, text in _translations("ru") if bracketed.search(text)]
    assert not wrong, wrong


# --- region names -----------------------------------------------------------------------------

OFFICIAL_NAMES = {
    "KZ-71": ("Астана қаласы", "город Астана"),
    "KZ-75": ("Алматы қаласы", "город Алматы"),
    "KZ-79": ("Шымкент қаласы", "город Шымкент"),
    "KZ-10": ("Абай облысы", "Абайская область"),
    "KZ-11": ("Ақмола облысы", "Акмолинская область"),
    "KZ-15": ("Ақтөбе облысы", "Актюбинская область"),
    "KZ-19": ("Алматы облысы", "Алматинская область"),
    "KZ-23": ("Атырау облысы", "Атырауская область"),
    "KZ-27": ("Батыс Қазақстан облысы", "Западно-Казахстанская область"),
    "KZ-31": ("Жамбыл облысы", "Жамбылская область"),
    "KZ-33": ("Жетісу облысы", "Жетысуская область"),
    "KZ-35": ("Қарағанды облысы", "Карагандинская область"),
    "KZ-39": ("Қостанай облысы", "Костанайская область"),
    "KZ-43": ("Қызылорда облысы", "Кызылординская область"),
    "KZ-47": ("Маңғыстау облысы", "Мангистауская область"),
    "KZ-55": ("Павлодар облысы", "Павлодарская область"),
    "KZ-59": ("Солтүстік Қазақстан облысы", "Северо-Казахстанская область"),
    "KZ-61": ("Түркістан облысы", "Туркестанская область"),
    "KZ-62": ("Ұлытау облысы", "Улытауская область"),
    "KZ-63": ("Шығыс Қазақстан облысы", "Восточно-Казахстанская область"),
}


@pytest.mark.parametrize("code", sorted(OFFICIAL_NAMES))
def test_regions_have_their_official_names(code: str) -> None:
    kk, ru = OFFICIAL_NAMES[code]
    assert REGION_LABELS[code].render("kk") == kk
    assert REGION_LABELS[code].render("ru") == ru


def test_every_region_is_named() -> None:
    assert set(REGION_LABELS) == set(OFFICIAL_NAMES)


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "kk", "ru"),
    [
        (date(2026, 7, 1), date(2026, 9, 30), "2026 жылғы шілде–қыркүйек", "июль–сентябрь 2026"),
        (
            date(2025, 10, 1),
            date(2025, 12, 31),
            "2025 жылғы қазан–желтоқсан",
            "октябрь–декабрь 2025",
        ),
        (
            date(2025, 12, 1),
            date(2026, 2, 28),
            "2025 жылғы желтоқсан – 2026 жылғы ақпан",
            "декабрь 2025 – февраль 2026",
        ),
        (date(2026, 3, 1), date(2026, 3, 31), "2026 жылғы наурыз", "март 2026"),
    ],
)
def test_month_ranges_in_each_languages_order(start: date, end: date, kk: str, ru: str) -> None:
    assert format_month_range(start, end, "kk") == kk
    assert format_month_range(start, end, "ru") == ru


@pytest.mark.parametrize(
    ("fmt", "kk", "ru"),
    [
        ("long", "2026 жылғы 1 желтоқсан", "1 декабря 2026 г."),
        ("weekday", "1 желтоқсан, сейсенбі", "вторник, 1 декабря"),
    ],
)
def test_dates_in_each_languages_order(fmt: str, kk: str, ru: str) -> None:
    assert format_date(date(2026, 12, 1), "kk", fmt=fmt) == kk
    assert format_date(date(2026, 12, 1), "ru", fmt=fmt) == ru


def test_an_appointment_is_dated_year_first_in_kazakh() -> None:
    moment = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # 11:00 in Kazakhstan
    kk = format_local_datetime(moment, "kk", fmt="appointment")
    ru = format_local_datetime(moment, "ru", fmt="appointment")
    assert kk == "2026 жылғы 1 желтоқсан, сейсенбі, 11:00"
    assert ru == "вторник, 1 декабря 2026, 11:00"


def test_a_cldr_pattern_still_works() -> None:
    assert format_date(date(2026, 12, 1), "ru", fmt="d MMMM") == "1 декабря"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_day_buttons_name_the_weekday_in_full(lang: Language) -> None:
    week = [date(2026, 11, 30) + timedelta(days=n) for n in range(7)]
    (reply,) = screens.ask_day(_sample_place(), week, 14)
    days = [o.label.render(lang) for o in reply.options if o.value.startswith("day:")]
    assert len(days) == 7
    abbreviations = {"дс", "сс", "ср", "бс", "жм", "сб", "жс", "пн", "вт", "чт", "пт", "вс"}
    assert not [d for d in days if set(re.findall(r"\w+", d)) & abbreviations], days
    expected = {"kk": "1 желтоқсан, сейсенбі", "ru": "вторник, 1 декабря"}
    assert days[1] == expected[lang]


# --- buttons fit a phone ----------------------------------------------------------------------


def _sample_place() -> Place:
    return load_directory(SAMPLE_DIRECTORY).places[0]


def _sessions() -> list[Session]:
    """Sessions that show every option of every question and screen: both money modes, a
    relative of every kind (their names are on the summary's buttons)."""
    relatives = [Person(relation=value, age=40) for value, _r, _s, _label in RELATIONS]
    rich = Session(
        adults=[Person(relation="applicant", age=40), *relatives],
        region="KZ-63",
        people=1 + len(relatives),
        child_ages=[],
    )
    return [Session(), Session(money_mode="month"), Session(money_mode="quarter"), rich]


def _intake_options() -> Iterator[tuple[str, Option]]:
    """Every option the intake shows; a tickable one as ticked (with its checkmark)."""
    for s in _sessions():
        for q in INTAKE.questions:
            for option in q.kind.options(s, None):
                ticked = q.kind.multi and option.value != DONE
                yield q.id, Option(option.value, option.label, chosen=ticked)
        for section in INTAKE.sections:
            if section.edit is not None:
                yield f"edit {section.id}", section.edit
        for repeat in INTAKE.edits():
            assert repeat.edit_label is not None
            for i in range(len(s.adults)):
                yield f"edit {repeat.name} {i}", Option("edit", repeat.edit_label(s, i))
        for screen in INTAKE.screens.values():
            for option in screen.options(INTAKE, s):
                yield screen.id, option
    for reply in declined("consent"):
        for option in reply.options:
            yield "declined", option


def _booking_replies() -> Iterator[Reply]:
    places = list(load_directory(SAMPLE_DIRECTORY).places)
    place = places[0]
    official = [p.model_copy(update={"is_sample": False}) for p in places]
    starts = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
    appointment = FakeAppointment(7, place.id, starts, "+77011234567")
    year = [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]
    yield from screens.ask_region()
    yield from screens.ask_place(official)
    for index in range(0, len(official), 3):
        yield from screens.ask_nearest([(p, 3.0) for p in official[index : index + 3]])
    yield from screens.ask_day(place, year, 14)
    yield from screens.ask_day(place, [], 14)
    yield from screens.ask_time(year[0], [starts, starts + timedelta(minutes=20)])
    draft = Draft(step="confirm", place_id=place.id, starts_at=starts, phone="+77011234567")
    yield from screens.ask_confirm(draft, place)
    yield from screens.card(appointment, place, screens.your_appointment_title())
    yield screens.ask_cancel(appointment)
    yield screens.reminder(7, starts, 120, place)
    for consented in (True, False):
        yield from screens.ask_phone(consented)


def _labels() -> Iterator[tuple[str, Language, str]]:
    options = [
        *_intake_options(),
        *((f"booking {o.value}", o) for r in _booking_replies() for o in r.options),
    ]
    for where, option in options:
        for lang in LANGUAGES:
            yield where, lang, (CHECKMARK if option.chosen else "") + option.label.render(lang)


def test_no_button_is_longer_than_a_phone_shows() -> None:
    labels = list(_labels())
    assert len(labels) > 300  # every question, screen and booking step was reached
    long = sorted(
        {(lang, len(text), text, where) for where, lang, text in labels if len(text) > MAX_BUTTON}
    )
    assert not long, "\n".join(f"{lang} {n}: {text!r} ({where})" for lang, n, text, where in long)


# --- a typed region ---------------------------------------------------------------------------

TYPED = {
    # the review's and QA's inputs (D9, S1)
    "Акмола": "KZ-11",
    "Алмата": "KZ-75",
    "Жетісу": "KZ-33",
    "ШҚО": "KZ-63",
    "СКО": "KZ-59",
    "ВКО": "KZ-63",
    "ЗКО": "KZ-27",
    "БҚО": "KZ-27",
    "СҚО": "KZ-59",
    "Qaragandy": "KZ-35",
    "Qostanai": "KZ-39",
    "Aqtau": "KZ-47",
    "Oral": "KZ-27",
    "Taldyqorgan": "KZ-33",
    # towns that are not regional centres, in both scripts
    "Экибастуз": "KZ-55",
    "Екібастұз": "KZ-55",
    "Темиртау": "KZ-35",
    "Теміртау": "KZ-35",
    "Жезказган": "KZ-62",
    "Жезқазған": "KZ-62",
    "Сатпаев": "KZ-62",
    "Сәтбаев": "KZ-62",
    "Балхаш": "KZ-35",
    "Балқаш": "KZ-35",
    "Рудный": "KZ-39",
    "Лисаковск": "KZ-39",
    "Степногорск": "KZ-11",
    "Щучинск": "KZ-11",
    "Кентау": "KZ-61",
    "Сарыагаш": "KZ-61",
    "Жанаозен": "KZ-47",
    "Жаңаөзен": "KZ-47",
    "Аксай": "KZ-27",
    "Риддер": "KZ-63",
    "Капшагай": "KZ-19",
    "Қонаев": "KZ-19",
    "Талгар": "KZ-19",
    "Каскелен": "KZ-19",
    "Қаскелең": "KZ-19",
    "Есик": "KZ-19",
    "Жаркент": "KZ-33",
    "Аягоз": "KZ-10",
    "Аягөз": "KZ-10",
    "Байқоңыр": "KZ-43",
    "Құлсары": "KZ-23",
    "Арал": "KZ-43",
    "Арқалық": "KZ-39",
    "Жітіқара": "KZ-39",
    "Хромтау": "KZ-15",
    "Шахтинск": "KZ-35",
    "Зайсан": "KZ-63",
    "Курчатов": "KZ-10",
    # typed as on a Russian keyboard, with ё, in capitals, with the word «область»
    "Екибастуз": "KZ-55",
    "ТАЛДЫКОРГАН": "KZ-33",
    "Шахтинск Карагандинская обл.": "KZ-35",
    "Алматинская область": "KZ-19",
    "Алматы облысы": "KZ-19",
    "г. Алматы": "KZ-75",
    "Абай облысы": "KZ-10",
    "Жетысуская область": "KZ-33",
    "Улытауская область": "KZ-62",
    "Перемётное Западно-Казахстанская": "KZ-27",
    # Latin, in the usual transliterations
    "Oskemen": "KZ-63",
    "Ust-Kamenogorsk": "KZ-63",
    "Karaganda": "KZ-35",
    "Kostanay": "KZ-39",
    "Zhezkazgan": "KZ-62",
    "Jezqazgan": "KZ-62",
    "Ekibastuz": "KZ-55",
    "Semey": "KZ-10",
    "Aqtobe": "KZ-15",
    "Aktobe": "KZ-15",
    "Kyzylorda": "KZ-43",
    "Qyzylorda": "KZ-43",
    "Turkistan": "KZ-61",
    "Shymkent": "KZ-79",
    "Almaty": "KZ-75",
    "Nur-Sultan": "KZ-71",
    "Petropavl": "KZ-59",
    "Kokshetau": "KZ-11",
    "Uralsk": "KZ-27",
    "Taraz": "KZ-31",
}


@pytest.mark.parametrize(("typed", "code"), sorted(TYPED.items()))
def test_a_typed_region_or_town_is_understood(typed: str, code: str) -> None:
    region = INTAKE.by_id["region"]
    assert region.kind.from_text(typed, Session(), None) == Answer(code)


@pytest.mark.parametrize("typed", ["Москва", "Western", "абырвалг", "область"])
def test_an_unknown_place_is_not_guessed(typed: str) -> None:
    assert INTAKE.by_id["region"].kind.from_text(typed, Session(), None) is None


def test_every_name_in_the_table_means_its_own_region_only() -> None:
    table = INTAKE.by_id["region"].kind.spellings
    wrong = []
    for area in AREAS:
        for name in (*area.names, *area.towns):
            for spelling in (name, *latin_spellings(name)):
                found = match_choice(spelling, table)
                if found != area.code:
                    wrong.append((spelling, area.code, found))
    assert not wrong, wrong


def test_latin_spellings_follow_the_usual_habits() -> None:
    assert {"qaragandy", "karagandy", "qaraghandy"} <= set(latin_spellings("Қарағанды"))
    assert {"zhezqazgan", "jezqazgan", "zhezkazgan"} <= set(latin_spellings("Жезқазған"))
    assert "ust kamenogorsk" in latin_spellings("Усть-Каменогорск")


def test_regions_keep_their_iso_order_and_shape() -> None:
    assert [code for code, _, _ in REGIONS][:3] == ["KZ-71", "KZ-75", "KZ-79"]
    assert all(spellings for _, _, spellings in REGIONS)
