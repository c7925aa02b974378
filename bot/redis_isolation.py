"""One chat at a time across worker processes: per-chat locks in Redis, behind aiogram's
`BaseEventIsolation` (so `ChatOrderMiddleware` does not know which isolation it runs on).

Used when `REDIS_URL` is set (several webhook workers behind nginx); without it the bot keeps
the in-process `WeakChatIsolation`. Each lock is taken in two layers: the process's own lock
first (asyncio locks are fair, so a process keeps its updates of a chat in arrival order and
only one of them at a time polls Redis), then redis-py's lock (`SET NX PX` with a random token,
released by a script that checks the token). The Redis lock has a short time to live renewed
while the turn runs, so a worker killed while holding one blocks that chat only for
`ttl_seconds`.

What it does not guarantee, and who does: Redis locks are not fair, so two workers waiting for
one chat may take turns in either order (Telegram's own webhook sends a chat's updates one after
another, and the fake Bot API does the same); a turn whose lock expired under it (a stall longer
than the time to live) is still safe, because a conversation is saved only if its version did
not change (bot.middlewares.ConversationConflict) and an update id is claimed once in the
database. If Redis cannot be reached, the turn goes on under the process's lock alone (counted
in `komek_isolation_fallbacks_total`, and `/readyz` says not ready): the same database checks
keep the data right, and the bot keeps answering.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Final

from aiogram.fsm.storage.base import BaseEventIsolation, DefaultKeyBuilder, StorageKey
from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError, RedisError

from bot import metrics
from bot.isolation import WeakChatIsolation

log = logging.getLogger(__name__)

KEY_PREFIX: Final = "komek"
TTL_SECONDS: Final = 5.0
POLL_SECONDS: Final = 0.005
"""How often a waiting worker asks Redis again (redis-py polls; 100 ms by default)."""


def redis_client(url: str) -> Redis:
    """A client with short timeouts: a Redis that does not answer is treated as away."""
    return Redis.from_url(
        url,
        socket_connect_timeout=1.0,
        socket_timeout=2.0,
        health_check_interval=30,
    )


class RedisChatIsolation(BaseEventIsolation):
    """The process's fair per-chat lock, then the chat's lock in Redis (module docstring)."""

    def __init__(
        self,
        redis: Redis,
        *,
        ttl_seconds: float = TTL_SECONDS,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.redis = redis
        self.ttl_seconds = ttl_seconds
        self.poll_seconds = poll_seconds
        self.local = WeakChatIsolation()
        self.keys = DefaultKeyBuilder(prefix=KEY_PREFIX)

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        async with self.local.lock(key):
            shared = self.redis.lock(
                self.keys.build(key, "lock"),
                timeout=self.ttl_seconds,
                sleep=self.poll_seconds,
                lock_class=Lock,
            )
            if not await self._acquire(shared):
                yield
                return
            keeper = asyncio.create_task(self._keep(shared))
            try:
                yield
            finally:
                keeper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await keeper
                with contextlib.suppress(RedisError, LockError):
                    await shared.release()

    async def _acquire(self, shared: Lock) -> bool:
        """True once held; False if Redis is away (the turn goes on under the local lock)."""
        try:
            return bool(await shared.acquire())
        except (RedisError, OSError) as error:
            metrics.ISOLATION_FALLBACKS.inc()
            log.warning("redis lock unavailable (%s): this chat's turn runs unshared", _kind(error))
            return False

    async def _keep(self, shared: Lock) -> None:
        """Renew the lock's time to live while the turn runs."""
        while True:
            await asyncio.sleep(self.ttl_seconds / 3)
            try:
                await shared.extend(self.ttl_seconds, replace_ttl=True)
            except (RedisError, LockError, OSError) as error:
                log.warning("redis lock could not be renewed (%s)", _kind(error))
                return

    async def close(self) -> None:
        await self.local.close()
        await self.redis.aclose()


def _kind(error: BaseException) -> str:
    return type(error).__name__
