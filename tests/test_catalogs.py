"""Every gettext domain (each `locales/<domain>.pot`): fresh, fully translated in kk and ru.

The template must equal a fresh extraction from the sources (run scripts/update_catalogs.py),
and each language catalog must translate every message: no empty, fuzzy or obsolete entries,
the right number of plural forms, the same `{placeholders}`, and every message renders.
"""

from __future__ import annotations

import importlib.util
import io
import string
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from common.i18n import LANGUAGES, LOCALES_DIR, Language
from common.text import Message

ROOT = Path(__file__).resolve().parent.parent
DOMAINS = sorted(p.stem for p in LOCALES_DIR.glob("*.pot"))
NPLURALS = {"kk": 2, "ru": 3}


@cache
def _update_catalogs() -> ModuleType:
    """scripts/update_catalogs.py, loaded once (it is a script, not a package module)."""
    spec = importlib.util.spec_from_file_location(
        "update_catalogs", ROOT / "scripts" / "update_catalogs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["update_catalogs"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as fp:
        return read_po(fp, locale=lang, domain=path.stem)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_dialogs_domain_exists() -> None:
    assert "dialogs" in DOMAINS


@pytest.mark.parametrize("domain", DOMAINS)
def test_template_equals_a_fresh_extraction(domain: str) -> None:
    tool = _update_catalogs()
    (found,) = [d for d in tool.DOMAINS if d.name == domain]
    fresh = tool.render_po(tool.extract(found))
    stored = (LOCALES_DIR / f"{domain}.pot").read_bytes()
    assert stored == fresh, f"locales/{domain}.pot is stale: run scripts/update_catalogs.py"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("domain", DOMAINS)
def test_every_message_is_translated(domain: str, lang: Language) -> None:
    template = _read(LOCALES_DIR / f"{domain}.pot")
    catalog = _read(LOCALES_DIR / lang / "LC_MESSAGES" / f"{domain}.po", lang)
    assert catalog.num_plurals == NPLURALS[lang]
    assert not catalog.obsolete, f"obsolete entries: {list(catalog.obsolete)}"
    problems: list[str] = []
    for entry in template:
        if not entry.id:
            continue
        key = entry.id if isinstance(entry.id, str) else entry.id[0]
        found = catalog.get(key)
        if found is None:
            problems.append(f"missing: {key!r}")
            continue
        if found.fuzzy:
            problems.append(f"fuzzy: {key!r}")
        ids = [entry.id] if isinstance(entry.id, str) else list(entry.id)
        forms = [found.string] if isinstance(found.string, str) else list(found.string or ())
        if isinstance(entry.id, tuple) and len(forms) != NPLURALS[lang]:
            problems.append(f"{len(forms)} plural forms, not {NPLURALS[lang]}: {key!r}")
        expected = set().union(*(_fields(i) for i in ids))
        for form in forms:
            if not form.strip():
                problems.append(f"empty: {key!r}")
            elif _fields(form) - expected or (expected - {"n"}) - _fields(form):
                problems.append(
                    f"placeholders {sorted(_fields(form))} ≠ {sorted(expected)}: {key!r}"
                )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("domain", DOMAINS)
def test_every_message_renders(domain: str, lang: Language) -> None:
    template = _read(LOCALES_DIR / f"{domain}.pot")
    for entry in template:
        if not entry.id:
            continue
        ids = [entry.id] if isinstance(entry.id, str) else list(entry.id)
        params = {name: "X" for i in ids for name in _fields(i) if name != "n"}
        if isinstance(entry.id, str):
            params.update({"n": "1"} if "n" in _fields(entry.id) else {})
            text = Message(entry.id, dict(params)).render(lang)
            assert text.strip()
        else:
            for n in (0, 1, 2, 5, 11, 21, 22, 25):
                text = Message(ids[0], dict(params), plural_id=ids[1], n=n).render(lang)
                assert text.strip()


@pytest.mark.parametrize("domain", ["dialogs", "bot", "booking"])
def test_no_catalog_is_stale_or_missing(domain: str) -> None:
    """Also catches a room whose sources have messages but no catalog at all yet."""
    tool = _update_catalogs()
    out = io.StringIO()
    stdout, sys.stdout = sys.stdout, out
    try:
        code = tool.main(["--check", domain])
    finally:
        sys.stdout = stdout
    assert code == 0, out.getvalue() + "run scripts/update_catalogs.py"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("domain", DOMAINS)
def test_no_message_is_left_in_english(domain: str, lang: Language) -> None:
    """A translation equal to its msgid is English on screen, unless the message is only
    placeholders and punctuation (`{number}. {card}`)."""
    catalog = _read(LOCALES_DIR / lang / "LC_MESSAGES" / f"{domain}.po", lang)
    english = [
        entry.id
        for entry in catalog
        if isinstance(entry.id, str)
        and entry.id
        and entry.string == entry.id
        and any(letter.isascii() and letter.isalpha() for letter in _without_fields(entry.id))
    ]
    assert not english, english


def _without_fields(text: str) -> str:
    return "".join(literal for literal, _, _, _ in string.Formatter().parse(text))
