"""Where the household lives: the region, and in a region (not one of the three cities) whether
in a town or a village (in a village one applies at the akimat)."""

from __future__ import annotations

from typing import Any, Final

from common.text import Renderable, msg
from dialogs.intake.declare import Line, Question, Section, SessionField
from dialogs.intake.kinds import Choice, Narrow, OneOf
from dialogs.intake.questions.common import Lower, label_of, not_answered, static
from dialogs.intake.vocabulary import VILLAGE_OR_TOWN_WORDS
from dialogs.regions import CITIES, REGION_LABELS, REGIONS
from dialogs.reply import Option
from dialogs.session import Session

PLACE: Final = Section("place", edit=Option("e_place", msg("Change the region")))


def _store_region(s: Session, i: int, value: str) -> None:
    s.region = value
    if value in CITIES:
        s.settlement = "urban"


def _region_line(s: Session, i: int) -> Renderable:
    return msg("Region: {region}", region=REGION_LABELS.get(s.region or "", not_answered()))


REGION: Final = Question(
    id="region",
    section=PLACE,
    kind=OneOf(*(Choice(code, label, spellings) for code, label, spellings in REGIONS)),
    prompt=static(msg("In which region do you live? Choose or type it (a town name works too).")),
    field=SessionField("region"),
    summary=Line(_region_line),
    store=_store_region,
    hint=msg("I did not recognise the region. Choose it below or type its number."),
    columns=2,
)


def _outside_the_cities(s: Session, i: int) -> bool:
    return s.region not in CITIES


def _settlement_line(s: Session, i: int) -> Renderable | None:
    if s.region in CITIES:
        return None
    return msg("Lives in: {place}", place=Lower(label_of(SETTLEMENT.kind, s.settlement)))


SETTLEMENT: Final = Question(
    id="settlement",
    section=PLACE,
    kind=OneOf(
        Choice("urban", msg("City or town"), ("город", "кала", "city", "town")),
        Choice("rural", msg("Village"), ("село", "ауыл", "аул", "деревня", "village")),
        narrow=(
            Narrow(
                VILLAGE_OR_TOWN_WORDS,
                msg(
                    "Choose by who runs it: a village or rural settlement (with a rural akim) "
                    "is “Village”, and there you apply at the akimat; a town is “City or "
                    "town”, and there you apply at the employment center."
                ),
            ),
        ),
    ),
    prompt=static(msg("Do you live in a city or town, or in a village?")),
    field=SessionField("settlement"),
    summary=Line(_settlement_line),
    asked_if=_outside_the_cities,
    columns=2,
    help=msg(
        "In a village you apply at the akimat (the akim's office); "
        "in a town at the employment center."
    ),
)

QUESTIONS: Final[tuple[Question[Any], ...]] = (REGION, SETTLEMENT)
