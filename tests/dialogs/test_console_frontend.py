"""The terminal front end plays the same conversation from a text stream."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date
from pathlib import Path

from bot.console import run_console

ROOT = Path(__file__).resolve().parents[2]
PENSIONER = "2\n1\n20\n1\n1\n2\n72\n4\n8\n85 000\n1\n1\n"


def test_a_whole_conversation_in_the_terminal() -> None:
    out = io.StringIO()
    code = run_console(io.StringIO(PENSIONER), out, today=date(2026, 2, 10))
    text = out.getvalue().replace("\u00a0", " ").replace("\u202f", " ")
    assert code == 0
    assert "1) Қазақша" in text and "2) Русский" in text
    assert "Вопрос 1 из примерно" in text
    assert "#2) 2" in text  # options of a number question are pressed with '#'
    assert "✅ Пенсия" in text
    assert "Пенсия: всего 255 000 ₸ (85 000 ₸ в месяц)" in text
    assert "Восточно-Казахстанская область" in text
    assert "Это только предварительная оценка, а не решение" in text
    assert "1) Записаться на приём" in text


def test_commands_and_nonsense_in_the_terminal() -> None:
    lines = "1\n/help\nбла-бла\n/language\n2\n/back\n/quit\nnever read\n"
    out = io.StringIO()
    assert run_console(io.StringIO(lines), out, today=date(2026, 2, 10)) == 0
    text = out.getvalue()
    assert "/back — бір қадам артқа" in text
    assert "Төмендегі нұсқалардың бірін таңдаңыз" in text
    assert "Сәлеметсіз бе!" in text
    assert "Я задам около 15" in text
    assert "never read" not in text


def test_python_dash_m_bot_console_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot.console"],
        input="2\n2\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Коротко об общих правилах" in done.stdout
