"""Conversation transcripts as data (tests/dialogs/transcripts/*.yaml), played through `step`.

Each step is a user action — `press` (a button of the current question), `say` (typed text),
`command`, or `stale` (a button of an old question) — and what the bot must do next: `question`
(the question now open), `says`/`not_says` (substrings of the rendered replies, in the session's
language), `offers` (option values shown). At the end, `session` fields and the `result` (the
screening in contract JSON) are compared.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from dialog_helpers import Conversation

from dialogs import ButtonPress

TRANSCRIPTS = sorted((Path(__file__).parent / "transcripts").glob("*.yaml"))


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_there_are_transcripts_in_both_languages() -> None:
    languages = {_load(p).get("language") for p in TRANSCRIPTS}
    assert {"kk", "ru"} <= languages


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[p.stem for p in TRANSCRIPTS])
def test_transcript(path: Path) -> None:
    script = _load(path)
    today = script.get("today", date(2026, 2, 10))
    talk = Conversation(today=today).start()
    for number, move in enumerate(script["steps"], start=1):
        where = f"{path.name} step {number} ({move})"
        if "press" in move:
            talk.press(str(move["press"]))
        elif "say" in move:
            talk.say(str(move["say"]))
        elif "command" in move:
            talk.command(move["command"])
        elif "stale" in move:
            old = move["stale"]
            talk.send(
                ButtonPress(
                    question=old["question"], value=str(old["value"]), version=old.get("version", 1)
                )
            )
        text = talk.text()
        if "question" in move:
            assert talk.question == move["question"], f"{where}: at {talk.question}\n{text}"
        for part in move.get("says", []):
            assert part in text, f"{where}: {part!r} not in\n{text}"
        for part in move.get("not_says", []):
            assert part not in text, f"{where}: {part!r} unexpectedly in\n{text}"
        for value in move.get("offers", []):
            assert str(value) in talk.options(), f"{where}: {value!r} not in {talk.options()}"
    dumped = talk.session.model_dump(mode="json")
    for name, expected in script.get("session", {}).items():
        assert dumped[name] == expected, f"{path.name}: session.{name} = {dumped[name]!r}"
    if "result" in script:
        assert talk.session.finished
        assert talk.session.screening is not None
        for name, expected in script["result"].items():
            assert talk.session.screening[name] == expected, f"{path.name}: result.{name}"
    if "max_actions" in script:
        assert talk.actions <= script["max_actions"]
