"""Sources citizens and operators see name primary sources, never a file (docs/rules.md §13).

Every `source` of a parameter value, of a step of a screening's trace and of `params show`
must name a law, an order, a decree or an official page (egov.kz, gov.kz, stat.gov.kz), and no
project file may cite the team's rules file that lives outside the repository.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from eligibility import Household, parameters, screen
from eligibility.cli import main
from eligibility.household import Region, Sex
from eligibility.parameters import bns
from eligibility.parameters.regional import BUNDLED_DIR, BUNDLED_FILE
from eligibility.quantities.poverty_line import poverty_line_range, poverty_line_rule
from eligibility.screening import SRC_OVERRIDE

ROOT = Path(__file__).resolve().parents[2]
CASES_DIR = Path(__file__).parent / "cases"
EXTERNAL_RULES_FILE = "tsa-rules"
"""The team's reference outside the repository (developers only), with or without `.md`."""
EXEMPT_DIRS = ("tests/", "benchmarks/")

PRIMARY_MARKERS = ("Social Code", "Order No.", "Law ", "Decree No.", "gov.kz")
"""A primary source: the Social Code, a ministry order, a law (the budget law of the year, the
2001 TSA law, the pension law), a government or presidential decree, or an official page
(egov.kz, gov.kz, enbek.gov.kz, stat.gov.kz)."""
_FILE_NAME = re.compile(r"[\w.-]+\.(?:md|markdown|py|ya?ml|csv|json|txt|toml|rst)\b", re.IGNORECASE)
_PATH = re.compile(
    r"(?:^|[\s(;:,])(?:\.{1,2}/|/|~/)(?=[\w.~-])"  # absolute, relative or home path, not " / 3"
    r"|\b(?:shared|spec|docs|data|eligibility|dialogs|tests|locales)/"  # a project or team folder
)


def source_problems(source: str | None) -> list[str]:
    """Why `source` is not a primary source citation (empty when it is)."""
    if not source or not source.strip():
        return ["no source"]
    problems = []
    text = source.strip()
    if EXTERNAL_RULES_FILE in text:
        problems.append("cites the external rules file")
    if text.lower().endswith(".md"):
        problems.append("ends in .md")
    if found := _FILE_NAME.search(text):
        problems.append(f"names a file ({found.group(0)!r})")
    if found := _PATH.search(text):
        problems.append(f"contains a path ({found.group(0).strip()!r})")
    if not any(marker in text for marker in PRIMARY_MARKERS):
        problems.append("names no law, order, decree or official page")
    return problems


def _assert_primary(sources: dict[str, str | None]) -> None:
    bad = [
        f"{where}: {'; '.join(problems)}: {source!r}"
        for where, source in sources.items()
        if (problems := source_problems(source))
    ]
    assert not bad, "sources that do not cite a primary source:\n" + "\n".join(bad)


@pytest.fixture(autouse=True)
def _bundled_parameters_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Only the figures shipped with the package, never an operator's imports."""
    monkeypatch.setenv("KOMEK_PARAMETERS_DIR", str(tmp_path))
    parameters.reload()
    yield
    monkeypatch.delenv("KOMEK_PARAMETERS_DIR")
    parameters.reload()


# The checker itself.


@pytest.mark.parametrize(
    "source",
    [
        "Social Code of RK Art. 127(2): the full calendar quarter before the application",
        "MLSP Order No. 160 of 19.05.2023 as amended by Order No. 473 of 20.12.2024",
        "Law of RK of 08.12.2025 on the republican budget for 2026-2028 (reported by zakon.kz)",
        "gov.kz situations/11/58; income rules, MLSP Order No. 181 of 26.05.2023",
        "egov.kz articles/article_mci_2012",
        "MLSP Order No. 181 of 26.05.2023 (income rules): quarter income / 3 / members",
        "published poverty line Aktobe region Q1 2026 (gurk.kz); set under MLSP Order No. 160",
    ],
)
def test_a_primary_source_passes(source: str) -> None:
    assert source_problems(source) == []


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("tsa-rules.md §4", "external rules file"),
        ("zakon.kz (tsa-rules.md §4)", "external rules file"),
        ("see docs/rules.md", "names a file"),
        ("docs/rules.md §4; Social Code of RK", "contains a path"),
        ("Social Code of RK; ../data/subsistence-minimum-2025.csv", "names a file"),
        ("Social Code of RK; /work/shared/spec/x", "contains a path"),
        ("Social Code of RK (../spec/x)", "contains a path"),
        ("seed article", "names no law"),
        ("16news.kz", "names no law"),
        ("", "no source"),
        (None, "no source"),
    ],
)
def test_a_file_or_press_only_source_fails(source: str | None, problem: str) -> None:
    assert any(problem in p for p in source_problems(source)), source_problems(source)


# No project file cites the external rules file.


def _project_files() -> list[str]:
    """Files of the project as git sees them: tracked, plus new files not ignored."""
    try:
        done = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
            timeout=60,
        )
    except (OSError, subprocess.CalledProcessError) as error:
        pytest.skip(f"not a git checkout: {error}")
    names = [name for name in done.stdout.decode("utf-8").split("\0") if name]
    assert names, "git lists no files"
    return sorted(set(names))


def _mentions(names: list[str]) -> list[str]:
    found = []
    for name in names:
        path = ROOT / name
        if not path.is_file():  # deleted in the work tree, not yet committed
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192]:  # binary
            continue
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            if EXTERNAL_RULES_FILE in line:
                found.append(f"{name}:{number}: {line.strip()}")
    return found


def test_no_project_file_outside_tests_and_benchmarks_cites_the_external_rules_file() -> None:
    names = [n for n in _project_files() if not n.startswith(EXEMPT_DIRS)]
    found = _mentions(names)
    assert not found, (
        "cite the primary source (docs/rules.md lists them) or docs/rules.md §N instead of "
        "the team's rules file, which is not in the repository:\n" + "\n".join(found)
    )


def test_the_rules_package_and_its_document_do_not_cite_the_external_rules_file() -> None:
    """The part of the check above that the eligibility package answers for."""
    names = [
        n for n in _project_files() if n.startswith(("eligibility/", "docs/")) or n == "README.md"
    ]
    assert "docs/rules.md" in names
    assert not _mentions(names)


def test_the_readme_points_to_the_rules_document() -> None:
    assert "`docs/rules.md`" in (ROOT / "README.md").read_text(encoding="utf-8")


# Every source of the parameter files.


def _sources_in(node: Any, where: str) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "source":
                yield where, value
            else:
                yield from _sources_in(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _sources_in(item, f"{where}[{i}]")


def test_every_parameter_value_cites_a_primary_source() -> None:
    sources: dict[str, str | None] = {}
    files = sorted(BUNDLED_DIR.glob("*.yaml"))
    assert len(files) >= 7
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found = list(_sources_in(data, path.name))
        assert found, f"{path.name} has no source"
        sources.update((where, None if s is None else str(s)) for where, s in found)
    for table in (BUNDLED_FILE, bns.BUNDLED_FILE):
        with table.open(encoding="utf-8-sig", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), 2):
                sources[f"{table.name}:{number}"] = row["source"]
    _assert_primary(sources)


def test_every_parameter_lookup_cites_a_primary_source() -> None:
    """What the lookups return, including a computed or approximate poverty line."""
    sources: dict[str, str | None] = {}
    days = [date(2019, 1, 1), date(2020, 5, 20), date(2023, 7, 1), date(2024, 2, 15)]
    days += [date(2025, 9, 1), date(2026, 2, 10), date(2026, 4, 1), date(2031, 1, 1)]
    for on in days:
        sources[f"mrp {on}"] = parameters.mrp(on).source
        sources[f"subsistence_minimum {on}"] = parameters.subsistence_minimum(on).source
        for sex in Sex:
            sources[f"retirement_age {sex} {on}"] = parameters.retirement_age(sex, on).source
        sources[f"child_package {on}"] = parameters.child_package_mrp_multiple(on).source
        sources[f"consumer_loans {on}"] = parameters.consumer_loans_counted(on).source
        if on >= date(2023, 7, 1):  # the terms are those of the 2023 rules of assignment
            sources[f"procedure {on}"] = parameters.procedure_terms(on).source
        sources[f"poverty_line_rule {on}"] = poverty_line_rule(on)[1]
        for region in Region:
            low, high = poverty_line_range(on, region).steps
            sources[f"poverty_line {region.value} {on}"] = low.source
            sources[f"poverty_line_high {region.value} {on}"] = high.source
    _assert_primary(sources)


# Every source in the screening results of the YAML cases, and in `params show`.


def _cases() -> list[Any]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            cases.append(pytest.param(case, id=f"{path.stem}:{case['name']}"))
    return cases


@pytest.mark.parametrize("case", _cases())
def test_every_step_of_the_cases_cites_a_primary_source(case: dict[str, Any]) -> None:
    result = screen(Household.model_validate(case["input"]))
    produced = result.to_contract_json()
    sources: dict[str, str | None] = {}
    for i, step in enumerate(produced["steps"]):
        source = step["source"]
        if source == SRC_OVERRIDE:  # a what-if figure from the input says it is not official
            continue
        sources[f"steps[{i}] {step['rule']}"] = source
    if produced["poverty_line_source"] != SRC_OVERRIDE:
        sources["poverty_line_source"] = produced["poverty_line_source"]
    _assert_primary(sources)


@pytest.mark.parametrize(
    ("on", "region"),
    [
        ("2020-05-20", "KZ-75"),  # published line under the 2001 law
        ("2024-02-15", "KZ-59"),  # published line under Order No. 160
        ("2026-02-10", "KZ-15"),  # published line under Order No. 473
        ("2026-04-01", "KZ-15"),  # no figure loaded: the budget-law floor
        ("2019-03-01", "KZ-35"),
    ],
)
def test_params_show_cites_primary_sources(on: str, region: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["params", "show", "--date", on, "--region", region], out, err) == 0, err.getvalue()
    text = out.getvalue()
    sources: dict[str, str | None] = {}
    for line in text.splitlines():
        label, _, rest = line.strip().partition(":")
        if label in {"source", "high source"}:
            sources[label] = rest.strip()
        elif rest.rstrip().endswith(")") and "(" in rest:
            sources[label] = rest[rest.index("(") + 1 : rest.rstrip().rindex(")")]
    assert len(sources) >= 7, text
    _assert_primary(sources)
