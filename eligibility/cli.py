"""Command line: `python -m eligibility screen [FILE]` and `python -m eligibility params ...`.

The screen command is a public contract (docs/screening-contract.md): household JSON in,
one JSON result out, exit 0; on invalid input exit 2, every bad field named on stderr, nothing
on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from eligibility.household import Household, Region

EXIT_OK = 0
EXIT_INVALID = 2

_NO_ECHO = frozenset({"missing", "json_invalid", "model_type", "value_error", "extra_forbidden"})
"""Errors whose input is not repeated back: nothing useful, or anything (an unknown field)."""
_AGE_RANGE = "must be a whole number of years between 0 and 120"
_AGE_ERRORS = frozenset(
    {"greater_than_equal", "less_than_equal", "int_type", "int_from_float", "int_parsing"}
)


def _path(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def describe_errors(error: ValidationError) -> list[str]:
    """One line per problem: `members[0].age: must be ... (got 150)`."""
    lines = []
    for item in error.errors(include_url=False):
        loc = item["loc"]
        kind = item["type"]
        if kind == "too_short" and item.get("input"):
            continue  # pydantic counts only the valid items: the bad ones are reported already
        message = item["msg"]
        if kind == "missing":
            message = "required field is missing"
        elif kind == "extra_forbidden":
            message = "unknown field"
        elif kind == "json_invalid":
            message = f"malformed JSON: {item.get('ctx', {}).get('error', message)}"
        elif kind == "too_short" and loc and loc[-1] == "members":
            message = "at least one member is required"
        elif loc and loc[-1] == "age" and kind in _AGE_ERRORS:
            message = _AGE_RANGE
        elif kind == "greater_than_equal" and item.get("ctx", {}).get("ge") == 0:
            message = "must not be negative"
        elif kind == "value_error":
            message = message.removeprefix("Value error, ")
        path = _path(loc)
        if kind not in _NO_ECHO and (
            isinstance(item.get("input"), str | int | float | bool) or item.get("input") is None
        ):
            message += f" (got {_shown(item.get('input'))})"
        if not path and ": " in message and kind == "value_error":
            lines.append(message)
        else:
            lines.append(f"{path or 'input'}: {message}")
    return lines


def _screen_text(text: str | bytes) -> tuple[dict[str, Any] | None, list[str]]:
    from eligibility.parameters import ParameterNotFoundError
    from eligibility.screening import screen

    try:
        household = Household.model_validate_json(text)
    except ValidationError as error:
        return None, describe_errors(error)
    try:
        return screen(household).to_contract_json(), []
    except ParameterNotFoundError as error:
        return None, [f"application_date: no rules or figures for this date ({error})"]


def _read_input(file: str | None) -> bytes:
    if file is None or file == "-":
        return sys.stdin.buffer.read()
    return Path(file).read_bytes()


def cmd_screen(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        data = _read_input(args.file)
    except OSError as error:
        print(f"{args.file}: cannot read: {error.strerror}", file=err)
        return EXIT_INVALID
    if args.jsonl:
        return _screen_lines(data, out, err)
    result, problems = _screen_text(data)
    if result is None:
        for line in problems:
            print(line, file=err)
        return EXIT_INVALID
    out.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


def _screen_lines(data: bytes, out: TextIO, err: TextIO) -> int:
    """One household per line in, one result per line out; `null` for a refused line."""
    status = EXIT_OK
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        result, problems = _screen_text(line)
        if result is None:
            status = EXIT_INVALID
            for problem in problems:
                print(f"line {number}: {problem}", file=err)
            out.write("null\n")
        else:
            out.write(json.dumps(result, ensure_ascii=False, separators=(",", ":")) + "\n")
    return status


def cmd_params_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from eligibility.parameters import TableError, import_table

    try:
        result = import_table(Path(args.file))
    except OSError as error:
        print(f"{args.file}: cannot read: {error.strerror}", file=err)
        return EXIT_INVALID
    except UnicodeDecodeError:
        print(f"{args.file}: refused, nothing imported: not a UTF-8 text file", file=err)
        return EXIT_INVALID
    except TableError as error:
        print(str(error), file=err)
        return EXIT_INVALID
    kind = "BNS subsistence minimums" if result.kind == "subsistence_minimum" else "poverty lines"
    print(
        f"{args.file}: {result.added} row(s) added, {result.unchanged} already present; "
        f"table ({kind}): {result.target}",
        file=out,
    )
    return EXIT_OK


def _amount(value: Any) -> str:
    return f"{value:,.2f} ₸"


def cmd_params_show(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from eligibility import parameters
    from eligibility.calendar import previous_quarter, quarter_bounds, quarter_label
    from eligibility.household import Sex
    from eligibility.quantities.poverty_line import poverty_line_range, poverty_line_rule

    on: date = args.date
    try:
        sm = parameters.subsistence_minimum(on)
    except parameters.ParameterNotFoundError as error:
        print(f"--date: {error}", file=err)
        return EXIT_INVALID
    write = out.write
    if args.region is not None:
        region = Region(args.region)
        line = poverty_line_range(on, region)
        high_step = line.steps[1]
        start, end = quarter_bounds(on)
        write(
            f"Poverty line, {region.value} ({region.name.replace('_', ' ').title()}), "
            f"application on {on} (quarter {quarter_label(on)}: {start}..{end})\n"
        )
        write(f"  value:       {_amount(line.low)}\n")
        write(f"  range:       {_amount(line.low)} .. {_amount(line.high)}\n")
        write(f"  rule:        {line.rule}\n")
        write(f"  approximate: {'yes' if line.approximate else 'no'}\n")
        write(f"  how:         {line.how}\n")
        write(f"  source:      {line.source}\n")
        write(f"  high end:    {high_step.explanation}\n")
        if line.approximate:
            write(f"  high source: {high_step.source}\n")
    rule, rule_source = poverty_line_rule(on)
    mrp = parameters.mrp(on)
    men = parameters.retirement_age(Sex.MALE, on)
    women = parameters.retirement_age(Sex.FEMALE, on)
    multiple = parameters.child_package_mrp_multiple(on)
    low, high = parameters.child_package_ages()
    loans = parameters.consumer_loans_counted(on)
    first, last = previous_quarter(on)
    write(f"Figures in force on {on}:\n")
    write(f"  poverty-line rule:     {rule} ({rule_source})\n")
    write(f"  budget-law SM:         {_amount(sm.value)} from {sm.start} ({sm.source})\n")
    write(f"  MRP:                   {_amount(mrp.value)} from {mrp.start} ({mrp.source})\n")
    write(f"  retirement age, men:   {men.value} from {men.start} ({men.source})\n")
    write(f"  retirement age, women: {women.value} from {women.start} ({women.source})\n")
    write(
        f"  child package:         {multiple.value} MRP a month per child aged {low}-{high} "
        f"from {multiple.start} ({multiple.source})\n"
    )
    write(
        f"  consumer loans counted: {'yes' if loans.value else 'no'} from {loans.start} "
        f"({loans.source})\n"
    )
    write(f"  income period:         {first}..{last}\n")
    return EXIT_OK


def cmd_params_list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import csv

    from eligibility import parameters
    from eligibility.parameters import bns, regional

    writer = csv.writer(out, lineterminator="\n")
    if args.table == "subsistence_minimum":
        writer.writerow(bns.COLUMNS)
        writer.writerows(f.as_csv_row() for f in parameters.subsistence_figures())
    else:
        writer.writerow(regional.COLUMNS)
        writer.writerows(r.as_csv_row() for r in parameters.regional_rows())
    return EXIT_OK


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-02-10") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m eligibility",
        description="TSA pre-screening (an estimate, not a decision) and its parameters.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    screen = commands.add_parser("screen", help="screen a household given as JSON")
    screen.add_argument("file", nargs="?", help="household JSON file (default: stdin)")
    screen.add_argument(
        "--jsonl",
        action="store_true",
        help="one household per line in, one compact result per line out (null if refused)",
    )
    screen.set_defaults(handler=cmd_screen)
    params = commands.add_parser("params", help="show or import parameters")
    params_commands = params.add_subparsers(dest="params_command", required=True)
    imp = params_commands.add_parser(
        "import",
        help="validate a regional poverty-line or BNS subsistence-minimum CSV table and add it "
        "(all rows or none; the header tells which)",
    )
    imp.add_argument("file", help="CSV file, formats in eligibility/parameters/README.md")
    imp.set_defaults(handler=cmd_params_import)
    show = params_commands.add_parser("show", help="print the figures in force on a date")
    show.add_argument("--date", type=_date, required=True, help="application date, YYYY-MM-DD")
    show.add_argument("--region", choices=[r.value for r in Region], help="ISO 3166-2:KZ code")
    show.set_defaults(handler=cmd_params_show)
    listing = params_commands.add_parser(
        "list", help="print every loaded row of a regional table as importable CSV"
    )
    listing.add_argument(
        "--table",
        choices=["poverty_lines", "subsistence_minimum"],
        default="poverty_lines",
        help="the published/computed poverty lines (default) or the BNS subsistence minimums",
    )
    listing.set_defaults(handler=cmd_params_list)
    return parser


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    args = build_parser().parse_args(argv)
    handler = args.handler
    code: int = handler(args, out or sys.stdout, err or sys.stderr)
    return code
