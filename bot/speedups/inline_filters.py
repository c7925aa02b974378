"""Filters run on the event loop.

aiogram runs every synchronous filter in a worker thread (`asyncio.to_thread`), and a
`MagicFilter` (`F.chat.type == "private"`) is synchronous: each check of each update would cost
a thread round trip, and under load a wait for the busy event loop to pick the result up again.
Magic filters only read attributes, so running them inline is safe and much cheaper;
`run_magic_filters_inline` does that for every router of the dispatcher (booking's included).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import FilterObject


def _filter_objects(router: Router) -> Iterator[FilterObject]:
    for observer in router.observers.values():
        # Router-level filters (`router.message.filter(...)`) live on the observer's root handler.
        root = getattr(observer, "_handler", None)
        yield from getattr(root, "filters", None) or []
        for handler in observer.handlers:
            yield from handler.filters or []
    for child in router.sub_routers:
        yield from _filter_objects(child)


def _inline(resolve: Callable[..., Any]) -> Callable[..., Any]:
    async def resolved(*args: Any, **kwargs: Any) -> Any:
        return resolve(*args, **kwargs)

    return resolved


def run_magic_filters_inline(router: Router) -> int:
    """Make every magic filter of the router tree awaitable; returns how many were changed."""
    changed = 0
    for filter_object in _filter_objects(router):
        if filter_object.magic is not None and not filter_object.awaitable:
            filter_object.callback = _inline(filter_object.callback)
            filter_object.awaitable = True
            changed += 1
    return changed
