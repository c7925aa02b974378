"""One line of a screening's trace: which rule, the figure it gave, how, and from which source.

Every quantity (eligibility.quantities) returns its value with the Step(s) that explain it, so
the trace is built as the figures are, and a person can check each figure by hand.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

CENT = Decimal("0.01")
ONE = Decimal(1)
THREE = Decimal(3)
ZERO = Decimal(0)

StepValue = Decimal | int | str | bool | None


class Step(NamedTuple):
    """One line of the trace: which rule, the figure it gave, how, and the legal/data source.

    The explanation is kept as a template and its arguments and rendered on demand, so the
    trace costs little to build and a chat can word the same figures in its own language.
    """

    rule: str
    value: StepValue
    template: str
    args: tuple[Any, ...]
    source: str | None = None

    @property
    def explanation(self) -> str:
        return self.template.format(*self.args)

    def to_json(self) -> dict[str, Any]:
        value = float(self.value) if isinstance(self.value, Decimal) else self.value
        return {
            "rule": self.rule,
            "value": value,
            "explanation": self.explanation,
            "source": self.source,
        }


def whole_tenge(value: Decimal) -> int:
    """Rounded half-up to whole tenge: the estimate's one rounding of an amount (rules §9)."""
    return int(value.quantize(ONE, ROUND_HALF_UP))


def tiyn(value: Decimal) -> Decimal:
    """Rounded half-up to the tiyn (0.01 ₸), for a figure shown, never for a comparison."""
    return value.quantize(CENT, ROUND_HALF_UP)
