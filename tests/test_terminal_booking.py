"""A whole terminal session as a user runs it: `python -m bot` without a token, on a fresh database.

The intake to the result, "Book a visit", a place, a day, a time, a typed phone, confirm: the
appointment is a row of the database, the calendar file is written where the terminal says and
parses; a second run shows it with /my_appointment and /delete_my_data erases it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, date
from pathlib import Path

from icalendar import Calendar
from sqlalchemy import create_engine, text

from tests.terminal_script import lines_to_result

ROOT = Path(__file__).resolve().parents[1]
PHONE = "+7 701 234 56 78"


def run_terminal(lines: list[str], database: Path, files: Path, cwd: Path) -> str:
    env = {key: value for key, value in os.environ.items() if key not in {"BOT_TOKEN", "DEMO"}}
    env.update(
        DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        CONSOLE_FILES_DIR=str(files),
        PYTHONPATH=str(ROOT),
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        input="\n".join([*lines, "/quit"]) + "\n",
        capture_output=True,
        text=True,
        cwd=cwd,  # not the repository: its .env (a token?) must not be read
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return done.stdout.replace("\u00a0", " ").replace("\u202f", " ")


def rows(database: Path, query: str) -> list[tuple[object, ...]]:
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(query))]
    finally:
        engine.dispose()


def test_book_in_the_terminal_then_see_it_and_erase_it(tmp_path: Path) -> None:
    database, files = tmp_path / "komek.sqlite3", tmp_path / "files"
    booking = ["1", "1", "1", "1", PHONE, "1"]  # book; 1st place, day, time; phone; confirm
    out = run_terminal([*lines_to_result(date.today()), *booking], database, files, tmp_path)

    assert "No BOT_TOKEN is configured" in out
    assert "SAMPLE places" in out  # the demonstration loaded the sample directory
    assert "Это только предварительная оценка" in out  # the result
    assert "(тестовые данные)" in out  # every place says it is sample data
    assert "(В терминале напишите номер телефона.)" in out
    assert "Вы записаны." in out
    assert "Напомню" not in out  # the terminal cannot send reminders: none promised
    [(appointment_id, status, phone, starts_at)] = rows(
        database, "SELECT id, status, phone, starts_at FROM appointments"
    )
    assert (status, phone) == ("booked", "+77012345678")
    assert rows(database, "SELECT count(*) FROM reminders") == [(0,)]

    written = re.search(r"📎 [^:\n]+: (\S+\.ics)", out)
    assert written is not None, out[-2000:]
    path = Path(written[1])
    assert path.parent == files.resolve() and path.name == f"komek-{appointment_id}.ics"
    event = Calendar.from_ical(path.read_bytes()).walk("VEVENT")[0]
    assert str(starts_at).startswith(
        event.decoded("dtstart").astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    )
    assert "тестовые данные" in str(event["summary"])
    assert "📍 " in out and "openstreetmap.org" in out

    again = run_terminal(["/my_appointment", "/delete_my_data", "1"], database, files, tmp_path)
    assert "Ваша запись:" in again and "Перенести" in again
    assert "Удалить всё, что бот хранит о вас" in again
    report = again.split("Удалить всё")[1]  # counts the appointment (wording: test_catalogs)
    assert re.search(r"\b1 (запись на приём|appointment)\b", report), report
    assert rows(database, "SELECT count(*) FROM appointments") == [(0,)]
    assert rows(database, "SELECT count(*) FROM users") == [(0,)]
