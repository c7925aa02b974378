"""The quarter's figures through the eligibility command's own code: one narrow adapter.

Upload and listing go through `python -m eligibility params import / list / show` (its `main`
with captured output), so the web applies exactly the command line's validation (all rows or
none, every problem with its line) and shows exactly what the command shows, whatever the
eligibility package does inside.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

MAX_UPLOAD_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class CommandResult:
    ok: bool
    out: str
    err: str


def _run(argv: list[str]) -> CommandResult:
    from eligibility.cli import main as eligibility_command  # the narrow import

    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stderr(err):  # argparse writes its own errors there
            code = eligibility_command(argv, out, err)
    except SystemExit as stop:
        code = int(stop.code or 0) if isinstance(stop.code, int) else 2
    return CommandResult(code == 0, out.getvalue(), err.getvalue())


def _reload() -> None:
    """The figures this process computes with follow the import at once."""
    from eligibility import parameters

    reload = getattr(parameters, "reload", None)
    if callable(reload):
        reload()


def import_table(filename: str, content: bytes) -> CommandResult:
    """Validate and add a regional table, as `python -m eligibility params import FILE`."""
    if len(content) > MAX_UPLOAD_BYTES:
        return CommandResult(False, "", f"the file is larger than {MAX_UPLOAD_BYTES} bytes")
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", Path(filename or "table.csv").name)[:80] or "t.csv"
    with tempfile.TemporaryDirectory(prefix="komek-figures-") as folder:
        path = Path(folder) / safe
        path.write_bytes(content)
        result = _run(["params", "import", str(path)])
    if result.ok:
        _reload()
    # The temporary folder means nothing to staff: name the file as they uploaded it.
    return CommandResult(
        result.ok, result.out.replace(str(path), safe), result.err.replace(str(path), safe)
    )


def regional_rows() -> tuple[list[str], list[list[str]]]:
    """Every loaded regional row (header, rows), as `params list` prints them."""
    result = _run(["params", "list"])
    if not result.ok:
        return [], []
    table = list(csv.reader(io.StringIO(result.out)))
    return (table[0], table[1:]) if table else ([], [])


def in_force(on: date, region: str | None) -> CommandResult:
    """The figures in force on a date (and the region's poverty line), as `params show`."""
    argv = ["params", "show", "--date", on.isoformat()]
    if region:
        argv += ["--region", region]
    return _run(argv)
