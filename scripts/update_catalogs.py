"""Extract every `msg`/`plural` text into `locales/<domain>.pot` and update the kk/ru catalogs.

Like `pybabel extract` + `pybabel update`, but deterministic (no dates, no line numbers, sorted by
msgid), so a stale catalog shows up as a diff and the catalog test can compare byte for byte:
new msgids are added with an empty translation, removed ones are dropped (no obsolete `#~`).

    .venv/bin/python scripts/update_catalogs.py            # all domains
    .venv/bin/python scripts/update_catalogs.py --check    # exit 1 if anything is stale
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

ROOT: Final = Path(__file__).resolve().parent.parent
LOCALES: Final = ROOT / "locales"
LANGUAGES: Final = ("kk", "ru")
PLURAL_FORMS: Final = {
    "kk": "nplurals=2; plural=(n != 1);",
    "ru": (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);"
    ),
}
KEYWORDS: Final = {"msg": None, "plural": (1, 2), "_": None, "N_": None, "ngettext": (1, 2)}
COMMENT_TAGS: Final = ("TRANSLATORS:",)
# Fixed header dates: the catalogs change only when their messages change.
FIXED_DATE: Final = datetime(2026, 1, 1)
WIDTH: Final = 100


@dataclass(frozen=True)
class Domain:
    name: str
    sources: tuple[str, ...]  # folders or files, relative to the repository root
    exclude: tuple[str, ...] = ()  # folders or files inside the sources that belong elsewhere
    templates: tuple[str, ...] = ()  # folders of Jinja2 templates (`_("…")`, `n_("…", "…", n)`)


DOMAINS: Final = (
    Domain("dialogs", ("dialogs", "bot/console.py"), exclude=("dialogs/booking",)),
    Domain("bot", ("bot",), exclude=("bot/console.py",)),
    # The booking conversation's texts (booking/ itself has none: it is domain and storage).
    Domain("booking", ("dialogs/booking",)),
    # The staff web: its Python texts and its page templates.
    Domain("staff", ("staff",), templates=("staff/templates",)),
    # The WhatsApp front end's own texts (its limits: list button, "More…", typed numbers).
    Domain("whatsapp", ("whatsapp",)),
)
TEMPLATE_KEYWORDS: Final = {"_": None, "n_": (1, 2)}


def source_files(domain: Domain) -> Iterator[Path]:
    excluded = [ROOT / path for path in domain.exclude]
    for source in domain.sources:
        path = ROOT / source
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path] if path.exists() else []
        for file in files:
            inside = any(file == e or e in file.parents for e in excluded)
            if not inside and "__pycache__" not in file.parts:
                yield file


def extract(domain: Domain) -> Catalog:
    """A fresh template of the domain, built from its sources only."""
    template = _new_catalog(None, domain.name)
    for file in source_files(domain):
        relative = file.relative_to(ROOT).as_posix()
        for _lineno, message, comments, _context in extract_from_file(
            "python", file, keywords=KEYWORDS, comment_tags=COMMENT_TAGS, strip_comment_tags=True
        ):
            existing = template.get(message if isinstance(message, str) else message[0])
            locations = [(relative, None)]
            if existing is not None:
                template.add(
                    message,
                    locations=[*existing.locations, *locations],
                    auto_comments=_merge(existing.auto_comments, comments),
                )
            else:
                template.add(message, locations=locations, auto_comments=list(comments))
    for folder in domain.templates:
        for file in sorted((ROOT / folder).rglob("*.html")):
            relative = file.relative_to(ROOT).as_posix()
            for _lineno, message, comments, _context in extract_from_file(
                "jinja2.ext:babel_extract",
                file,
                keywords=TEMPLATE_KEYWORDS,
                comment_tags=COMMENT_TAGS,
                strip_comment_tags=True,
            ):
                existing = template.get(message if isinstance(message, str) else message[0])
                locations = [*(existing.locations if existing else []), (relative, None)]
                template.add(message, locations=locations, auto_comments=list(comments))
    for entry in template:
        if entry.id:
            entry.locations = sorted(set(entry.locations))
    return template


def _merge(first: Iterable[str], second: Iterable[str]) -> list[str]:
    merged = list(first)
    merged.extend(c for c in second if c not in merged)
    return merged


def _new_catalog(locale: str | None, domain: str) -> Catalog:
    catalog = Catalog(
        locale=locale,
        domain=domain,
        project="komek",
        version="1",
        copyright_holder="Komek",
        creation_date=FIXED_DATE,
        revision_date=FIXED_DATE,
        header_comment=f"# Komek: the '{domain}' messages.\n#",
        fuzzy=False,
    )
    return catalog


def render_po(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(
        buffer,
        catalog,
        width=WIDTH,
        sort_output=True,
        ignore_obsolete=True,
        include_lineno=False,
    )
    return _without_generator_line(buffer.getvalue())


def _without_generator_line(data: bytes) -> bytes:
    """Drop `Generated-By: Babel x.y` so a Babel upgrade does not churn every catalog."""
    return b"".join(
        line for line in data.splitlines(keepends=True) if not line.startswith(b'"Generated-By:')
    )


def updated_translation(template: Catalog, lang: str, current: bytes | None) -> Catalog:
    """The language catalog brought in line with the template (translations kept)."""
    if current is not None:
        catalog = read_po(io.BytesIO(current), locale=lang, domain=template.domain)
    else:
        catalog = _new_catalog(lang, template.domain or "messages")
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    catalog.obsolete.clear()
    catalog.creation_date = FIXED_DATE
    catalog.revision_date = FIXED_DATE
    catalog.fuzzy = False
    headers = [(k, v) for k, v in catalog.mime_headers if k.lower() != "plural-forms"]
    catalog.mime_headers = [*headers, ("Plural-Forms", PLURAL_FORMS[lang])]
    catalog.language_team = f"{lang} <komek@localhost>"
    catalog.last_translator = "Komek team <komek@localhost>"
    return catalog


def planned_files(domain: Domain) -> dict[Path, bytes]:
    """Every file the domain's catalogs should contain, with its exact bytes."""
    template = extract(domain)
    pot = LOCALES / f"{domain.name}.pot"
    if len(template) == 0 and not pot.exists():
        return {}
    files = {pot: render_po(template)}
    for lang in LANGUAGES:
        po = LOCALES / lang / "LC_MESSAGES" / f"{domain.name}.po"
        current = po.read_bytes() if po.exists() else None
        files[po] = render_po(updated_translation(template, lang, current))
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="report stale files, write nothing")
    parser.add_argument("domains", nargs="*", help="only these domains (default: all)")
    args = parser.parse_args(argv)
    chosen = [d for d in DOMAINS if not args.domains or d.name in args.domains]
    stale: list[Path] = []
    for domain in chosen:
        for path, data in planned_files(domain).items():
            if path.exists() and path.read_bytes() == data:
                continue
            stale.append(path)
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
    for path in stale:
        verb = "stale" if args.check else "wrote"
        print(f"{verb} {path.relative_to(ROOT)}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
