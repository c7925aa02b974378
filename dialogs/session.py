"""The conversation state: everything answered so far and where the conversation stands.

Stored as JSON in one row per chat, so it is small (a few hundred bytes), has no blobs and
tolerates fields it does not know (an older or newer deployment may have written it). `version`
grows with every change; buttons carry it, so a press on an old message is recognised.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from common.i18n import Language

CONSENT_TEXT_VERSION = "2026-11-27.1"
"""Which consent text the user agreed to; the bot stores it with the time of consent."""

RETENTION_DAYS = 30
"""How long answers are kept after the last message (the consent text promises this)."""

Status = Literal[
    "works", "unemployed", "student", "pensioner", "disability", "caring", "military", "ill"
]
MoneyMode = Literal["month", "quarter"]


class Person(BaseModel):
    """An adult of the household (index 0 is the applicant); children are kept as ages only."""

    model_config = ConfigDict(extra="ignore")

    relation: str | None = None
    sex: Literal["male", "female"] | None = None
    age: int | None = None
    status: Status | None = None
    disability: Literal["group_1", "group_2", "group_3"] | None = None
    caring_for: Literal["child_under_3", "disabled_child", "disabled_adult", "elderly"] | None = (
        None
    )
    also: Status | Literal["none"] | None = None
    """What the person does besides `status`: caring for someone while working, or working,
    a pension, care… next to a disability ("none": nothing else)."""


class Session(BaseModel):
    model_config = ConfigDict(extra="ignore")

    version: int = 0
    language: Language | None = None
    consent: bool | None = None
    consent_text_version: str | None = None

    at: str = "language"
    """The question waiting for an answer, or the screen shown (`summary`, `after_result`)."""
    idx: int = 0
    """Which adult (or which income) the question at `at` is about; 0 for a question asked once."""
    history: list[str] = Field(default_factory=list)
    """Positions answered before `at`, as `question:idx`, for going back one step."""
    editing: str | None = None
    """What is being changed from the summary: a section (`family`, `income`…) or one adult
    (`adult:1`); then `fill` (ask only what is missing) until the summary comes back."""
    resume: str | None = None
    """Where to continue after the language was switched mid-conversation."""

    region: str | None = None
    settlement: Literal["urban", "rural"] | None = None
    people: int | None = None
    child_ages: list[int] | None = None
    disabled_children: list[int] | None = None
    """Which children (indexes into `child_ages`) have the status of a child with a disability."""
    adults: list[Person] = Field(default_factory=list)
    income_kinds: list[str] | None = None
    draft: list[str] | None = Field(
        default=None, validation_alias=AliasChoices("draft", "income_draft")
    )
    """Options ticked so far while a several-choices question is open (one is open at a time).
    Older deployments stored it as `income_draft`."""
    money_mode: MoneyMode = "month"
    amounts: dict[str, Decimal] = Field(default_factory=dict)
    """Tenge received in the whole previous quarter, per income kind."""
    loans: Literal["no", "open", "new"] | None = None
    loan_amount: Decimal | None = None
    sanctions: Literal["no", "refused", "broke", "both"] | None = None

    doubted: str | None = None
    """An answer that was probably a slip (`question:index:value`), said back once: given again
    right away, it is taken."""
    answered_on: date | None = None
    """The day of the latest answer: questions asked depending on a dated figure (the retirement
    age) read it, as the path is computed without a clock."""

    finished: bool = False
    application_date: date | None = None
    screening: dict[str, Any] | None = None
    """The screening result in the public contract's JSON (without the trace) once shown."""

    def adults_count(self) -> int:
        """How many adults the household has: the people who are not children under 18.

        Until the children's ages are answered it is an estimate (at most two adults, three
        people when the number is not known either), which sizes the path and its progress count.
        The one formula: the path, the summary, the prompts and the screening all use it.
        """
        people = self.people if self.people is not None else 3
        if self.child_ages is None:
            return min(people, 2)
        return max(1, people - len(self.child_ages))

    @classmethod
    def new(cls, language: Language | None = None) -> Session:
        """The starting state; with a known language the language question is skipped."""
        if language is None:
            return cls()
        return cls(language=language, at="consent")
