"""What is shown when consent is declined: the general rules, and a way to agree after all."""

from __future__ import annotations

from common.text import Renderable, Verbatim, msg
from dialogs.reply import Lines, Option, Reply


def declined(question: str) -> list[Reply]:
    """The general rules, then an “I agree” button answering the consent `question`."""
    agree = Reply(
        text=(msg("If you change your mind, press “I agree”."),),
        question=question,
        options=(Option("yes", msg("I agree")),),
        numbered=True,
    )
    return [Reply(text=general_rules()), agree]


def general_rules() -> tuple[Renderable, ...]:
    return (
        msg("Understood: I will not ask about your family. The general rules in short:"),
        Lines(
            (
                msg(
                    "• TSA is paid to families whose monthly income per person in the previous "
                    "quarter is below the poverty line of their region."
                ),
                msg(
                    "• The payment covers the difference: (poverty line − income per person) × "
                    "family members, plus a monthly payment for each child aged 1 to 6."
                ),
                msg(
                    "• If someone in the family can work, the help comes with a social contract "
                    "and employment measures."
                ),
                msg(
                    "• Apply at the employment center (in a village, at the akimat) with your "
                    "identity card, or online at egov.kz."
                ),
                msg(
                    "• More: {egov} and {gov}, the 1414 contact center.",
                    egov=Verbatim("https://egov.kz"),
                    gov=Verbatim("https://www.gov.kz/situations/11/58"),
                ),
            )
        ),
        msg("Assistance is assigned per quarter, by the income of the previous quarter."),
    )
