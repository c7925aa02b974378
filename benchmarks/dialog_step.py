"""How long one dialog step takes in-process (the bar: median under 1 ms), and rendering apart.

    .venv/bin/python benchmarks/dialog_step.py [--rounds 300]

Plays a full scripted conversation (a family of four with two kinds of income, buttons and typed
answers, ending with the result) many times, timing every `step` and every `render` separately,
plus the JSON round trip the bot does around each step. Prints median and p99 in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dialogs import ButtonPress, Command, Event, Session, TextInput, render, step

TODAY = date(2026, 2, 10)
SCRIPT = [
    "@ru",
    "@yes",
    "@KZ-15",
    "@urban",
    "@4",
    "5 и 9",
    "@female",
    "38",
    "@works",
    "@husband",
    "40 лет",
    "@works",
    "@benefits",
    "@done",
    "50 тыс",
    "20 000 в месяц",
    "@no",
    "@no",
    "@confirm",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def play_once(step_times: list[float], render_times: list[float], json_times: list[float]) -> None:
    session = Session.new()
    event: Event = Command(name="start")
    moves = iter(SCRIPT)
    while True:
        t0 = time.perf_counter()
        session, replies = step(session, event, today=TODAY)
        t1 = time.perf_counter()
        render(replies, session.language or "ru")
        t2 = time.perf_counter()
        session = Session.model_validate_json(session.model_dump_json())
        t3 = time.perf_counter()
        step_times.append((t1 - t0) * 1000)
        render_times.append((t2 - t1) * 1000)
        json_times.append((t3 - t2) * 1000)
        move = next(moves, None)
        if move is None:
            break
        question = next((r.question for r in reversed(replies) if r.question), "")
        if move.startswith("@"):
            event = ButtonPress(question=question or "", value=move[1:], version=session.version)
        else:
            event = TextInput(text=move)
    assert session.finished, "the scripted conversation must reach the result"


def main() -> int:
    parser = argparse.ArgumentParser(description="time dialogs.step")
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    steps: list[float] = []
    renders: list[float] = []
    jsons: list[float] = []
    play_once([], [], [])  # warm up caches (catalogs, spellings, parameters)
    for _ in range(args.rounds):
        play_once(steps, renders, jsons)
    print(f"conversations: {args.rounds} × {len(SCRIPT) + 1} events = {len(steps)} steps")
    for name, values in (("step", steps), ("render", renders), ("json round trip", jsons)):
        print(
            f"{name:>16}: median {statistics.median(values):.3f} ms, "
            f"p99 {percentile(values, 0.99):.3f} ms, max {max(values):.3f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
