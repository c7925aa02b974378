"""kill -9 of the real bot process while replies are on their way: after a restart every
committed answer's reply is delivered, none twice (polling and webhook, SQLite and PostgreSQL).
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from komek_testing.fake_telegram import FakeTelegram, FakeUser
from komek_testing.players import current_question, eventually
from storage.base import create_engine, session_maker
from storage.conversation import ProcessedUpdate
from storage.replies import OutgoingReply
from tests.bot.test_bot_restart import start_bot_process
from tests.bot.test_bot_webhook import free_port

USERS = 12
SLOW = ("sendMessage", "editMessageText", "answerCallbackQuery", "sendChatAction")


def start_bot(
    fake: FakeTelegram, database_url: str, workdir: Path, **settings: str
) -> subprocess.Popen[bytes]:
    return start_bot_process(
        fake, database_url, workdir, POLLING_TIMEOUT="2", WORKER_ID="crash-test", **settings
    )


async def count(database_url: str, statement: object) -> int:
    engine = create_engine(database_url)
    try:
        async with session_maker(engine)() as db:
            return int(await db.scalar(statement) or 0)  # type: ignore[call-overload]
    finally:
        await engine.dispose()


UNSENT = select(func.count()).select_from(OutgoingReply).where(OutgoingReply.sent_at.is_(None))
STORED = select(func.count()).select_from(OutgoingReply)
CLAIMED = select(func.count()).select_from(ProcessedUpdate)


def slow_down(fake: FakeTelegram, seconds: float) -> None:
    for method in SLOW:
        fake.set_latency(seconds, method=method)


def created_texts(fake: FakeTelegram, user: FakeUser) -> list[str]:
    return [m.text for m in fake.sent_messages(user.chat_id)]


async def all_delivered(database_url: str, users: list[FakeUser], question: str) -> None:
    async def done() -> bool:
        return await count(database_url, UNSENT) == 0 and all(
            _asks(user, question) for user in users
        )

    await eventually(done, timeout=40)


def assert_once_each(fake: FakeTelegram, users: list[FakeUser]) -> None:
    """No message was created twice in any chat."""
    for user in users:
        texts = created_texts(fake, user)
        repeated = [text[:40] for text, n in Counter(texts).items() if n > 1]
        assert not repeated, f"chat {user.chat_id} got twice: {repeated}"


def _asks(user: FakeUser, question: str) -> bool:
    try:
        return current_question(user)[1] == question
    except LookupError:
        return False


async def test_kill_minus_nine_while_replies_are_sent_then_restart_polling(
    fake: FakeTelegram, database_url: str, tmp_path: Path
) -> None:
    users = [fake.user(9300 + n, language_code="ru") for n in range(USERS)]
    process = start_bot(fake, database_url, tmp_path)
    try:
        for user in users:
            await user.send_command("/start")
        await eventually(lambda: _all_have(fake, users, 1), timeout=30)
        slow_down(fake, 1.0)
        for user in users:  # a press (an answer, an edit) and a command (new messages)
            await user.press(user.messages[-1].buttons[0][1][1])
            await user.send_command("/help")
        await eventually(lambda: _claimed(database_url, 3 * USERS), timeout=30)
        await asyncio.sleep(0.5)  # calls on the wire: Telegram makes them, the bot never hears
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        assert await count(database_url, UNSENT) > 0, "the kill came while replies were unsent"
        slow_down(fake, 0.0)
        process = start_bot(fake, database_url, tmp_path)
        await eventually(lambda: _nothing_unsent(database_url), timeout=40)
        await asyncio.sleep(1.0)
    finally:
        process.kill()
        process.wait(timeout=10)
    assert_once_each(fake, users)
    for user in users:  # the welcome, then help and the question again: nothing missing
        assert len(created_texts(fake, user)) == 2
    log = (tmp_path / "bot.log").read_text()
    assert "taking over" in log


async def test_kill_minus_nine_after_webhook_acknowledged_then_restart(
    fake: FakeTelegram, database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    webhook = {
        "WEBHOOK_URL": f"http://127.0.0.1:{port}/hook",
        "WEBHOOK_SECRET": "crash-secret",
        "WEBHOOK_HOST": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
    }
    users = [fake.user(9400 + n, language_code="kk") for n in range(USERS)]
    process = start_bot(fake, database_url, tmp_path, **webhook)
    fake.auto_redeliver(0.5)
    try:
        await eventually(lambda: _webhook_set(fake), timeout=30)
        slow_down(fake, 3.0)  # replies take long; the acknowledgement must not wait for them
        for user in users:
            await user.send_command("/start")
        await eventually(lambda: _acknowledged(fake), timeout=20)
        assert await count(database_url, UNSENT) > 0
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        slow_down(fake, 0.0)
        process = start_bot(fake, database_url, tmp_path, **webhook)
        await eventually(lambda: _all_have(fake, users, 1), timeout=40)
        await eventually(lambda: _nothing_unsent(database_url), timeout=20)
        await asyncio.sleep(1.0)
    finally:
        fake.auto_redeliver(None)
        process.kill()
        process.wait(timeout=10)
    for user in users:
        texts = created_texts(fake, user)
        assert len(texts) == 1, f"chat {user.chat_id}: {[t[:30] for t in texts]}"


async def _all_have(fake: FakeTelegram, users: list[FakeUser], n: int) -> bool:
    return all(len(created_texts(fake, user)) >= n for user in users)


async def _claimed(database_url: str, n: int) -> bool:
    return await count(database_url, CLAIMED) >= n


async def _webhook_set(fake: FakeTelegram) -> bool:
    return fake.webhook is not None


async def _acknowledged(fake: FakeTelegram) -> bool:
    return fake.pending_update_count == 0


async def _nothing_unsent(database_url: str) -> bool:
    return await count(database_url, UNSENT) == 0


async def test_sigterm_finishes_the_turns_and_replies_in_flight_then_exits(
    fake: FakeTelegram, database_url: str, tmp_path: Path
) -> None:
    """Graceful shutdown: SIGTERM while answers are on the wire. The process stops taking new
    updates, finishes its turns and sends their replies, and exits cleanly: nothing is left to a
    restart (none is made here)."""
    users = [fake.user(9500 + n, language_code="ru") for n in range(USERS)]
    process = start_bot(fake, database_url, tmp_path, SHUTDOWN_SECONDS="20")
    try:
        slow_down(fake, 1.0)  # every reply takes a second: they are in flight at the signal
        for user in users:
            await user.send_command("/start")
        await eventually(lambda: _claimed(database_url, USERS), timeout=30)
        assert await count(database_url, UNSENT) > 0, "the signal came while replies were unsent"
        process.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(process.wait, 40)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    assert code == 0
    assert await count(database_url, UNSENT) == 0
    assert _all_have_now(fake, users, 1)
    assert_once_each(fake, users)


def _all_have_now(fake: FakeTelegram, users: list[FakeUser], n: int) -> bool:
    return all(len(created_texts(fake, user)) >= n for user in users)
