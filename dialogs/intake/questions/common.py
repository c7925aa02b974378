"""Small helpers the question modules share: fixed prompts, labels of answers, the quarter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from common.i18n import Language
from common.text import Message, Months, Renderable, msg
from dialogs.intake.declare import Prompt
from dialogs.intake.kinds import AnswerKind
from dialogs.session import Session
from eligibility.calendar import previous_quarter


def quarter_months(today: date) -> Months:
    """The quarter whose income counts for an application made `today` (the previous one)."""
    start, end = previous_quarter(today)
    return Months(start, end)


def static(text: Renderable) -> Prompt:
    """A prompt that does not depend on the answers."""

    def prompt(s: Session, i: int, today: date) -> Renderable:
        return text

    return prompt


@dataclass(frozen=True, slots=True)
class Lower:
    """A label used mid-sentence: its first letter in lower case."""

    inner: Renderable

    def render(self, lang: Language) -> str:
        text = self.inner.render(lang)
        return text[:1].lower() + text[1:]


def label_of(kind: AnswerKind[Any], value: object) -> Renderable:
    """The label of the option `value` of a question's kind, for the summary."""
    for choice in kind.choices:
        if choice.value == value:
            return choice.label
    return not_answered()


def not_answered() -> Message:
    return msg("not answered")
