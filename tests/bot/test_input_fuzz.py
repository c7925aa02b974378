"""Arbitrary input never raises: the terminal's typed lines (QA D1), button data of every kind."""

from __future__ import annotations

import asyncio
import contextlib
import io
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking.settings import BookingSettings
from bot.callbacks import decode
from bot.callbacks_booking import AppointmentAction, BookingStep
from bot.terminal.database import TerminalDatabase
from bot.terminal.frontend import Terminal
from bot.terminal.reading import SPECIAL, chosen_option, coordinates, is_skip, to_event
from dialogs.booking.draft import Current, Draft
from dialogs.booking.flow import BookingFlow, StepPress, Who
from dialogs.events import Event
from dialogs.reply import RenderedOption, RenderedReply
from tests.booking.fake_booking_port import FakeCitizen
from tests.booking.test_booking_screens import NOW, make_port

DIGITS = st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=8)
NUMBERS = st.one_of(
    DIGITS,
    DIGITS.map(lambda text: "#" + text),
    st.integers(min_value=0, max_value=10**6).map(str),
    st.integers(min_value=4290, max_value=4400).map(lambda n: "1" * n),
    st.sampled_from(["²", "#²", "³", "#³", "٣", "#٣", "١٢", "𝟙", "⑴", "Ⅻ", "1.5", "1, 3"]),
)
LINES = st.one_of(NUMBERS, st.text(max_size=60))


@st.composite
def shown(draw: st.DrawFn) -> RenderedReply | None:
    count = draw(st.integers(min_value=0, max_value=25))
    if count == 0 and draw(st.booleans()):
        return None
    options = tuple(RenderedOption(f"v{i}", f"Option {i}") for i in range(count))
    return RenderedReply(
        text="?",
        question=draw(st.sampled_from(["people", "region", None])),
        options=options,
        columns=1,
        numbered=draw(st.booleans()),
    )


@settings(max_examples=800, deadline=None)
@given(line=LINES, last=shown(), version=st.integers(min_value=0, max_value=10**9))
def test_any_typed_line_is_an_event(line: str, last: RenderedReply | None, version: int) -> None:
    event: Event = to_event(line, last, version)
    assert event is not None
    if last is not None:
        chosen_option(line, last)
    coordinates(line)
    is_skip(line)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(LINES, max_size=12))
def test_any_lines_in_the_terminal_never_raise(lines: list[str]) -> None:
    """The intake path of the terminal itself (no booking command: that opens a database)."""
    typed = [line for line in lines if line.strip().lower() not in SPECIAL and "\n" not in line]
    out = io.StringIO()
    database = TerminalDatabase("sqlite+aiosqlite:///never-opened.sqlite3", demo=False)
    terminal = Terminal(
        out,
        today=date(2026, 2, 10),
        database=database,
        booking_settings=BookingSettings(),
        files_dir=Path("."),
    )

    async def play() -> None:
        await terminal.begin()
        for line in ["2", "1", *typed]:
            before = len(out.getvalue())
            assert await terminal.line(line)
            assert len(out.getvalue()) > before, f"no answer to {line!r}"

    asyncio.run(play())
    assert database._engine is None


@settings(max_examples=800, deadline=None)
@given(data=st.one_of(st.text(max_size=80), NUMBERS.map(lambda n: f"q:people:{n}:{n}")))
def test_any_callback_data_decodes_or_is_refused(data: str) -> None:
    decode(data)
    for kind in (BookingStep, AppointmentAction):
        # ValueError or TypeError is what aiogram's filter expects: "not this button".
        with contextlib.suppress(ValueError, TypeError):
            kind.unpack(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    action=st.one_of(st.sampled_from(["place", "day", "time", "region", "other"]), st.text()),
    value=st.one_of(NUMBERS, st.text(max_size=30)),
)
def test_any_booking_press_gets_an_answer(action: str, value: str) -> None:
    flow = BookingFlow(make_port(), FakeCitizen(known_region="KZ-71"))
    draft = Draft(step="place", region="KZ-71", offered=["A1", "A2", "A3"])

    async def press() -> None:
        who = Who(555, "ru", NOW)
        outcome = await flow.handle(who, Current(draft, 1), StepPress(action, value, 1))
        assert outcome is not None and outcome.replies

    asyncio.run(press())
