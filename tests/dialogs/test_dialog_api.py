"""The public API the front ends rely on: compact sessions, short callback data, calm events."""

from __future__ import annotations

import dataclasses

import pytest
from dialog_helpers import APPLICATION_DAY, PREFIXES, Conversation

from dialogs import (
    CONSENT_TEXT_VERSION,
    ButtonPress,
    Command,
    ContactShared,
    LocationShared,
    RenderedReply,
    Session,
    TextInput,
    render,
    step,
)
from dialogs.booking.screens import HANDOFF


@pytest.mark.parametrize("where", sorted(PREFIXES))
def test_buttons_fit_telegram_callback_data(where: str) -> None:
    talk = Conversation().start().play(PREFIXES[where])
    for reply in talk.replies:
        if not reply.options:
            continue
        assert reply.question is not None and len(reply.question) <= 16
        for option in reply.options:
            assert option.value.isascii() and 0 < len(option.value) <= 20
            data = f"{reply.question}:{option.value}:{talk.session.version}"
            assert len(data.encode()) <= 64


@pytest.mark.parametrize("where", sorted(PREFIXES))
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_rendered_replies_are_plain_and_short(where: str, lang: str) -> None:
    talk = Conversation().start().play(PREFIXES[where])
    for reply in render(talk.replies, lang):  # type: ignore[arg-type]
        assert isinstance(reply, RenderedReply)
        assert reply.text and len(reply.text) < 4096
        assert "{" not in reply.text, reply.text  # no placeholder left unfilled
        assert all(o.label for o in reply.options)
        assert reply.request is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        reply.text = "x"  # type: ignore[misc]


def test_session_is_small_json_and_round_trips() -> None:
    talk = Conversation().start().play(PREFIXES["after_result"])
    assert talk.session.finished and talk.session.screening is not None
    data = talk.session.model_dump_json()
    assert len(data) < 2500
    assert Session.model_validate_json(data) == talk.session
    assert "steps" not in talk.session.screening  # the trace is not stored


def test_a_known_language_skips_the_language_question() -> None:
    _session, replies = step(
        Session.new(language="kk"), Command(name="start"), today=APPLICATION_DAY
    )
    assert replies[-1].question == "consent"


def test_consent_is_recorded_with_the_text_version() -> None:
    talk = Conversation().start().play(["@ru", "@yes"])
    assert talk.session.consent is True
    assert talk.session.consent_text_version == CONSENT_TEXT_VERSION


def test_every_state_change_bumps_the_version_and_no_op_keeps_it() -> None:
    talk = Conversation().start().play(["@ru"])
    version = talk.session.version
    talk.say("непонятно")
    assert talk.session.version == version
    talk.press("yes")
    assert talk.session.version == version + 1


def test_a_duplicate_delivery_is_a_calm_no_op() -> None:
    talk = Conversation().start().play(PREFIXES["status"])
    press = ButtonPress(question="status", value="works", version=talk.session.version)
    talk.send(press)
    after = talk.session
    talk.send(press)  # delivered again
    assert talk.session == after
    assert "Эта кнопка от предыдущего вопроса" in talk.text()


def test_contact_and_location_during_intake_are_answered_calmly() -> None:
    talk = Conversation().start().play(PREFIXES["region"])
    before = talk.session
    talk.send(ContactShared(phone="+77011234567"))
    assert talk.session == before and talk.question == "region"
    assert "нужны только для записи" in talk.text()
    talk.send(LocationShared(latitude=43.2, longitude=76.9))
    assert talk.session == before and talk.question == "region"


def test_start_in_the_middle_resumes_and_restart_erases() -> None:
    talk = Conversation().start().play(PREFIXES["incomes"])
    talk.send(Command(name="start"))
    assert talk.question == "incomes" and "С возвращением" in talk.text()
    version = talk.session.version
    talk.send(Command(name="restart"))
    assert talk.session.version == version + 1
    assert talk.session.people is None and talk.session.adults == []
    assert talk.question == "region"


def test_after_the_result_book_is_offered_and_left_to_the_front_end() -> None:
    talk = Conversation().start().play(PREFIXES["after_result"])
    assert talk.question == "after_result"
    assert talk.options() == ["book", "change", "restart"]
    before = talk.session
    talk.press("book")
    assert talk.session == before
    assert [reply.handoff for reply in talk.replies] == [HANDOFF], "booking takes over"
    talk.say("записаться")
    assert [reply.handoff for reply in talk.replies] == [HANDOFF], "typed, too"


def test_typed_text_works_for_every_kind_of_question() -> None:
    talk = Conversation().start()
    for text, question in [
        ("2", "consent"),
        ("да", "region"),
        ("15", "settlement"),  # option number 15: Mangystau
        ("город", "people"),
        ("2", "child_ages"),
        ("7", "sex"),
        ("мужчина", "age"),
        ("70", "status"),
        ("4", "incomes"),
        ("готово", "amount"),
        ("60 000", "loans"),
        ("1", "summary"),
        ("1", "after_result"),
    ]:
        talk.say(text)
        assert talk.question == question, (text, talk.text())
    assert talk.session.region == "KZ-47"
    assert talk.session.adults[0].status == "pensioner"


def test_help_keeps_the_question_and_the_answers() -> None:
    talk = Conversation().start().play(PREFIXES["amount"])
    before = talk.session
    talk.send(Command(name="help"))
    assert talk.session == before and talk.question == "amount"
    assert "сколько все члены семьи вместе получили на руки" in talk.text()
    talk.send(TextInput(text="?"))
    assert talk.session == before
