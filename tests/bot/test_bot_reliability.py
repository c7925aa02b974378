"""Telegram's rough edges: 429, 403, duplicates, stale buttons, things the dialog cannot read."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from bot.app import Application
from komek_testing.fake_telegram import FakeTelegram
from komek_testing.players import Player, current_question, eventually, label_for
from storage.conversation import Conversation, ProcessedUpdate, User


async def test_flood_control_retry_after_is_honoured(
    fake: FakeTelegram, bot_app: Application
) -> None:
    user = fake.user(11, language_code="ru")
    fake.fail_next("sendMessage", status=429, retry_after=1, chat_id=user.chat_id)
    await user.send_command("/start")
    reply = await user.wait_reply(timeout=5)
    assert reply.buttons
    sends = fake.requests_for("sendMessage", user.chat_id)
    assert [r.status for r in sends] == [429, 200]
    assert sends[1].time - sends[0].time >= 1.0


async def test_a_user_who_blocked_the_bot_is_marked_and_not_messaged(
    fake: FakeTelegram, bot_app: Application
) -> None:
    user = fake.user(12, language_code="ru")
    await user.send_command("/start")
    await user.wait_reply()
    fake.block(user.chat_id)  # blocked while a message of theirs is still on its way
    await user.send_text("привет")
    await eventually(lambda: is_blocked(bot_app, user.chat_id))
    assert await bot_app.delivery.drain(5)
    # The turn's replies after the 403 were dropped, not tried one by one.
    refused = [r for r in fake.requests if r.chat_id == user.chat_id and r.status == 403]
    assert len(refused) == 1


async def test_blocking_and_unblocking_are_remembered(
    fake: FakeTelegram, bot_app: Application
) -> None:
    user = fake.user(13, language_code="kk")
    await user.send_command("/start")
    await user.wait_reply()
    await user.block_bot()
    await eventually(lambda: is_blocked(bot_app, user.chat_id))
    await user.unblock_bot()
    await eventually(lambda: is_unblocked(bot_app, user.chat_id))


async def menus_set(fake: FakeTelegram) -> bool:
    return all(fake.my_commands(language_code=code) for code in ("kk", "ru", ""))


async def is_blocked(app: Application, chat_id: int) -> bool:
    async with app.sessionmaker() as db:
        row = await db.get(User, chat_id)
        return row is not None and row.blocked_at is not None


async def is_unblocked(app: Application, chat_id: int) -> bool:
    return not await is_blocked(app, chat_id)


async def test_the_same_update_delivered_twice_is_processed_once(
    fake: FakeTelegram, bot_app: Application
) -> None:
    user = fake.user(14, language_code="ru")
    await user.send_command("/start")
    await user.wait_reply()
    message, _ = current_question(user)
    update_id = await user.press(label_for(message, "ru"))
    first = await user.wait_idle(quiet=0.2)
    await fake.redeliver(update_id)
    again = await user.wait_idle(quiet=0.3)
    assert first and again == []
    assert len(fake.requests_for("answerCallbackQuery")) == 1
    async with bot_app.sessionmaker() as db:
        conversation = await db.get(Conversation, user.chat_id)
        assert conversation is not None and conversation.version == 2  # /start, then one press
        claimed = await db.scalar(
            select(func.count())
            .select_from(ProcessedUpdate)
            .where(ProcessedUpdate.update_id == update_id)
        )
        assert claimed == 1


async def test_an_old_button_gets_a_toast_and_the_current_question(
    fake: FakeTelegram, bot_app: Application
) -> None:
    user = fake.user(15, language_code="ru")
    await user.send_command("/start")
    await user.wait_reply()
    player = Player(user, "ru")
    await player.play_until("sex")
    events = fake.chat_events(user.chat_id)
    asked = next(e for e in events if "people:" in "".join(e.callback_data))
    now = next(m for m in user.messages if m.message_id == asked.message_id)
    assert not any(d.startswith("q:people:") for d in now.callback_data), "answered: replaced"
    # A press on an old message (a client that still shows the buttons) is recognised.
    await user.press_on(asked.message_id, asked.callback_data[4])
    answer = await user.wait_callback_answer()
    assert "устарела" in answer.get("text", "")
    replies = await user.wait_idle(quiet=0.2)
    assert replies and current_question(user)[1] == "sex"
    async with bot_app.sessionmaker() as db:
        conversation = await db.get(Conversation, user.chat_id)
        assert conversation is not None and '"people":3' in conversation.data


@pytest.mark.parametrize(
    ("send", "hint"),
    [
        ("sticker", "понимаю только текст"),
        ("photo", "понимаю только текст"),
        ("voice", "понимаю только текст"),
        ("edit", "Изменённые сообщения"),
    ],
)
async def test_what_the_dialog_cannot_read_gets_a_hint_and_the_question_again(
    fake: FakeTelegram, bot_app: Application, send: str, hint: str
) -> None:
    user = fake.user(16, language_code="ru")
    first = await user.send_text("/start")
    await user.wait_reply()
    if send == "sticker":
        await user.send_sticker()
    elif send == "photo":
        await user.send_photo()
    elif send == "voice":
        await user.send_voice()
    else:
        message_id = fake._history[first]["message"]["message_id"]
        await user.edit_message(message_id, "/restart")
    reply = await user.wait_reply()
    assert hint in (reply.text or "")
    assert question_is_language(reply.callback_data)


def question_is_language(callback_data: list[str]) -> bool:
    return any(data.startswith("q:language:") for data in callback_data)


async def test_group_chats_get_a_polite_answer(fake: FakeTelegram, bot_app: Application) -> None:
    member = fake.group(-100_500, language_code="kk")
    await member.send_command("/start")
    reply = await member.wait_reply()
    assert "жеке чатта" in (reply.text or "")
    async with bot_app.sessionmaker() as db:
        assert await db.get(User, -100_500) is None


async def test_the_command_menu_is_set_in_both_languages(
    fake: FakeTelegram, bot_app: Application
) -> None:
    user = fake.user(17)
    await user.send_command("/start")
    await user.wait_reply()
    await eventually(lambda: menus_set(fake))
    menus = {code: fake.my_commands(language_code=code) for code in ("kk", "ru", "")}
    names = {code: [c["command"] for c in menu] for code, menu in menus.items()}
    expected = ["start", "book", "my_appointment", "language", "restart", "help", "delete_my_data"]
    assert names == {"kk": expected, "ru": expected, "": expected}
    described = {
        code: {c["command"]: c["description"] for c in menu} for code, menu in menus.items()
    }
    assert described["kk"]["language"] == "Тілді ауыстыру"
    assert described["ru"]["language"] == "Сменить язык"
    assert described["kk"]["book"] == "Қабылдауға жазылу"
    assert described["ru"]["book"] == described[""]["book"] == "Записаться на приём"
    assert described["kk"]["my_appointment"] == "Менің жазылуым: көру, ауыстыру, бас тарту"
    assert described["ru"]["my_appointment"] == "Моя запись: посмотреть, перенести, отменить"


@pytest.mark.parametrize(
    ("language", "book", "appointment"),
    [
        ("kk", "/book — қабылдауға жазылу", "/my_appointment — менің жазылуым"),
        ("ru", "/book — записаться на приём", "/my_appointment — моя запись"),
    ],
)
async def test_help_names_the_booking_commands(
    fake: FakeTelegram, bot_app: Application, language: str, book: str, appointment: str
) -> None:
    user = fake.user(18 if language == "kk" else 19, language_code=language)
    await user.send_command("/start")
    await user.wait_reply()
    await user.send_command("/help")
    text = (await user.wait_reply()).text or ""
    assert book in text
    assert appointment in text


async def test_logs_carry_no_personal_data(
    fake: FakeTelegram, bot_app: Application, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # the default LOG_LEVEL
    user = fake.user(987_654_321, language_code="ru", first_name="Айгерим")
    await user.send_command("/start")
    await user.wait_reply()
    await Player(user, "ru").play_until("after_result")
    await user.share_contact("+77011234567")
    await user.wait_reply()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged, "the bot does log"
    for secret in ("987654321", "Айгерим", "150000", "150 000", "7011234567"):
        assert secret not in logged


def test_log_lines_name_chats_by_a_salted_hash_and_mask_digit_runs() -> None:
    from bot.privacy import RedactingFilter, chat_ref, set_log_salt

    set_log_salt("pepper")
    ref = chat_ref(987_654_321)
    assert ref.startswith("chat=") and len(ref) == len("chat=") + 12 and "987" not in ref
    assert chat_ref(987_654_321) == ref != chat_ref(987_654_322)
    record = logging.LogRecord(
        "x", logging.DEBUG, __file__, 1, "params %s", ("+7 701 123 45 67",), None
    )
    assert RedactingFilter().filter(record)
    assert record.getMessage() == "params <redacted>"
    set_log_salt("komek")
