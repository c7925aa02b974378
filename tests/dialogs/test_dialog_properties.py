"""Property tests: any text or button at any question never breaks the step, and never changes an
answer given earlier (only an explicit "start over" erases answers)."""

from __future__ import annotations

from functools import cache
from typing import Any

from dialog_helpers import APPLICATION_DAY, PREFIXES, Conversation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogs import ButtonPress, Command, Session, TextInput
from dialogs.intake.questions.income import counted_kinds
from dialogs.intake.shipped import INTAKE, path
from dialogs.intake.step import take
from dialogs.intake.vocabulary import RESTART_WORDS
from dialogs.parse import words

TRICKY = [
    "",
    " ",
    "0",
    "-1",
    "1e9",
    "99999999999999999999",
    "1,5",
    "½",
    "🙂",
    "/start",
    "назад",
    "иә",
    "жоқ",
    "нет",
    "да",
    "10 000 000 000 000",
    "5, 9 и 12",
    "Алматы",
    "ауыл",
    "готово",
    "\x00",
    "\u202e",
    "а" * 500,
    "1 2 3 4 5 6 7 8 9 10",
    "#3",
    "казакша",
    "русский",
    "?",
    "150 тыс в месяц за квартал",
    "NaN",
    "inf",
    "0x10",
    "3.14.15",
    "١٢٣",
]


@cache
def session_at(name: str) -> Session:
    return Conversation().start().play(PREFIXES[name]).session


def answer_of(s: Session, entry: str) -> Any:
    question, _, index = entry.partition(":")
    i = int(index)
    adult = s.adults[i] if i < len(s.adults) else None
    values: dict[str, Any] = {
        "consent": s.consent,
        "region": s.region,
        "settlement": s.settlement,
        "people": s.people,
        "child_ages": s.child_ages,
        "sex": adult and adult.sex,
        "age": adult and adult.age,
        "relation": adult and adult.relation,
        "status": adult and adult.status,
        "disability": adult and adult.disability,
        "caring_for": adult and adult.caring_for,
        "incomes": s.income_kinds,
        "loans": s.loans,
        "loan_amount": s.loan_amount,
        "sanctions": s.sanctions,
    }
    if question == "amount":
        kinds = counted_kinds(s)
        return s.amounts.get(kinds[i]) if i < len(kinds) else None
    return values.get(question)


def earlier_answers(s: Session) -> dict[str, Any]:
    return {e: answer_of(s, e) for e in s.history if not e.startswith(("language", "summary"))}


def _check(before: Session, after: Session) -> None:
    assert Session.model_validate_json(after.model_dump_json()) == after
    assert after.version >= before.version
    if after.version == before.version:
        assert after == before
    for entry, value in earlier_answers(before).items():
        assert answer_of(after, entry) == value, entry
    assert after.at in INTAKE.names


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    where=st.sampled_from(sorted(PREFIXES)),
    text=st.one_of(st.sampled_from(TRICKY), st.text(max_size=60)),
)
def test_any_text_at_any_question(where: str, text: str) -> None:
    before = session_at(where)
    after, replies = take(INTAKE, before, TextInput(text=text), APPLICATION_DAY)
    assert replies, "every input gets an answer"
    if words(text) in RESTART_WORDS or (before.finished and after.region is None):
        return  # "start over" (typed, or option 3 after the result) erases answers on purpose
    _check(before, after)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    where=st.sampled_from(sorted(PREFIXES)),
    question=st.one_of(st.sampled_from(sorted(INTAKE.names)), st.text(max_size=16)),
    value=st.one_of(
        st.sampled_from(["yes", "no", "done", "back", "4", "0", "999", "KZ-15", "mode_q", "none"]),
        st.text(max_size=20),
    ),
    version_shift=st.integers(min_value=-3, max_value=3),
)
def test_any_button_at_any_question(
    where: str, question: str, value: str, version_shift: int
) -> None:
    before = session_at(where)
    press = ButtonPress(question=question, value=value, version=before.version + version_shift)
    after, replies = take(INTAKE, before, press, APPLICATION_DAY)
    assert replies
    if value == "restart":
        return
    _check(before, after)


@st.composite
def walks(draw: Any) -> list[tuple[str, Any]]:
    """Random user behaviour: mostly pressing offered options, sometimes typing or commanding."""
    moves: list[tuple[str, Any]] = []
    for _ in range(draw(st.integers(min_value=1, max_value=60))):
        kind = draw(st.sampled_from(["offered", "offered", "offered", "text", "command"]))
        if kind == "offered":
            moves.append(("offered", draw(st.integers(min_value=0, max_value=30))))
        elif kind == "text":
            moves.append(("text", draw(st.one_of(st.sampled_from(TRICKY), st.text(max_size=20)))))
        else:
            moves.append(
                (
                    "command",
                    draw(
                        st.sampled_from(["start", "back", "restart", "language", "help", "summary"])
                    ),
                )
            )
    return moves


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(moves=walks())
def test_random_walks_keep_the_session_consistent(moves: list[tuple[str, Any]]) -> None:
    session = Session.new()
    session, replies = take(INTAKE, session, Command(name="start"), APPLICATION_DAY)
    for kind, what in moves:
        event: Any
        if kind == "offered":
            asked = [r for r in replies if r.question and r.options]
            if not asked:
                continue
            options = asked[-1].options
            event = ButtonPress(
                question=asked[-1].question or "",
                value=options[what % len(options)].value,
                version=session.version,
            )
        elif kind == "text":
            event = TextInput(text=what)
        else:
            event = Command(name=what)
        before = session
        session, replies = take(INTAKE, session, event, APPLICATION_DAY)
        assert replies
        assert session.version >= before.version
        assert Session.model_validate_json(session.model_dump_json()) == session
        assert session.at in INTAKE.names
        if session.at not in {"language", "consent", "after_result", "start_over"}:
            assert (session.at, session.idx) in path(session), (session.at, session.idx)
        if session.at != "start_over":  # "Start over?" stands on top of any position
            assert session.finished == (session.at == "after_result")
