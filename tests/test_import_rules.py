"""Who may import whom, checked on the source: every module's AST, imports inside functions,
under `if TYPE_CHECKING:` and relative ones included.

- `booking/` is the domain and its persistence: nothing of `dialogs/` (the conversations) or
  `bot/` (Telegram), no aiogram.
- `dialogs/` is transport- and database-free: nothing of `bot/`, aiogram, `booking/` or
  `storage/` (the booking conversation reaches the domain through its port only).
- `eligibility/` stands alone: no other room.
- `storage/` (the tables) serves the rooms and imports none of them.
- `whatsapp/` (the WhatsApp front end) may use dialogs, booking, storage, common and bot's
  reusable helpers; nothing imports it (but its tests), not even the test tooling.
- No import cycle between top-level packages (a function-local import hides one from Python
  at import time, not from this test).
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROOMS = ("booking", "bot", "common", "dialogs", "eligibility", "storage", "whatsapp")
TOP_LEVEL = (*ROOMS, "komek_testing", "benchmarks", "scripts", "tests")

FORBIDDEN = {
    "booking": {"dialogs", "bot", "aiogram"},
    "dialogs": {"bot", "aiogram", "booking", "storage"},
    "eligibility": {"booking", "bot", "dialogs", "storage"},
    "storage": {"booking", "bot", "dialogs"},
    "common": {"booking", "bot", "dialogs", "eligibility", "storage", "aiogram"},
    "komek_testing": {"tests", "whatsapp"},
    "whatsapp": {"eligibility", "staff", "tests", "komek_testing"},
}


def test_nothing_imports_the_whatsapp_front_end_but_its_tests() -> None:
    importers = [
        where
        for package, targets in graph().items()
        if package not in ("whatsapp", "tests")
        for where in targets.get("whatsapp", [])
    ]
    assert not importers, "only whatsapp/ and its tests may import whatsapp:\n" + "\n".join(
        importers
    )


def modules(package: str) -> Iterator[Path]:
    for path in sorted((ROOT / package).rglob("*.py")):
        if "__pycache__" not in path.parts:
            yield path


def imports_of(path: Path, source: str | None = None) -> Iterator[tuple[str, int]]:
    """Every module the file imports (absolute dotted name) with its line."""
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    package = parts if parts[-1] == "__init__" else parts[:-1]
    package = [p for p in package if p != "__init__"]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                yield node.module or "", node.lineno
            else:
                base = package[: len(package) - node.level + 1]
                yield ".".join([*base, *([node.module] if node.module else [])]), node.lineno


@cache
def graph() -> dict[str, dict[str, list[str]]]:
    """top-level package → imported top-level name → where (`file:line module`)."""
    found: dict[str, dict[str, list[str]]] = {}
    for package in TOP_LEVEL:
        edges = found.setdefault(package, {})
        for path in modules(package):
            where = path.relative_to(ROOT).as_posix()
            for name, line in imports_of(path):
                top = name.split(".")[0]
                if top and top != package:
                    edges.setdefault(top, []).append(f"{where}:{line} {name}")
    return found


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_a_room_imports_only_what_it_may(room: str) -> None:
    edges = graph()[room]
    offending = [where for name in sorted(FORBIDDEN[room]) for where in edges.get(name, [])]
    assert not offending, f"{room}/ must not import {sorted(FORBIDDEN[room])}:\n" + "\n".join(
        offending
    )


def test_no_import_cycle_between_top_level_packages() -> None:
    edges = {
        package: {name for name in targets if name in TOP_LEVEL}
        for package, targets in graph().items()
    }
    cycles: list[list[str]] = []

    def walk(node: str, trail: list[str]) -> None:
        for target in sorted(edges[node]):
            if target == trail[0]:
                cycles.append([*trail, target])
            elif target not in trail and target > trail[0]:  # each cycle once, from its least
                walk(target, [*trail, target])

    for start in sorted(edges):
        walk(start, [start])
    described = [
        " → ".join(cycle)
        + "\n"
        + "\n".join(f"  {graph()[a][b][0]}" for a, b in itertools.pairwise(cycle))
        for cycle in cycles
    ]
    assert not cycles, "import cycles:\n" + "\n".join(described)


def test_the_walk_sees_local_conditional_and_relative_imports() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from bot.app import Application\n"
        "def f():\n    import aiogram.types\n"
        "from . import screens\nfrom ..reply import Reply\n"
    )
    path = ROOT / "dialogs" / "booking" / "flow.py"
    names = {name for name, _ in imports_of(path, source)}
    assert names == {"typing", "bot.app", "aiogram.types", "dialogs.booking", "dialogs.reply"}
