"""Every table, imported here so that Alembic and the app see one metadata.

Each room keeps its tables in its own module (`storage/conversation.py` for the bot's users,
sessions and screenings; `storage/booking.py` for places, appointments and reminders).
"""

from __future__ import annotations

import importlib
import pkgutil

import storage

for _module in pkgutil.iter_modules(storage.__path__):
    if _module.name not in {"base", "models", "migrate", "migrations"}:
        importlib.import_module(f"storage.{_module.name}")
