"""Drive a conversation in tests with presses, typed text and commands, counting user actions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from dialogs import ButtonPress, Command, Event, Reply, Session, TextInput, render, step
from dialogs.events import CommandName

APPLICATION_DAY = date(2026, 2, 10)
"""A pinned 'today': the income quarter is October–December 2025, Aktobe has a published line."""


@dataclass
class Conversation:
    """A session played step by step, keeping the last replies and counting user actions."""

    today: date = APPLICATION_DAY
    session: Session = field(default_factory=Session.new)
    replies: list[Reply] = field(default_factory=list)
    actions: int = 0

    def send(self, event: Event) -> list[Reply]:
        self.session, self.replies = step(self.session, event, today=self.today)
        return self.replies

    def start(self) -> Conversation:
        self.send(Command(name="start"))
        return self

    @property
    def question(self) -> str | None:
        asked = [r.question for r in self.replies if r.question]
        return asked[-1] if asked else None

    def press(self, value: str) -> list[Reply]:
        assert self.question is not None, "no question is open"
        self.actions += 1
        return self.send(
            ButtonPress(question=self.question, value=value, version=self.session.version)
        )

    def say(self, text: str) -> list[Reply]:
        self.actions += 1
        return self.send(TextInput(text=text))

    def command(self, name: CommandName) -> list[Reply]:
        self.actions += 1
        return self.send(Command(name=name))

    def text(self, lang: str | None = None) -> str:
        """Everything the bot said in the last step, option labels as `[label]`."""
        language = lang or self.session.language or "ru"
        parts = []
        for reply in render(self.replies, language):  # type: ignore[arg-type]
            parts.append(reply.text)
            parts.extend(f"[{option.label}]" for option in reply.options)
        # Babel groups digits and joins the ₸ sign with no-break spaces; transcripts use plain ones.
        return "\n\n".join(parts).replace("\u00a0", " ").replace("\u202f", " ")

    def options(self) -> list[str]:
        asked = [r for r in self.replies if r.question]
        return [o.value for o in asked[-1].options] if asked else []

    def play(self, moves: Iterable[str]) -> Conversation:
        """Moves: `@value` presses a button, `/name` is a command, anything else is typed."""
        for move in moves:
            if move.startswith("@"):
                self.press(move[1:])
            elif move.startswith("/") and move[1:] in {
                "start",
                "back",
                "restart",
                "language",
                "help",
                "summary",
            }:
                self.command(move[1:])  # type: ignore[arg-type]
            else:
                self.say(move)
        return self


# Moves that bring a conversation to each of its questions (the property and API tests use them).
BASE = ["@ru", "@yes", "@KZ-15", "@urban", "@4", "5, 9", "@female", "38"]
COUPLE = [*BASE, "@works", "@husband", "40", "@works"]
"""BASE's couple, both working: the income question comes next."""
PREFIXES: dict[str, list[str]] = {
    "language": [],
    "consent": ["@ru"],
    "declined": ["@kk", "@no"],
    "region": ["@ru", "@yes"],
    "settlement": ["@ru", "@yes", "@KZ-15"],
    "people": ["@ru", "@yes", "@KZ-15", "@urban"],
    "child_ages": ["@ru", "@yes", "@KZ-15", "@urban", "@4"],
    "sex": ["@ru", "@yes", "@KZ-15", "@urban", "@4", "5, 9"],
    "age": ["@ru", "@yes", "@KZ-15", "@urban", "@4", "5, 9", "@female"],
    "status": BASE,
    "disability": [*BASE, "@disability"],
    "also": [*BASE, "@disability", "@group_3"],
    "relation": [*BASE, "@works"],
    "age_of_other": [*BASE, "@works", "@husband"],
    "caring_for": [*BASE, "@works", "@husband", "40", "@caring"],
    "child_disab": [*BASE, "@works", "@husband", "40", "@caring", "@disabled_child"],
    "incomes": COUPLE,
    "amount": [*COUPLE, "@alimony", "@done"],
    "loans": [*COUPLE, "@done", "150 000"],
    "loan_amount": [*COUPLE, "@done", "150 000", "@new"],
    "sanctions": [*COUPLE, "@done", "150 000", "@no"],
    "summary": [*COUPLE, "@done", "150 000", "@no", "@no"],
    "after_result": [*COUPLE, "@done", "1000", "@no", "@no", "@confirm"],
    "kk_summary": [
        "@kk",
        "@yes",
        "Астана",
        "1",
        "@male",
        "70",
        "@pensioner",
        "@done",
        "60 мың",
        "@no",
    ],
}
