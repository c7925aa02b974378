"""The terminal front end plays the same conversation from a text stream."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date
from pathlib import Path

from bot.console import run_console

ROOT = Path(__file__).resolve().parents[2]
PENSIONER = "2\n1\n20\n1\n1\n2\n72\nпенсионер\nГотово\n85 000\n1\n1\n"


def test_a_whole_conversation_in_the_terminal() -> None:
    out = io.StringIO()
    code = run_console(io.StringIO(PENSIONER), out, today=date(2026, 2, 10))
    text = out.getvalue().replace("\u00a0", " ").replace("\u202f", " ")
    assert code == 0
    assert "1) Қазақша" in text and "2) Русский" in text
    assert "Вопрос 1 (всего около" in text
    assert "#2) 2" in text  # options of a number question are pressed with '#'
    assert "✅ Пенсия" in text
    assert "Пенсия: всего 255 000 ₸ (85 000 ₸ в месяц)" in text
    assert "Восточно-Казахстанская область" in text
    assert "Это только предварительная оценка, а не решение" in text
    assert "1) Изменить ответ" in text and "2) Всё равно записаться" in text  # not eligible


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


# --- QA D1, D12, D13, D18 and booking in the terminal ------------------------------------------

DAY = date(2026, 2, 10)


def play(
    lines: str,
    database_url: str = "sqlite+aiosqlite:///unused.sqlite3",
    files_dir: Path | None = None,
) -> str:
    """The terminal on these lines, as a demonstration (sample places) on `database_url`, which
    is opened only if booking or erasure needs it."""
    out = io.StringIO()
    code = run_console(
        io.StringIO(lines),
        out,
        today=DAY,
        database_url=database_url,
        demo=True,
        files_dir=files_dir,
    )
    assert code == 0
    return out.getvalue().replace("\u00a0", " ").replace("\u202f", " ")


def test_unicode_digits_and_huge_numbers_get_the_hint_not_a_traceback() -> None:
    huge = "1" * 4301
    text = play(f"2\n²\n#²\n{huge}\n#{huge}\n")
    assert "Traceback" not in text
    assert text.count("Выберите один из вариантов ниже или напишите его номер.") == 4
    assert text.count("Вы согласны?") == 5  # the same question after each


def test_a_unicode_digit_of_another_script_is_its_number() -> None:
    text = play("2\n٣\n")  # Arabic-Indic 3 at consent: its third option, « Back
    assert text.count("Здравствуйте! Я — Комек.") == 2


def test_a_superscript_at_the_age_prompt_gets_the_age_hint() -> None:
    text = play("2\n1\n1\n1\n2\n#³\n")  # QA D1: 2 ⏎ 1 ⏎ 1 ⏎ 1 ⏎ 2 ⏎ #³
    asked = "Сколько вам полных лет?"
    assert text.count(asked) == 2 and "Traceback" not in text


def test_help_and_back_before_the_language_answer_in_both_languages() -> None:
    text = play("/help\n/back\n")
    assert "/back — бір қадам артқа" in text and "/back — на шаг назад" in text
    assert "Бұл — бірінші сұрақ." in text and "Это первый вопрос." in text


def test_typed_start_over_asks_first_and_restart_is_immediate() -> None:
    text = play("2\n1\n1\nзаново\nнет\nсначала\n1\n")
    asked = "Начать заново? Все ваши ответы будут стёрты."
    assert text.count(asked) == 2
    kept, erased = text.split(asked)[1], text.split(asked)[2]
    assert "Сколько человек живёт с вами" in kept  # "нет": back to the question
    assert "Прежние ответы стёрты" not in kept
    assert "Начнём заново. Прежние ответы стёрты." in erased
    immediate = play("2\n1\n1\n/restart\n")
    assert asked not in immediate and "Прежние ответы стёрты" in immediate


def test_an_empty_line_shows_the_question_again() -> None:
    text = play("2\n\n   \n")
    assert text.count("Вы согласны?") == 3


def test_book_and_my_appointment_are_commands_not_answers(sqlite_url: str, tmp_path: Path) -> None:
    text = play("2\n1\n1\n/book\n/my_appointment\n", sqlite_url, files_dir=tmp_path)
    assert "Напишите число" not in text
    assert "район Есиль (тестовые данные)" in text  # Astana's places, from the intake's region
    assert "Другой регион" in text
    assert "У вас нет предстоящей записи" in text


def test_delete_my_data_asks_and_a_no_keeps_everything(sqlite_url: str) -> None:
    text = play(PENSIONER + "/delete_my_data\n2\n", sqlite_url)
    assert "Выберите один из вариантов" not in text.split("/delete_my_data")[-1]
    assert "Удалить всё, что бот хранит о вас" in text
    assert "Ничего не удалено." in text
    assert text.rstrip().endswith("3) Начать заново")  # the screen under the result again


def test_a_typed_town_and_coordinates_answer_the_location_request(
    sqlite_url: str, tmp_path: Path
) -> None:
    lines = "/book\nskip\nКараганда\n/book\n43.238, 76.945\n"
    text = play(lines, sqlite_url, files_dir=tmp_path)
    assert text.count("Регионы:") == 3  # /book, «skip» (the list again), /book
    places = text.split("Места:")[1]
    assert "г. Караганда (тестовые данные)" in places
    nearest = text.split("Ближайшие к вам места:")[1]
    assert "Алмалинский район (тестовые данные)" in nearest and "≈" in nearest
