"""Every question of the intake, reached by playing a household, fed arbitrary text: the step never
raises, and the text is either taken as the answer or answered with a hint and the same question,
every earlier answer kept (QA review 2026-11: D1, D2, D4, D9)."""

from __future__ import annotations

from functools import cache

from dialog_helpers import APPLICATION_DAY, PREFIXES, Conversation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_dialog_properties import answer_of, earlier_answers

from dialogs import Reply, Session, TextInput, render
from dialogs.intake.shipped import INTAKE, ask
from dialogs.intake.step import take
from dialogs.intake.vocabulary import (
    BACK_WORDS,
    HELP_WORDS,
    LANGUAGE_WORDS,
    RESTART_WORDS,
    SUMMARY_WORDS,
)
from dialogs.parse import words

QUESTIONS = sorted(name for name in PREFIXES if name in INTAKE.by_id)
"""Every question with a household that reaches it (the dialog helpers keep one per question)."""

AWKWARD = st.sampled_from(
    [
        "²",
        "#³",
        "٣",
        "١٢٣",
        "1" * 4301,
        "-3",
        "−100 000",
        "-0",
        "🙂",
        "👨‍👩‍👧",
        "1.5",
        "2 года и 8 месяцев",
        "1 жасқа толмаған",
        "150,5",
        "71 191,40",
        "?",
        "",
        "\u202e12",
        "9" * 50 + " тыс",
    ]
)
TEXTS = st.one_of(
    AWKWARD,
    st.text(max_size=40),
    st.text(alphabet=st.characters(categories=["Nd", "No", "Pd", "Sm", "So"]), max_size=12),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)


@cache
def session_at(name: str) -> Session:
    session = Conversation().start().play(PREFIXES[name]).session
    assert session.at == name, (name, session.at)
    return session


def test_every_question_is_reached() -> None:
    declared = {q.id for q in INTAKE.questions}
    assert declared <= set(QUESTIONS)
    for name in QUESTIONS:
        session_at(name)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(where=st.sampled_from(QUESTIONS), text=TEXTS)
def test_any_text_at_every_question(where: str, text: str) -> None:
    before = session_at(where)
    after, replies = take(INTAKE, before, TextInput(text=text), APPLICATION_DAY)  # raises if broken
    assert replies
    assert Session.model_validate_json(after.model_dump_json()) == after
    w = words(text)
    commands = BACK_WORDS | RESTART_WORDS | SUMMARY_WORDS | HELP_WORDS | set(LANGUAGE_WORDS)
    if w in commands:
        return  # a command typed as a word (help, back, start over…) does what it says
    for entry, value in earlier_answers(before).items():
        assert answer_of(after, entry) == value, entry
    if (after.at, after.idx) != (before.at, before.idx):
        return  # taken as the answer: the conversation moved on
    asked = [r for r in replies if r.question]
    assert asked and asked[-1].question == where
    redrawn = after.draft != before.draft or after.money_mode != before.money_mode
    if _answer(after, where) == _answer(before, where) and not redrawn:
        said = _text(replies)
        plain = _text([ask(after, APPLICATION_DAY)])
        assert said.endswith(plain) and len(said) > len(plain), said  # a hint, then the question


def _text(replies: list[Reply]) -> str:
    return "\n\n".join(r.text for r in render(replies, "ru"))


def _answer(s: Session, where: str) -> object:
    question = INTAKE.by_id[where]
    return question.field.read(s, s.idx)
