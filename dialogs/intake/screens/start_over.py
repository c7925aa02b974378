""" "Start over?" before typed words erase every answer (QA D18).

`заново`, `сначала` or `басынан` may be typed by someone who only meant "again" (the same
question once more): one word must not erase a dozen answers. So a typed start-over asks first;
the `/restart` command and the "Start over" option under the result stay immediate (they can
only be meant). The screen stands on top of the question it interrupted: that position is its
history entry, so "No" (and « Back) returns there with every answer kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Final

from common.text import Renderable, msg
from dialogs.intake.declare import Intake, Turn
from dialogs.intake.kinds import HINT_CHOICE, Choice, choice_table
from dialogs.intake.navigation import START_OVER, back, restart
from dialogs.intake.vocabulary import NO_WORDS, YES_WORDS
from dialogs.reply import Option, Reply, paragraphs
from dialogs.session import Session

_CHOICES: Final = (
    Choice("yes", msg("Yes, erase my answers"), YES_WORDS),
    Choice("no", msg("No, continue"), (*NO_WORDS, "back", "назад", "артка")),
)


@dataclass(frozen=True)
class ConfirmStartOver:
    id: str = START_OVER
    hint: Renderable = HINT_CHOICE

    @cached_property
    def spellings(self) -> Mapping[str, tuple[str, ...]]:
        return choice_table(_CHOICES)

    def options(self, intake: Intake, s: Session) -> list[Option]:
        return [Option(choice.value, choice.label) for choice in _CHOICES]

    def reply(
        self, intake: Intake, s: Session, today: date, before: tuple[Renderable | None, ...]
    ) -> Reply:
        question = msg("Start over? Every answer you gave will be erased.")
        return Reply(
            text=paragraphs(*before, question),
            question=self.id,
            options=tuple(self.options(intake, s)),
        )

    def press(self, intake: Intake, s: Session, value: str, today: date) -> Turn:
        if value == "yes":
            return restart(intake, s, today)
        if value == "no":
            return back(intake, s, today)
        return s, [self.reply(intake, s, today, (self.hint,))]


SCREEN: Final = ConfirmStartOver()
