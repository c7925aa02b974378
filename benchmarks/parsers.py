"""How the typed-answer parsers scale on long, hostile messages (the bar: linear, and a message of
Telegram's maximum length, 4096 characters, parsed in under 50 ms).

    .venv/bin/python benchmarks/parsers.py [--repeat 3] [--budget-ms 50] [--only NAME]

Runs every public function of `dialogs.parse`, and `dialogs.step` at the questions that read typed
numbers, on long adversarial inputs (digit runs, `1,1,1…`, `1 1 1…`, letters, digits glued to
letters, whitespace runs, emoji, mixes) of 1k, 4k, 16k, 64k and 100k characters. Prints the time
per call (the fastest of the repeats) and time(64k) / time(16k): about 4 means linear, about 16
quadratic. Exits 1 when a 4096-character call is over the budget or a ratio is over 8 (a call
under 0.5 ms at 64k is too cheap to judge), so a parser that blocks the event loop is caught here.
A call that already takes a second is not run at the larger sizes (a quadratic one would not end).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dialogs import ButtonPress, Command, Event, Session, TextInput, step
from dialogs.intake.shipped import spellings
from dialogs.parse import (
    fold,
    match_choice,
    parse_choice_numbers,
    parse_int,
    parse_int_list,
    parse_money,
    parse_yes_no,
    words,
)

TODAY = date(2026, 2, 10)
SIZES = (1024, 4096, 16384, 65536, 100_000)
BUDGET_SIZE = 4096
RATIO_SIZES = (16384, 65536)
MAX_RATIO = 8.0
RATIO_FLOOR_MS = 0.5
TOO_SLOW_S = 1.0


def repeated(unit: str) -> Callable[[int], str]:
    return lambda n: (unit * (n // len(unit) + 1))[:n]


SHAPES: dict[str, Callable[[int], str]] = {
    "1…": repeated("1"),
    "1…1 лет": lambda n: "1" * (n - 4) + " лет",
    "1,1…1 x": lambda n: "1," + "1" * (n - 4) + " x",
    "1,1,…": repeated("1,"),
    "1 1 …": repeated("1 "),
    "1.1.…": repeated("1."),
    "0,0,…": repeated("0,"),
    "1-ти …": repeated("1-ти "),
    "3 мес …": repeated("3 мес "),
    "150 000 …": repeated("150 000 "),
    "а…": repeated("а"),
    "1а1а…": repeated("1а"),
    "1 и …": repeated("1 и "),
    "whitespace": repeated(" \t\n\u00a0"),
    "emoji": repeated("🙂"),
    "١٢٣…": repeated("١٢٣"),
    "mixed": repeated("Бес 5, жасқа!? 1,5 года; 50к/мес "),
}


def at_question(moves: list[str]) -> Session:
    """The session after `/start` and these moves (`@value` presses a button, else typed)."""
    session, replies = step(Session.new(), Command(name="start"), today=TODAY)
    for move in moves:
        event: Event
        if move.startswith("@"):
            question = next((r.question for r in reversed(replies) if r.question), "")
            event = ButtonPress(question=question or "", value=move[1:], version=session.version)
        else:
            event = TextInput(text=move)
        session, replies = step(session, event, today=TODAY)
    return session


def stepper(moves: list[str], question: str) -> Callable[[str], object]:
    session = at_question(moves)
    assert session.at == question, f"the moves lead to {session.at}, not {question}"
    return lambda text: step(session, TextInput(text=text), today=TODAY)


def functions() -> dict[str, Callable[[str], object]]:
    regions = spellings("region")
    start = ["@ru", "@yes", "@KZ-15", "@urban"]
    adult = [*start, "@4", "5, 9", "@female"]
    return {
        "fold": fold,
        "words": words,
        "parse_yes_no": parse_yes_no,
        "parse_int": parse_int,
        "parse_int_list": parse_int_list,
        "parse_money": parse_money,
        "match_choice(region)": lambda text: match_choice(text, regions),
        "parse_choice_numbers(5)": lambda text: parse_choice_numbers(text, 5),
        "step@region": stepper(["@ru", "@yes"], "region"),
        "step@people": stepper(start, "people"),
        "step@child_ages": stepper([*start, "@4"], "child_ages"),
        "step@age": stepper(adult, "age"),
        "step@amount": stepper(
            [*adult, "38", "@works", "@husband", "40", "@works", "@done"], "amount"
        ),
    }


def per_call(function: Callable[[str], object], text: str, repeat: int) -> float:
    """Seconds per call, the fastest of `repeat` rounds of enough calls to last ~5 ms.

    The garbage collector is off while timing, as in `timeit`, so a collection that happens to
    fall in one size's round does not make a linear parser look superlinear.
    """
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter()
        function(text)
        first = time.perf_counter() - t0
        if first > TOO_SLOW_S:
            return first
        calls = max(1, min(1000, int(0.005 / max(first, 1e-7))))
        best = first
        for _ in range(repeat):
            t0 = time.perf_counter()
            for _ in range(calls):
                function(text)
            best = min(best, (time.perf_counter() - t0) / calls)
        return best
    finally:
        gc.enable()


def main() -> int:
    parser = argparse.ArgumentParser(description="time dialogs.parse on long adversarial input")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget-ms", type=float, default=50.0)
    parser.add_argument("--only", default="", help="run only functions whose name contains this")
    args = parser.parse_args()

    failures: list[str] = []
    sizes = "".join(f"{f'{n // 1024}k' if n % 1024 == 0 else f'{n // 1000}k':>10}" for n in SIZES)
    header = f"{'function':<24}{'input':<12}{sizes}{'64k/16k':>9}"
    print(f"milliseconds per call; budget {args.budget_ms:g} ms at {BUDGET_SIZE} characters")
    print(header)
    print("-" * len(header))
    for name, function in functions().items():
        if args.only not in name:
            continue
        for shape, make in SHAPES.items():
            times: dict[int, float] = {}
            for size in SIZES:
                text = make(size)
                try:
                    times[size] = per_call(function, text, args.repeat) * 1000
                except Exception as error:  # the parsers promise never to raise
                    failures.append(f"{name} on {shape} × {size}: raised {error!r}")
                    break
                if times[size] > TOO_SLOW_S * 1000:
                    failures.append(f"{name} on {shape} × {size}: {times[size]:.0f} ms, stopped")
                    break
            small, large = (times.get(n) for n in RATIO_SIZES)
            if small and large and large / small > MAX_RATIO:
                # Once more with more rounds before calling it superlinear: a busy machine can
                # slow one size down; a quadratic parser stays at about 16.
                for n in RATIO_SIZES:
                    times[n] = per_call(function, make(n), 3 * args.repeat) * 1000
                small, large = (times[n] for n in RATIO_SIZES)
            ratio = large / small if small and large else None
            flag = ""
            if times.get(BUDGET_SIZE, 0.0) > args.budget_ms:
                failures.append(f"{name} on {shape}: {times[BUDGET_SIZE]:.1f} ms at 4096")
                flag = "  SLOW"
            if ratio is not None and large and large >= RATIO_FLOOR_MS and ratio > MAX_RATIO:
                failures.append(f"{name} on {shape}: time(64k)/time(16k) = {ratio:.1f}")
                flag = "  SUPERLINEAR"
            cells = "".join(f"{times[n]:>10.3f}" if n in times else f"{'-':>10}" for n in SIZES)
            shown = f"{ratio:>9.1f}" if ratio is not None else f"{'-':>9}"
            print(f"{name:<24}{shape:<12}{cells}{shown}{flag}", flush=True)
    if failures:
        print(f"\nFAILED ({len(failures)}):")
        for failure in failures:
            print(f"  {failure}")
        return 1
    print("\nall calls within budget, all growth linear")
    return 0


if __name__ == "__main__":
    sys.exit(main())
