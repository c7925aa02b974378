"""Benchmark: screen 100,000 generated households, in-process and through the JSON command.

Not a test: it prints numbers. Run from the repository root:

    .venv/bin/python benchmarks/screening.py [--count 100000] [--runs 50] [--seed 2026]

Bars (issue): in-process ≥ 20,000 households/s on one core with validation included; the
command answers one household in under 0.5 s wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eligibility import Household, screen  # noqa: E402
from eligibility.household import (  # noqa: E402
    CaringFor,
    Disability,
    IncomeType,
    Region,
    Relation,
    Settlement,
)

INCOME_TYPES = [t.value for t in IncomeType]
REGIONS = [r.value for r in Region]
RELATIONS = [r.value for r in Relation if r is not Relation.APPLICANT]
FIRST_DAY = date(2024, 1, 1)
DAYS = (date(2026, 12, 31) - FIRST_DAY).days


def generate(count: int, seed: int) -> list[dict[str, Any]]:
    """Households shaped like the bot's: 1-8 members, 0-3 incomes each, 2024-2026."""
    rng = random.Random(seed)
    households = []
    for _ in range(count):
        members = []
        for index in range(rng.choices(range(1, 9), weights=[20, 20, 20, 18, 10, 6, 4, 2])[0]):
            incomes = [
                {
                    "type": rng.choice(INCOME_TYPES),
                    "amount": round(rng.uniform(0, 600_000), rng.choice((0, 2))),
                }
                for _ in range(rng.choices(range(4), weights=[40, 35, 15, 10])[0])
            ]
            member: dict[str, Any] = {
                "relation": "applicant" if index == 0 else rng.choice(RELATIONS),
                "age": rng.randint(18, 90) if index == 0 else rng.randint(0, 90),
                "sex": rng.choice(("male", "female")),
                "incomes": incomes,
            }
            if rng.random() < 0.2:
                member["disability"] = rng.choice([d.value for d in Disability])
            if rng.random() < 0.2:
                member["caring_for"] = rng.choice([c.value for c in CaringFor])
            if rng.random() < 0.05:
                member["full_time_student"] = True
            members.append(member)
        households.append(
            {
                "application_date": (FIRST_DAY + timedelta(days=rng.randint(0, DAYS))).isoformat(),
                "region": rng.choice(REGIONS),
                "settlement": rng.choice([s.value for s in Settlement]),
                "refused_employment_measures_last_6_months": rng.random() < 0.03,
                "broke_social_contract_last_6_months": rng.random() < 0.02,
                "members": members,
            }
        )
    return households


def _dict_pass(households: list[dict[str, Any]]) -> tuple[float, float, int]:
    """Wall and CPU seconds (this process only) for one pass, and how many were eligible."""
    started, started_cpu = time.perf_counter(), time.process_time()
    eligible = 0
    for data in households:
        eligible += screen(Household.model_validate(data)).eligible
    return time.perf_counter() - started, time.process_time() - started_cpu, eligible


def bench_in_process(households: list[dict[str, Any]], passes: int) -> None:
    screen(Household.model_validate(households[0]))  # load parameters once
    wall, cpu = [], []
    eligible = 0
    for _ in range(passes):
        elapsed, elapsed_cpu, eligible = _dict_pass(households)
        wall.append(len(households) / elapsed)
        cpu.append(len(households) / elapsed_cpu)
    print(
        f"in-process, dict → validate → screen, {len(households):,} households × {passes} "
        f"passes ({eligible:,} eligible):\n"
        f"  wall clock: best {max(wall):,.0f}, median {statistics.median(wall):,.0f}, "
        f"worst {min(wall):,.0f} households/s\n"
        f"  per CPU second of this process: best {max(cpu):,.0f}, "
        f"median {statistics.median(cpu):,.0f} households/s"
    )
    print(f"  1-minute load average after measuring: {os.getloadavg()[0]:.2f}")

    texts = [json.dumps(h) for h in households]
    started = time.perf_counter()
    for text in texts:
        json.dumps(screen(Household.model_validate_json(text)).to_contract_json())
    elapsed = time.perf_counter() - started
    print(
        f"in-process, JSON text → validate → screen → contract JSON text (with the trace): "
        f"{len(texts) / elapsed:,.0f} households/s"
    )


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "eligibility", "screen", *args]


def bench_command(households: list[dict[str, Any]], runs: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "household.json"
        latencies = []
        for data in households[:runs]:
            path.write_text(json.dumps(data), encoding="utf-8")
            started = time.perf_counter()
            done = subprocess.run(
                _command(str(path)), capture_output=True, cwd=ROOT, env=env, check=False
            )
            latencies.append(time.perf_counter() - started)
            if done.returncode != 0:
                raise SystemExit(f"command failed: {done.stderr.decode()}")
        latencies.sort()
        print(
            f"command, one household per invocation ({runs} runs): "
            f"p50 {statistics.median(latencies) * 1000:.0f} ms, "
            f"p90 {latencies[int(0.9 * (runs - 1))] * 1000:.0f} ms, "
            f"max {latencies[-1] * 1000:.0f} ms"
        )

        stream = Path(tmp) / "households.jsonl"
        stream.write_text("".join(json.dumps(h) + "\n" for h in households), encoding="utf-8")
        started = time.perf_counter()
        done = subprocess.run(
            _command("--jsonl", str(stream)), capture_output=True, cwd=ROOT, env=env, check=False
        )
        elapsed = time.perf_counter() - started
        lines = done.stdout.count(b"\n")
        if done.returncode != 0 or lines != len(households):
            raise SystemExit(f"stream failed: {done.stderr.decode()[:500]}")
        print(
            f"command, --jsonl stream of {len(households):,} households: {elapsed:.2f} s = "
            f"{len(households) / elapsed:,.0f} households/s (JSON in and out, with the trace)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50, help="single-household command runs")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--passes", type=int, default=3, help="in-process passes")
    args = parser.parse_args()
    started = time.perf_counter()
    households = generate(args.count, args.seed)
    print(
        f"generated {len(households):,} households (seed {args.seed}) in "
        f"{time.perf_counter() - started:.1f} s; python {sys.version.split()[0]}, "
        f"1 process, {os.cpu_count()} CPU(s) on the machine"
    )
    bench_in_process(households, args.passes)
    bench_command(households, args.runs)


if __name__ == "__main__":
    main()
