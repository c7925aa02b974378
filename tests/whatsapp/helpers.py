"""Reading the test database (plain SQL, the app's tables as they are)."""

from __future__ import annotations

from sqlalchemy import create_engine, text


def rows(database_url: str, query: str, **params: object) -> list[tuple[object, ...]]:
    url = database_url.replace("sqlite+aiosqlite", "sqlite")
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(query), params)]
    finally:
        engine.dispose()
