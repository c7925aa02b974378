"""bot.polling.UpdateRunner: turns run at most `max_in_flight` at a time, in arrival order."""

from __future__ import annotations

import asyncio

from aiogram import Bot, Dispatcher
from aiogram.types import Message, Update

from bot.polling import UpdateRunner


def text_update(update_id: int, chat_id: int) -> Update:
    return Update.model_validate(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 1_700_000_000,
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": chat_id, "is_bot": False, "first_name": "A"},
                "text": str(update_id),
            },
        }
    )


async def test_at_most_max_in_flight_turns_run_at_once_and_in_arrival_order() -> None:
    dispatcher = Dispatcher()
    release = asyncio.Event()
    running = 0
    peak = 0
    started: list[str] = []

    @dispatcher.message()
    async def slow_turn(message: Message) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        started.append(message.text or "")
        await release.wait()
        running -= 1

    runner = UpdateRunner(dispatcher, Bot("1:A"), max_in_flight=3)
    done = [runner.start(text_update(i, 100 + i)) for i in range(1, 11)]
    for _ in range(20):
        await asyncio.sleep(0)
    assert running == 3 and started == ["1", "2", "3"]
    release.set()
    await asyncio.wait_for(asyncio.gather(*done), timeout=5)
    assert peak == 3
    assert started == [str(i) for i in range(1, 11)]
    assert not runner.tasks or all(task.done() for task in runner.tasks)


async def test_without_a_limit_every_turn_starts_at_once() -> None:
    dispatcher = Dispatcher()
    release = asyncio.Event()
    running = 0

    @dispatcher.message()
    async def slow_turn(message: Message) -> None:
        nonlocal running
        running += 1
        await release.wait()

    runner = UpdateRunner(dispatcher, Bot("1:A"), max_in_flight=None)
    done = [runner.start(text_update(i, 100 + i)) for i in range(1, 11)]
    for _ in range(20):
        await asyncio.sleep(0)
    assert running == 10
    release.set()
    await asyncio.wait_for(asyncio.gather(*done), timeout=5)
