"""Restarts lose no answer: a kill -9 of the real process, and a restart on both engines."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from komek_testing.fake_telegram import FakeTelegram
from komek_testing.players import Player, current_question, eventually
from storage.base import create_engine, session_maker
from storage.conversation import Screening
from tests.bot.conftest import running_bot

ROOT = Path(__file__).resolve().parents[2]


async def screening_household(database_url: str) -> dict[str, object]:
    engine = create_engine(database_url)
    try:
        async with session_maker(engine)() as db:
            household: dict[str, object] = (await db.scalars(select(Screening.household))).one()
            return household
    finally:
        await engine.dispose()


async def test_a_restart_mid_conversation_continues_where_the_user_was(
    fake: FakeTelegram, database_url: str
) -> None:
    user = fake.user(41, language_code="ru")
    player = Player(user, "ru")
    async with running_bot(fake, database_url):
        await user.send_command("/start")
        await user.wait_reply()
        await player.play_until("age")
        await user.send_text(player.ages.pop(0))  # answered just before the restart
        await user.wait_reply()
    async with running_bot(fake, database_url):
        assert current_question(user)[1] == "status"
        await player.play_until("after_result")
    household = await screening_household(database_url)
    assert household["people"] == 3
    adults = household["adults"]
    assert isinstance(adults, list) and adults[0]["age"] == 34


def start_bot_process(
    fake: FakeTelegram, database_url: str, workdir: Path, **settings: str
) -> subprocess.Popen[bytes]:
    """`python -m bot` against the fake, logging to workdir/bot.log (`settings`: more env)."""
    env = {
        **os.environ,
        "BOT_TOKEN": fake.token,
        "BOT_API_BASE_URL": fake.base_url,
        "DATABASE_URL": database_url,
        "POLLING_TIMEOUT": "5",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("WEBHOOK_URL", None)
    env.update(settings)
    return subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(workdir / "bot.log").open("ab"),
    )


async def polling(fake: FakeTelegram, since: int) -> None:
    for _ in range(300):
        if any(r.method == "getUpdates" for r in fake.requests[since:]):
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("the bot process never polled")


async def test_kill_minus_nine_mid_conversation_and_restart_loses_no_answer(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    user = fake.user(42, language_code="kk")
    player = Player(user, "kk")
    process = start_bot_process(fake, database_url, tmp_path)
    try:
        await polling(fake, 0)
        await user.send_command("/start")
        await user.wait_reply(timeout=10)
        await player.play_until("age")

        # Killed while the reply to an answer is on its way: the answer is already committed.
        fake.set_latency(2.0)
        seen = len(fake.requests)
        await user.send_text(player.ages.pop(0))
        for _ in range(200):
            if any(r.method == "sendMessage" for r in fake.requests[seen:]):
                break
            await asyncio.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        fake.set_latency(0.0)

        # While the bot is down the user answers the next question anyway (typed "1": the first
        # status option); it waits at Telegram and is handled after the restart.
        process = start_bot_process(fake, database_url, tmp_path)
        seen = len(fake.requests)
        await user.send_command("/start")
        await polling(fake, seen)

        async def status_on_screen() -> bool:
            return current_question(user)[1] == "status"

        # Under a loaded machine the restarted bot may take a while to answer /start.
        await eventually(status_on_screen, timeout=15)
        await user.wait_idle(quiet=0.3, timeout=15)
        assert current_question(user)[1] == "status", "continues after the age given before"
        await player.play_until("after_result")
    finally:
        process.kill()
        process.wait(timeout=10)
    household = await screening_household(database_url)
    adults = household["adults"]
    assert isinstance(adults, list) and adults[0]["age"] == 34
