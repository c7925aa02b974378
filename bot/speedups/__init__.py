"""Every performance trick of the bot process, in one place, behind one switch.

`SPEEDUPS=off` (setting `speedups`) turns them all off at once, leaving aiogram, aiosqlite and
the garbage collector as they come, for chasing a bug or measuring what the tricks buy. Each
has its own module with its reason and its measured benefit:

- `json_session`: Bot API calls as JSON bodies, answers parsed only when needed;
- `sqlite_inline`: SQLite statements on the event loop instead of aiosqlite's thread (SQLite
  only, and with it the rule that nothing awaits while holding SQLite's write lock, checked by
  tests/bot/test_speedups.py);
- `inline_filters`: aiogram's magic filters on the event loop instead of a thread;
- `gc`: the startup heap frozen, young collections less often.

The bars they were bought for (benchmarks/bot_load.py: at least half the echo bot's rate) were
missed with all four off (architecture review, 2026-11: 0.27-0.29 of the echo bot's rate).
"""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.speedups.gc import freeze_startup_heap
from bot.speedups.inline_filters import run_magic_filters_inline
from bot.speedups.json_session import JsonBodySession
from bot.speedups.sqlite_inline import inline_creator
from storage.base import is_sqlite


@dataclass(frozen=True, slots=True)
class Speedups:
    """On or off, all together."""

    enabled: bool = True

    def session(self, api: TelegramAPIServer) -> AiohttpSession:
        """The HTTP session to the Bot API."""
        return JsonBodySession(api=api) if self.enabled else AiohttpSession(api=api)

    def engine_options(self, url: str) -> dict[str, object]:
        """Engine options for SQLite: statements inline, no extra rollback when a connection
        returns to the pool (every turn ends with commit or rollback)."""
        if not self.enabled or not is_sqlite(url):
            return {}
        return {"async_creator": inline_creator(url), "pool_reset_on_return": None}

    def tune_routers(self, router: Router) -> None:
        if self.enabled:
            run_magic_filters_inline(router)

    def tune_process(self) -> None:
        """Once the process has started up (before serving)."""
        if self.enabled:
            freeze_startup_heap()
