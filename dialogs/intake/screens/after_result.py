"""The result, and the screen under it: book a visit, change an answer, or start over."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from common.text import Renderable, msg
from dialogs.booking.screens import HANDOFF
from dialogs.household import to_household
from dialogs.intake.asking import ask
from dialogs.intake.declare import AFTER_RESULT, SUMMARY, Intake, Turn
from dialogs.intake.kinds import HINT_CHOICE
from dialogs.intake.navigation import bump, go, restart
from dialogs.intake.vocabulary import BOOK_WORDS, CHANGE_WORDS, START_OVER_WORDS
from dialogs.reply import Option, Reply, paragraphs
from dialogs.result import explain
from dialogs.session import Session
from eligibility import screen


def show_result(s: Session, day: date) -> list[Reply]:
    """Screen the household as answered, keep the result in the session, and explain it."""
    screening = screen(to_household(s, day))
    contract = screening.to_contract_json()
    contract.pop("steps", None)  # the trace is long; it is rebuilt from the answers when needed
    s.screening = contract
    return explain(s, screening, day)


def with_next_question(
    intake: Intake, s: Session, replies: list[Reply], today: date
) -> list[Reply]:
    """The current question under the last of `replies` (one message less to wait for)."""
    *first, last = replies
    return [*first, ask(intake, s, today, *last.text)]


_SPELLINGS: Final = {"book": BOOK_WORDS, "restart": START_OVER_WORDS, "change": CHANGE_WORDS}


@dataclass(frozen=True)
class AfterResult:
    id: str = AFTER_RESULT
    hint: Renderable = HINT_CHOICE
    spellings: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _SPELLINGS)

    def options(self, intake: Intake, s: Session) -> list[Option]:
        """The booking offer follows the verdict: first for a family that may get TSA (or is
        close to the line), after "change an answer" for one that is unlikely to."""
        change = Option("change", msg("Change an answer"))
        restart_option = Option("restart", msg("Start over"))
        if _verdict(s) == "not_eligible":
            return [change, Option("book", msg("Book a visit anyway")), restart_option]
        return [Option("book", msg("Book a visit")), change, restart_option]

    def reply(
        self, intake: Intake, s: Session, today: date, before: tuple[Renderable | None, ...]
    ) -> Reply:
        verdict = _verdict(s)
        if verdict == "not_eligible":
            prompt = msg(
                "By these figures applying may not be worth the trip, but only the center "
                "decides: you can still book a visit. What would you like to do next?"
            )
        elif verdict == "borderline":
            prompt = msg(
                "Close to the line, it is worth applying: book a visit to the center (or the "
                "akimat). What would you like to do next?"
            )
        else:
            prompt = msg("What would you like to do next?")
        return Reply(
            text=paragraphs(*before, prompt),
            question=self.id,
            options=tuple(self.options(intake, s)),
        )

    def press(self, intake: Intake, s: Session, value: str, today: date) -> Turn:
        if value == "restart":
            return restart(intake, s, today)
        if value == "change":
            new = bump(s)
            new.finished = False
            go(new, (SUMMARY, 0))
            return new, [ask(intake, new, today)]
        if value == "book":  # the front end starts the booking conversation
            return s, [Reply(text=(), handoff=HANDOFF)]
        return s, [ask(intake, s, today, self.hint)]


def _verdict(s: Session) -> str:
    """The stored result's verdict (`eligible`, `borderline`, `not_eligible`)."""
    screening = s.screening or {}
    verdict = screening.get("verdict")
    if isinstance(verdict, str):
        return verdict
    return "eligible" if screening.get("eligible") else "not_eligible"


SCREEN: Final = AfterResult()
