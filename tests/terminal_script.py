"""Lines a terminal user types to get from the greeting to the result, found by playing the intake.

The questions change as the intake grows, so a test that drives the terminal as a subprocess
does not hard-code option numbers: it plays the same intake in-process first, answering each
question as a simple household would (a woman of 40 in Astana, living alone, no income), and
types what it typed there. A question not listed below gets its first option (or `#1`).
"""

from __future__ import annotations

from datetime import date
from typing import Final

from bot.terminal.reading import to_event
from dialogs import Command, RenderedReply, Session, render, step
from dialogs.intake.asking import BACK

PREFERRED: Final = {
    "language": "ru",
    "consent": "yes",
    "region": "KZ-71",
    "people": "1",
    "sex": "female",
    "status": "unemployed",
    "incomes": "done",
    "loans": "no",
    "sanctions": "no",
    "summary": "confirm",
}
TYPED: Final = {"age": "40", "child_ages": "нет", "amount": "0"}


def _line(question: str, reply: RenderedReply) -> str:
    if question in TYPED:
        return TYPED[question]
    values = [option.value for option in reply.options]
    wanted = PREFERRED.get(question)
    index = values.index(wanted) if wanted in values else 0
    if values[index] == BACK:
        index = 0
    return f"{'' if reply.numbered else '#'}{index + 1}"


def lines_to_result(today: date, limit: int = 60) -> list[str]:
    """What to type, from the greeting, until the screen under the result is shown."""
    session, replies = step(Session.new(), Command(name="start"), today=today)
    typed: list[str] = []
    for _ in range(limit):
        shown = [reply for reply in render(replies, session.language or "ru") if reply.question]
        if session.at == "after_result":
            return typed
        reply = shown[-1]
        line = _line(session.at, reply)
        typed.append(line)
        session, replies = step(session, to_event(line, reply, session.version), today=today)
    raise AssertionError(f"the result was not reached after {typed}")
