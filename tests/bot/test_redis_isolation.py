"""Per-chat locks shared by workers through Redis (bot.redis_isolation), on a real redis-server."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiogram.fsm.storage.base import StorageKey

from bot import metrics
from bot.redis_isolation import RedisChatIsolation, redis_client
from komek_testing.services import binary, free_port, redis_server


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if os.environ.get("KOMEK_TEST_REDIS_URL"):
        yield os.environ["KOMEK_TEST_REDIS_URL"]
        return
    if binary("redis-server") is None:
        pytest.skip("redis-server is not installed: scripts/test.sh installs it (CI)")
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
async def workers(redis_url: str) -> AsyncIterator[list[RedisChatIsolation]]:
    """Two isolations with their own clients: what two worker processes have."""
    pair = [RedisChatIsolation(redis_client(redis_url), ttl_seconds=1.0) for _ in range(2)]
    yield pair
    for isolation in pair:
        await isolation.close()


def key(chat_id: int) -> StorageKey:
    return StorageKey(bot_id=42, chat_id=chat_id, user_id=chat_id)


async def test_one_chat_is_handled_by_one_worker_at_a_time(
    workers: list[RedisChatIsolation],
) -> None:
    inside: list[int] = []
    overlaps = 0

    async def turn(isolation: RedisChatIsolation, n: int) -> None:
        nonlocal overlaps
        async with isolation.lock(key(7001)):
            overlaps += bool(inside)
            inside.append(n)
            await asyncio.sleep(0.005)
            inside.remove(n)

    await asyncio.gather(*(turn(workers[n % 2], n) for n in range(30)))
    assert overlaps == 0


async def test_other_chats_do_not_wait(workers: list[RedisChatIsolation]) -> None:
    held = asyncio.Event()
    release = asyncio.Event()

    async def long_turn() -> None:
        async with workers[0].lock(key(7002)):
            held.set()
            await release.wait()

    task = asyncio.create_task(long_turn())
    await held.wait()
    async with asyncio.timeout(1.0), workers[1].lock(key(7003)):
        pass  # another chat goes through at once
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.3), workers[1].lock(key(7002)):
            pass  # the same chat waits
    release.set()
    await task


async def test_a_long_turn_keeps_its_lock_and_a_dead_holders_lock_expires(
    redis_url: str, workers: list[RedisChatIsolation]
) -> None:
    entered = asyncio.Event()
    # A 3 s time to live, renewed every second: a loaded CI machine may stall the loop for a
    # moment, and the test is about renewal, not about how short the time to live can be.
    holder, other = (RedisChatIsolation(redis_client(redis_url), ttl_seconds=3.0) for _ in "ab")

    async def slow() -> None:
        async with holder.lock(key(7004)):
            entered.set()
            await asyncio.sleep(4.5)  # longer than the time to live: renewed meanwhile

    task = asyncio.create_task(slow())
    await entered.wait()
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(4.0), other.lock(key(7004)):
            pass
    await task
    await holder.close()
    await other.close()

    # A worker killed while holding a lock: nobody renews it, it is gone after its TTL.
    dead = redis_client(redis_url)
    stale = dead.lock(workers[0].keys.build(key(7005), "lock"), timeout=1.0)
    assert await stale.acquire()
    await dead.aclose()
    started = asyncio.get_running_loop().time()
    async with asyncio.timeout(3.0), workers[1].lock(key(7005)):
        waited = asyncio.get_running_loop().time() - started
    assert 0.5 < waited < 2.0


async def test_without_redis_the_turn_runs_under_the_process_lock(tmp_path: Path) -> None:
    isolation = RedisChatIsolation(redis_client(f"redis://127.0.0.1:{free_port()}/0"))
    before = metrics.ISOLATION_FALLBACKS._value.get()
    ran = False
    async with asyncio.timeout(5.0), isolation.lock(key(7006)):
        ran = True
    await isolation.close()
    assert ran and metrics.ISOLATION_FALLBACKS._value.get() == before + 1
