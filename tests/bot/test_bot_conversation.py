"""Whole conversations over real HTTP: a user typing and pressing buttons, in both languages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import Application
from komek_testing.fake_telegram import FakeTelegram
from komek_testing.players import Player, current_question, label_for
from storage.conversation import Conversation, Screening, User

GREETING = {"kk": "Сәлеметсіз бе", "ru": "Здравствуйте"}
RESULT_WORDS = {"kk": "АӘК", "ru": "АСП"}


@pytest.mark.parametrize("language", ["kk", "ru"])
async def test_a_whole_conversation_by_buttons_and_typing(
    fake: FakeTelegram, bot_app: Application, language: str
) -> None:
    user = fake.user(700_001, language_code=language)
    await user.send_command("/start")
    first = await user.wait_reply()
    assert GREETING[language] in (first.text or "")
    player = Player(user, language)
    asked = await player.play_until("after_result")

    assert asked[:3] == ["language", "consent", "region"]
    assert {"people", "child_ages", "sex", "age", "relation", "status", "incomes", "amount"} <= set(
        asked
    )
    texts = "\n".join(m.text or "" for m in user.messages)
    assert RESULT_WORDS[language] in texts
    # A pressed question becomes the next one, headed by the chosen answer.
    snapshots = fake.chat_events(user.chat_id)
    consent_label = player.labels[1]
    assert any(e.edited and (e.text or "").startswith(f"✔️ {consent_label}") for e in snapshots)
    # Before the result the summary is only marked answered and stays readable.
    summary = next(m for m in user.messages if (m.text or "").endswith(player.labels[-1]))
    assert summary.buttons == []
    assert fake.requests_for("sendChatAction", user.chat_id), "typing before the result"

    async with bot_app.sessionmaker() as db:
        row = await db.get(User, user.chat_id)
        assert row is not None and row.language == language
        assert row.consent_at is not None and row.consent_version
        screening = (await db.scalars(select(Screening))).one()
        assert screening.chat_id == user.chat_id
        assert "eligible" in screening.result and screening.household["people"] == 3
        conversation = await db.get(Conversation, user.chat_id)
        assert conversation is not None and conversation.finished_at is not None


async def test_labels_are_in_the_users_language(fake: FakeTelegram, bot_app: Application) -> None:
    labels: dict[str, str] = {}
    for chat_id, language in ((1, "kk"), (2, "ru")):
        user = fake.user(chat_id, language_code=language)
        await user.send_command("/start")
        await user.wait_reply()
        player = Player(user, language)
        await player.play_until("region")
        message, _ = current_question(user)
        labels[language] = label_for(message, "KZ-75")
    assert labels["kk"] == "Алматы қаласы"
    assert labels["ru"] != labels["kk"] and "Алматы" in labels["ru"]
