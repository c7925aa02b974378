"""Settings, the entry point without a token, and the wiring the entry point builds."""

from __future__ import annotations

import asyncio
import gc
import os
import sqlite3
import subprocess
import sys
import weakref
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.app import Application
from bot.config import Settings
from bot.factory import create_bot
from bot.speedups import Speedups
from bot.speedups.inline_filters import _filter_objects
from komek_testing.fake_telegram import FakeTelegram
from storage.base import DEFAULT_DATABASE_URL
from tests.bot.conftest import running_bot

ROOT = Path(__file__).resolve().parents[2]


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "42:tok3n")
    monkeypatch.setenv("BOT_API_BASE_URL", "http://127.0.0.1:8081")
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.kz/tg/hook")
    monkeypatch.setenv("WEBHOOK_SECRET", "w3bhook")
    monkeypatch.setenv("RETENTION_DAYS", "7")
    settings = Settings(_env_file=None)
    assert settings.token == "42:tok3n" and "tok3n" not in repr(settings)
    assert settings.webhook_path == "/tg/hook" and settings.retention_days == 7
    assert settings.database_url == DEFAULT_DATABASE_URL
    bot = create_bot(settings)
    assert bot.session.api.api_url("42:tok3n", "getMe") == (
        "http://127.0.0.1:8081/bot42:tok3n/getMe"
    )


def test_webhook_mode_needs_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.kz/tg/hook")
    monkeypatch.delenv("WEBHOOK_SECRET", raising=False)
    with pytest.raises(ValidationError, match="WEBHOOK_SECRET"):
        Settings(_env_file=None)


def test_without_a_token_the_entry_point_runs_the_terminal_conversation(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "WEBHOOK_URL"}}
    env |= {"PYTHONPATH": str(ROOT), "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'k.db'}"}
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        input="/quit\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    first_line = done.stdout.splitlines()[0]
    assert "No BOT_TOKEN" in first_line
    assert (tmp_path / "k.db").exists(), "migrated before anything else"


def test_every_magic_filter_runs_on_the_event_loop(sqlite_url: str) -> None:
    app = Application.create(Settings(_env_file=None, bot_token="1:X", database_url=sqlite_url))
    dispatcher = app.dispatcher
    filters = list(_filter_objects(dispatcher))
    assert any(f.magic is not None for f in filters)
    assert all(f.awaitable for f in filters if f.magic is not None)
    asyncio.run(app.close())


async def test_a_turn_waits_for_a_sqlite_lock_held_elsewhere_and_loses_nothing(
    fake: FakeTelegram, sqlite_url: str
) -> None:
    path = sqlite_url.removeprefix("sqlite+aiosqlite:///")
    async with running_bot(fake, sqlite_url):
        user = fake.user(81, language_code="ru")
        await user.send_command("/start")
        await user.wait_reply()
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process writing
        await user.press(user.last.buttons[0][1][0] if user.last else "")
        assert await user.wait_idle(quiet=0.3) == [], "nothing before the lock is released"
        other.execute("COMMIT")
        other.close()
        assert (await user.wait_reply(timeout=5)).edited


def test_log_salt_is_secret_and_unguessable_unless_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LOG_SALT", raising=False)
    first, second = Settings(_env_file=None), Settings(_env_file=None)
    assert first.log_salt.get_secret_value() != second.log_salt.get_secret_value()
    assert len(first.log_salt.get_secret_value()) >= 32
    monkeypatch.setenv("LOG_SALT", "operator-chosen")
    assert Settings(_env_file=None).log_salt.get_secret_value() == "operator-chosen"


def test_with_the_gc_speedup_startup_objects_are_left_alone_and_cycles_still_collected() -> None:
    class Node:
        partner: object = None

    def cycle() -> weakref.ref[Node]:
        first, second = Node(), Node()
        first.partner, second.partner = second, first
        return weakref.ref(first)

    started = cycle()  # a garbage cycle from before the freeze: frozen, never collected
    before = gc.get_threshold()
    try:
        Speedups(enabled=False).tune_process()
        assert gc.get_freeze_count() == 0 and gc.get_threshold() == before, "off: untouched"
        Speedups(enabled=True).tune_process()
        gc.collect()
        assert started() is None, "collected by the collection before the freeze"
        later = cycle()
        gc.collect()
        assert later() is None, "cycles made after start-up are still collected"
        survivor = Node()
        tracked_before = len(gc.get_objects())
        assert gc.get_freeze_count() > tracked_before, "the start-up heap is out of the scans"
        del survivor
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
