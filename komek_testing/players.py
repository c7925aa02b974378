"""A simulated person answering the intake by pressing the buttons the bot sent (by their label)
or typing, whatever the current question asks."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Final

from komek_testing.fake_telegram import FakeUser, SentMessage

# What a 3-person family (mother 34 working, husband 36 unemployed, child of 5) answers.
# A value in BUTTONS is pressed by the label of the button carrying it; TYPED is typed.
BUTTONS: Final[Mapping[str, str]] = {
    "consent": "yes",
    "region": "KZ-75",
    "settlement": "urban",
    "people": "3",
    "sex": "female",
    "relation": "husband",
    "loans": "no",
    "sanctions": "no",
    "summary": "confirm",
}
TYPED: Final[Mapping[str, str]] = {"child_ages": "5", "amount": "150000"}
AGES: Final = ("34", "36")
STATUSES: Final = ("works", "unemployed")


def _dialog_part(data: str) -> str:
    """`question:value:version` of a dialog button's data (`q:question:value:version`)."""
    return data.removeprefix("q:") if data.startswith("q:") else ""


def question_of(message: SentMessage) -> tuple[str, int] | None:
    """The question a message asks and the version its buttons carry (from callback data)."""
    for data in message.callback_data:
        question, _, rest = _dialog_part(data).partition(":")
        _, _, version = rest.rpartition(":")
        if version.isdigit():
            return question, int(version)
    return None


def label_for(message: SentMessage, value: str) -> str:
    for row in message.buttons:
        for label, data in row:
            _, _, rest = _dialog_part(data).partition(":")
            if rest.rpartition(":")[0] == value:
                return label
    raise LookupError(f"no button for {value!r} on {message.button_labels}")


def current_question(user: FakeUser) -> tuple[SentMessage, str]:
    for message in reversed(user.messages):
        found = question_of(message)
        if found is not None:
            return message, found[0]
    raise LookupError("no question asked yet")


class Player:
    """Answers one question per call, keeping count of per-person answers."""

    def __init__(self, user: FakeUser, language: str, *, timeout: float = 10.0) -> None:
        self.user = user
        self.timeout = timeout
        self.language = language
        self.ages = list(AGES)
        self.statuses = list(STATUSES)
        self.labels: list[str] = []

    async def answer_current(self) -> str:
        """Answer the question on screen; returns its id."""
        message, question = current_question(self.user)
        found = question_of(message)
        asked_at = found[1] if found else -1
        if question in TYPED:
            await self.user.send_text(TYPED[question])
        elif question == "age":
            await self.user.send_text(self.ages.pop(0))
        else:
            value = {
                "language": self.language,
                "status": self.statuses[0] if question == "status" else "",
                "incomes": "done",
            }.get(question) or BUTTONS[question]
            if question == "status":
                self.statuses.pop(0)
            label = label_for(message, value)
            self.labels.append(label)
            await self.user.press(label)
        await self.next_question(asked_at)
        return question

    async def next_question(self, after_version: int) -> SentMessage:
        """Wait for the bot to ask something newer than `after_version`."""
        while True:
            reply = await self.user.wait_reply(timeout=self.timeout)
            found = question_of(reply)
            if found is not None and found[1] > after_version:
                return reply

    async def play_until(self, stop_at: str = "after_result", limit: int = 40) -> list[str]:
        """Answer questions until `stop_at` is on screen; the ids answered, in order."""
        asked: list[str] = []
        for _ in range(limit):
            _, question = current_question(self.user)
            if question == stop_at:
                return asked
            asked.append(await self.answer_current())
        raise AssertionError(f"never reached {stop_at}: {asked}")


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> None:
    """Wait until `check()` holds (the bot works asynchronously); fail after `timeout`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"still not true after {timeout} s")
        await asyncio.sleep(0.02)
