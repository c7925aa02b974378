"""/delete_my_data erases everything after a confirmation; stale answers expire."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from bot.app import Application
from bot.retention import purge_once
from komek_testing.fake_telegram import FakeTelegram
from komek_testing.players import Player, current_question
from storage.base import utc_now
from storage.conversation import Conversation, Screening, User

ERASED = {
    "ru": ("Ваши данные удалены", "ответов", "1 результат проверки", "0 записей на приём"),
    "kk": ("Деректеріңіз өшірілді", "жауап", "1 тексеру нәтижесі", "0 қабылдауға жазылу"),
}


@pytest.mark.parametrize("language", ["kk", "ru"])
async def test_delete_my_data_erases_every_row_after_confirmation(
    fake: FakeTelegram, bot_app: Application, language: str
) -> None:
    user = fake.user(51, language_code=language)
    other = fake.user(52, language_code=language)
    for person in (user, other):
        await person.send_command("/start")
        await person.wait_reply()
        await Player(person, language).play_until("after_result")

    await user.send_command("/delete_my_data")
    confirm = await user.wait_reply()
    assert len(confirm.buttons) == 2
    await user.press(confirm.buttons[1][0][0])  # "No": nothing happens
    assert (await user.wait_reply()).edited
    await user.wait_idle(quiet=0.2)
    async with bot_app.sessionmaker() as db:
        assert await db.get(User, user.chat_id) is not None

    await user.send_command("/delete_my_data")
    confirm = await user.wait_reply()
    await user.press(confirm.buttons[0][0][0])  # "Yes"
    await user.wait_idle(quiet=0.2)
    report = next(m for m in user.messages if m.message_id == confirm.message_id).text or ""
    for fragment in ERASED[language]:
        assert fragment in report

    async with bot_app.sessionmaker() as db:
        for model in (User, Conversation, Screening):
            left = (await db.scalars(select(model.chat_id))).all()
            assert left == [other.chat_id], model.__tablename__

    # Writing again starts from scratch.
    await user.send_command("/start")
    await user.wait_reply()
    assert current_question(user)[1] == "language"


async def test_the_retention_purge_erases_answers_never_finished(
    fake: FakeTelegram, bot_app: Application
) -> None:
    quitter, finisher = fake.user(61, language_code="ru"), fake.user(62, language_code="ru")
    for person in (quitter, finisher):
        await person.send_command("/start")
        await person.wait_reply()
    await Player(quitter, "ru").play_until("people")
    await Player(finisher, "ru").play_until("after_result")
    async with bot_app.sessionmaker() as db, db.begin():
        await db.execute(update(Conversation).values(updated_at=utc_now() - timedelta(days=31)))
    report = await purge_once(bot_app.sessionmaker, retention_days=30)
    assert report.conversations == 1
    async with bot_app.sessionmaker() as db:
        kept = (await db.scalars(select(Conversation.chat_id))).all()
        assert kept == [finisher.chat_id]
        assert await db.scalar(select(func.count()).select_from(Screening)) == 1
