"""bot.isolation: one chat at a time in arrival order, other chats in parallel, no lock kept."""

from __future__ import annotations

import asyncio
import gc

from aiogram.fsm.storage.base import StorageKey

from bot.isolation import WeakChatIsolation


def key(chat_id: int) -> StorageKey:
    return StorageKey(bot_id=1, chat_id=chat_id, user_id=chat_id)


async def test_one_chat_in_arrival_order_others_alongside() -> None:
    isolation = WeakChatIsolation()
    events: list[str] = []
    release = asyncio.Event()

    async def turn(chat_id: int, name: str, wait: bool) -> None:
        async with isolation.lock(key(chat_id)):
            events.append(f"start {name}")
            if wait:
                await release.wait()
            events.append(f"end {name}")

    first = asyncio.create_task(turn(1, "a1", wait=True))
    await asyncio.sleep(0)
    second = asyncio.create_task(turn(1, "a2", wait=False))
    other = asyncio.create_task(turn(2, "b1", wait=False))
    await asyncio.sleep(0.01)
    assert events == ["start a1", "start b1", "end b1"], "chat 2 is not held up by chat 1"
    release.set()
    await asyncio.gather(first, second, other)
    assert events[-3:] == ["end a1", "start a2", "end a2"]


async def test_no_lock_is_kept_for_a_chat_nobody_is_waiting_on() -> None:
    isolation = WeakChatIsolation()
    for chat_id in range(1000):
        async with isolation.lock(key(chat_id)):
            pass
    gc.collect()
    assert len(isolation._locks) == 0
