"""The issue's bars: short conversations, mostly button presses, counted from the first press."""

from __future__ import annotations

import pytest
from dialog_helpers import Conversation


class Counted(Conversation):
    presses: int = 0

    def press(self, value: str):  # type: ignore[no-untyped-def]
        self.presses += 1
        return super().press(value)


FAMILY_OF_FOUR = [
    "@{lang}",
    "@yes",
    "@KZ-55",
    "@rural",
    "@4",
    "3, 8",
    "@male",
    "41",
    "@works",
    "@wife",
    "39",
    "@caring",
    "@child_under_3",
    "@benefits",
    "@done",
    "180 000",
    "35 000",
    "@no",
    "@no",
    "@confirm",
]
SINGLE_PENSIONER = [
    "@{lang}",
    "@yes",
    "@KZ-63",
    "@urban",
    "@1",
    "@female",
    "72",
    "@pensioner",
    "@done",
    "85 000",
    "@no",
    "@confirm",
]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_family_of_four_with_two_incomes_in_at_most_20_actions(lang: str) -> None:
    talk = Counted().start().play(m.format(lang=lang) for m in FAMILY_OF_FOUR)
    assert talk.session.finished
    assert talk.session.screening is not None
    assert talk.session.screening["members_counted"] == 4
    assert set(talk.session.amounts) == {"wages", "benefits"}
    assert talk.actions <= 20
    assert talk.presses > talk.actions / 2, "most actions are button presses"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_single_pensioner_in_at_most_12_actions(lang: str) -> None:
    talk = Counted().start().play(m.format(lang=lang) for m in SINGLE_PENSIONER)
    assert talk.session.finished
    assert talk.session.screening is not None
    assert talk.session.screening["assistance"] in {"unconditional", None}
    assert talk.session.amounts == {"pension": 255000}
    assert talk.actions <= 12
    assert talk.presses > talk.actions / 2


def test_progress_is_realistic_for_the_path() -> None:
    """The last question's number equals the announced total: the estimate converges."""
    talk = Counted().start().play(m.format(lang="ru") for m in FAMILY_OF_FOUR[:-2])
    assert talk.session.at == "sanctions"
    assert "Вопрос 16 (всего около 16)" in talk.text()
