"""Database errors end up in logged tracebacks: they must not carry the values that failed."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage.base import create_engine


async def test_database_errors_do_not_show_personal_data(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE phones (phone VARCHAR(20) PRIMARY KEY)"))
        with pytest.raises(IntegrityError) as caught:
            async with engine.begin() as connection:
                for _ in range(2):
                    await connection.execute(
                        text("INSERT INTO phones (phone) VALUES (:phone)"),
                        {"phone": "+77011234567"},
                    )
        assert "+77011234567" not in str(caught.value)
        assert "hidden due to hide_parameters" in str(caught.value)
    finally:
        await engine.dispose()
