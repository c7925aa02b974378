"""A configuration error names the bad setting and never prints any part of a secret.

The entry point runs for real (`python -m bot` in a subprocess), with secrets in the environment
or in `.env`; no run may show four consecutive characters of any of them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from booking.settings import BookingSettings
from bot.config import ConfigurationError, Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]

TOKEN = "1:AAHSeCrEtTokenValue"
"""The review's reproduction; its "Value"/"oken" also occur in tracebacks and reprs, so the
runs that may print those use RANDOM_TOKEN instead."""
RANDOM_TOKEN = "7:Zq8RkT3vXwJ2mYhD"
SALT = "SaltSaltSalt"
WEBHOOK_SECRET = "wHk9QzTmR4pLx7Vb"
DB_PASSWORD = "pG7xKq2ZmW9sNr4J"
SECRETS = (TOKEN, RANDOM_TOKEN, SALT, WEBHOOK_SECRET, DB_PASSWORD)
UNREACHABLE_DB = f"postgresql+asyncpg://komek:{DB_PASSWORD}@127.0.0.1:1/komek"


def leaked_pieces(output: str, secrets: tuple[str, ...] = SECRETS) -> list[str]:
    """Every 4-character piece of a secret found in `output` (longer pieces contain one)."""
    return sorted(
        {
            secret[start : start + 4]
            for secret in secrets
            for start in range(len(secret) - 3)
            if secret[start : start + 4] in output
        }
    )


def run_bot(tmp_path: Path, env: dict[str, str], dotenv: str | None = None) -> tuple[int, str]:
    if dotenv is not None:
        (tmp_path / ".env").write_text(dotenv, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        input="",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
        | env,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


ALL_SECRETS = {
    "BOT_TOKEN": TOKEN,
    "LOG_SALT": SALT,
    "WEBHOOK_URL": "https://bot.example.kz/tg/hook",
    "WEBHOOK_SECRET": WEBHOOK_SECRET,
    "DATABASE_URL": UNREACHABLE_DB,
}


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        pytest.param(
            {"BOT_TOKEN": TOKEN, "LOG_SALT": SALT, "WEBHOOK_URL": "https://bot.example.kz/h"},
            "WEBHOOK_SECRET",
            id="webhook-without-secret",
        ),
        pytest.param(ALL_SECRETS | {"WEBHOOK_PORT": "99999"}, "WEBHOOK_PORT", id="bad-port"),
        pytest.param(ALL_SECRETS | {"WEBHOOK_PORT": "http"}, "WEBHOOK_PORT", id="port-not-int"),
        pytest.param(ALL_SECRETS | {"RETENTION_DAYS": "0"}, "RETENTION_DAYS", id="retention-0"),
        pytest.param(
            ALL_SECRETS | {"RETENTION_DAYS": "thirty"}, "RETENTION_DAYS", id="retention-text"
        ),
        pytest.param(
            ALL_SECRETS | {"DATABASE_URL": f"postgres//komek:{DB_PASSWORD}@db/komek"},
            "DATABASE_URL",
            id="database-url-unparsable",
        ),
        pytest.param(
            ALL_SECRETS | {"DATABASE_URL": f"postgresql+asyncpg://k:{DB_PASSWORD}@db:port/k"},
            "DATABASE_URL",
            id="database-url-bad-port",
        ),
        pytest.param(
            ALL_SECRETS | {"DATABASE_URL": f"mysql://komek:{DB_PASSWORD}@db/komek"},
            "DATABASE_URL",
            id="database-url-other-driver",
        ),
        pytest.param(
            ALL_SECRETS | {"BOOKING_LEASE_SECONDS": "1"}, "lease_seconds", id="booking-check"
        ),
        pytest.param(
            ALL_SECRETS | {"BOOKING_REMINDER_HOURS": "[24,"},
            "BOOKING_REMINDER_HOURS",
            id="booking-undecodable",
        ),
    ],
)
def test_a_configuration_error_names_the_setting_and_no_secret(
    tmp_path: Path, env: dict[str, str], setting: str
) -> None:
    code, output = run_bot(tmp_path, env)
    assert code == 2, output
    assert "Configuration error" in output and setting in output, output
    assert "Traceback" not in output and "input_value" not in output, output
    assert leaked_pieces(output) == [], output


def test_secrets_from_the_env_file_stay_out_of_the_message(tmp_path: Path) -> None:
    dotenv = "".join(f"{name}={value}\n" for name, value in ALL_SECRETS.items())
    code, output = run_bot(tmp_path, {}, dotenv=dotenv + "WEBHOOK_PORT=0\nRETENTION_DAYS=-1\n")
    assert code == 2, output
    assert "WEBHOOK_PORT" in output and "RETENTION_DAYS" in output, output
    assert leaked_pieces(output) == [], output


def test_an_unreachable_database_does_not_show_its_password(tmp_path: Path) -> None:
    """Past the settings, start-up fails with a traceback (exit code 1): still no secret."""
    env = {"BOT_TOKEN": RANDOM_TOKEN, "LOG_SALT": SALT, "DATABASE_URL": UNREACHABLE_DB}
    code, output = run_bot(tmp_path, env)
    assert code == 1 and "ConnectionRefusedError" in output, output
    assert leaked_pieces(output, (RANDOM_TOKEN, SALT, DB_PASSWORD)) == [], output


def test_load_settings_returns_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", RANDOM_TOKEN)
    monkeypatch.setenv("RETENTION_DAYS", "7")
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE_DB)
    settings = load_settings(Settings, _env_file=None)
    assert settings.token == RANDOM_TOKEN and settings.retention_days == 7
    assert leaked_pieces(repr(settings), (RANDOM_TOKEN, DB_PASSWORD)) == []
    assert isinstance(load_settings(BookingSettings, _env_file=None), BookingSettings)


def test_any_secret_field_is_blanked_even_from_a_message_that_quotes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Defence in depth for future secrets: a validator (or library) that quotes its input."""

    class Future(BaseSettings):
        model_config = SettingsConfigDict(env_prefix="FUTURE_", env_file=None)
        api_key: SecretStr | None = None

        @field_validator("api_key")
        @classmethod
        def _quotes_its_input(cls, value: SecretStr | None) -> SecretStr | None:
            if value is not None:
                raise ValueError(f"rejected key {value.get_secret_value()!r}")
            return value

    monkeypatch.setenv("FUTURE_API_KEY", WEBHOOK_SECRET)
    with pytest.raises(ConfigurationError) as caught:
        load_settings(Future)
    message = str(caught.value)
    assert "FUTURE_API_KEY: rejected key '***'" in message
    assert leaked_pieces(message) == []
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
