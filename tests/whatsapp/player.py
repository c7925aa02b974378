"""A simulated family on WhatsApp: presses the buttons and list rows the app sent (by their id),
types what a person would type, until the screening result, then books a visit.

Options are found by their value in the ids WhatsApp carries back (`q|question|version|value`,
`b|version|action:value`); a value on a later page of a long list is reached with "More…".
`buttons` gives the value to press per question (a list: one per time it is asked), `typed`
what to type instead (per question, one per time asked). Nothing here knows the app's
internals beyond those ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from komek_testing.fake_graph import FakeWhatsAppUser, SentMessage


@dataclass
class Family:
    language: str
    buttons: Mapping[str, str | list[str]]
    typed: Mapping[str, list[str]]
    phone: str = "+7 701 234 56 78"
    contact_card: bool = False
    """Give the phone as a contact card (else typed)."""
    asked: list[str] = field(default_factory=list)


ASTANA_ALONE: dict[str, str | list[str]] = {  # a woman of 40 in Astana, living alone, no income
    "consent": "yes",
    "region": "KZ-71",
    "settlement": "urban",
    "people": "1",
    "sex": "female",
    "status": "unemployed",
    "incomes": "done",
    "loans": "no",
    "sanctions": "no",
    "summary": "confirm",
}

FAMILY_OF_THREE: dict[str, str | list[str]] = {
    # mother 34 working, husband 36 unemployed, child of 5, in Shymkent (the region typed)
    "consent": "yes",
    "settlement": "urban",
    "people": "3",
    "sex": "female",
    "relation": "husband",
    "status": ["works", "unemployed"],
    "incomes": ["wages", "done"],
    "loans": "no",
    "sanctions": "no",
    "summary": "confirm",
}


def parts(choice_id: str) -> tuple[str, str, str] | None:
    """(conversation, question, value) of an id the app made."""
    kind, _, rest = choice_id.partition("|")
    if kind == "q":
        question, _, tail = rest.partition("|")
        return "intake", question, tail.partition("|")[2]
    if kind == "b":
        value = rest.partition("|")[2]
        return "booking", value.partition(":")[0], value
    if kind == "p":
        return "page", "", rest
    return None


def asking(messages: list[SentMessage]) -> tuple[SentMessage, str, str] | None:
    """The newest message with choices: (it, its conversation, its question)."""
    for message in reversed(messages):
        for choice_id, _, _ in message.choices:
            found = parts(choice_id)
            if found is not None and found[0] != "page":
                return message, found[0], found[1]
    return None


async def pick(user: FakeWhatsAppUser, message: SentMessage, wanted: str) -> None:
    """Press the option whose value is `wanted` (exact, else starting with it), paging on."""
    for _ in range(5):
        for choice_id, _, _ in message.choices:
            found = parts(choice_id)
            if found and found[0] != "page" and (found[2] == wanted):
                await user.press(choice_id)
                return
        more = [c for c, _, _ in message.choices if c.startswith("p|")]
        if not more:
            break
        await user.press(more[0])
        new = await user.replies()
        message = new[-1]
    raise LookupError(f"{wanted!r} not among {message.choices}")


async def play_intake(user: FakeWhatsAppUser, family: Family, limit: int = 60) -> list[str]:
    """Answer every question until the screen under the result; the questions asked."""
    await user.send_text("Сәлеметсіз бе")
    typed = {key: list(values) for key, values in family.typed.items()}
    buttons = {
        key: [value] if isinstance(value, str) else list(value)
        for key, value in family.buttons.items()
    }
    for _ in range(limit):
        shown = await user.replies()
        found = asking(user.messages)
        assert found is not None, [m.text for m in shown]
        message, _, question = found
        family.asked.append(question)
        if question == "after_result":
            return family.asked
        if question == "language":
            await pick(user, message, family.language)
        elif typed.get(question):
            await user.send_text(typed[question].pop(0))
        else:
            values = [part[2] for c, _, _ in message.choices if (part := parts(c))]
            planned = buttons.get(question)
            wanted = planned.pop(0) if planned and len(planned) > 1 else None
            wanted = wanted or (planned[0] if planned else None)
            if wanted is None:
                wanted = next(v for v in values if v not in ("back", ""))
            await pick(user, message, wanted)
    raise AssertionError(f"no result after {family.asked}")


async def play_booking(user: FakeWhatsAppUser, family: Family, limit: int = 15) -> list[str]:
    """From the screen under the result: "Book a visit", the first place, day and time, the
    phone (typed, or as a contact card when `family.typing`), confirm; the steps seen."""
    found = asking(user.messages)
    assert found is not None and found[2] == "after_result"
    await pick(user, found[0], "book")
    steps: list[str] = []
    for _ in range(limit):
        shown = await user.replies()
        if any(m.kind == "document" for m in shown):
            return steps
        if any(m.kind == "text" and "+7" in m.text for m in shown) and (
            not shown[-1].choices and shown[-1].kind == "text"
        ):
            steps.append("phone")
            if family.contact_card:
                await user.send_contact(family.phone.replace(" ", ""))
            else:
                await user.send_text(family.phone)
            continue
        found = asking(shown) or asking(user.messages)
        assert found is not None, [m.text for m in shown]
        message, conversation, step = found
        assert conversation == "booking", (conversation, step)
        steps.append(step)
        values = [
            part[2] for c, _, _ in message.choices if (part := parts(c)) and part[0] != "page"
        ]
        wanted = next(
            v for v in values if v.partition(":")[0] not in ("stop", "other", "back", "again")
        )
        await pick(user, message, wanted)
    raise AssertionError(f"not booked after {steps}")
