"""Settings from the environment or a `.env` file; secrets never live in the repository.

`load_settings` is how entry points read them: a missing or invalid setting becomes a
`ConfigurationError` whose message names each bad setting and says what is wrong with it, but
never shows a value. pydantic's own ValidationError prints (a truncated repr of) the raw input,
which for a model-level check is every setting at once, tokens and salts included.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import typing
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from dotenv import dotenv_values
from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError
from sqlalchemy.engine import make_url

from storage.base import DEFAULT_DATABASE_URL

DATABASE_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")


class Settings(BaseSettings):
    """Everything the bot process needs to start.

    Without `BOT_TOKEN` the entry point runs the terminal conversation instead of Telegram.
    `BOT_API_BASE_URL` points every Bot API call elsewhere (a local Bot API server, or the fake
    server of the tests). `WEBHOOK_URL` switches from long polling to webhook mode.
    """

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    bot_token: SecretStr | None = None
    bot_api_base_url: str | None = None
    database_url: str = Field(default=DEFAULT_DATABASE_URL, repr=False)
    """May carry a password: kept out of repr, and its value out of every error message."""
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "0.0.0.0"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    retention_days: int = Field(default=30, ge=1)
    retention_interval_seconds: float = Field(default=3600.0, gt=0)
    # A public default salt would let anyone reverse logged chat-id hashes by brute force: without
    # LOG_SALT each process draws its own (hashes then correlate only within one run).
    log_salt: SecretStr = Field(default_factory=lambda: SecretStr(secrets.token_hex(16)))
    log_level: str = "INFO"
    polling_timeout: int = Field(default=25, ge=0)
    max_turns_in_flight: int = Field(default=16, ge=0)
    """Updates handled at once (0: no limit); see bot.polling.UpdateRunner."""
    speedups: bool = True
    """The performance tricks of bot.speedups, all on or all off (SPEEDUPS=off)."""
    demo: bool = Field(default=False, validation_alias=AliasChoices("DEMO", "KOMEK_DEMO"))
    """A demonstration (DEMO=1): an EMPTY database gets the bundled SAMPLE directory of places
    and booking offers them, every one marked as sample data. Never for real citizens. The
    terminal without a BOT_TOKEN is always a demonstration."""
    console_files_dir: Path = Path(".")
    """Where the terminal writes the files the bot would send (the visit's calendar file)."""
    worker_id: str = Field(default_factory=socket.gethostname, min_length=1, max_length=64)
    """Who claims replies in the outbox (bot.delivery): stable across restarts of one process
    slot, so a restarted bot takes its own unsent replies back at once; give each of several
    workers on one host its own (WORKER_ID)."""
    redis_url: SecretStr | None = None
    """Several workers: per-chat locks shared in Redis (bot.redis_isolation); unset, one
    process's own locks. A secret: the URL may carry a password."""
    reply_lease_seconds: float = Field(default=60.0, ge=2.0)
    """How long a worker's claim on its unsent replies lasts without renewal: the longest a
    dead worker's replies wait before another worker delivers them (bot.delivery)."""
    log_format: typing.Literal["text", "json"] = "text"
    """`json`: one JSON object per line through structlog (bot.logs), for a log collector."""
    shutdown_seconds: float = Field(default=20.0, ge=0)
    """On SIGTERM: how long turns in flight and replies queued may take to finish."""

    @field_validator("database_url")
    @classmethod
    def _database_url_is_supported(cls, value: str) -> str:
        # Our own messages only: the parser's errors may quote the URL (and its password).
        try:
            driver = make_url(value).drivername
        except Exception:
            raise ValueError(
                "is not a database URL (expected sqlite+aiosqlite:///FILE "
                "or postgresql+asyncpg://USER:PASSWORD@HOST:PORT/DB)"
            ) from None
        if driver not in DATABASE_DRIVERS:
            raise ValueError(f"must use one of the drivers {', '.join(DATABASE_DRIVERS)}")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and not self.webhook_secret:
            raise ValueError("WEBHOOK_SECRET is required when WEBHOOK_URL is set")
        return self

    @property
    def webhook_path(self) -> str:
        """The path Telegram posts to: the path part of `WEBHOOK_URL`."""
        return urlsplit(self.webhook_url or "").path or "/"

    @property
    def token(self) -> str | None:
        return self.bot_token.get_secret_value() if self.bot_token else None

    @property
    def terminal_demo(self) -> bool:
        """Whether the terminal conversation is a demonstration: without a token, or DEMO=1."""
        return self.demo or self.token is None


class ConfigurationError(Exception):
    """A setting is missing or invalid. The message names the settings, never their values."""


SettingsT = TypeVar("SettingsT", bound=BaseSettings)


def load_settings(cls: type[SettingsT], **values: Any) -> SettingsT:
    """`cls(**values)`, with every validation failure turned into a `ConfigurationError`."""
    try:
        return cls(**values)
    except ValidationError as error:
        problems = [_describe(cls, problem) for problem in _errors_without_input(error)]
    except SettingsError as error:  # a value pydantic-settings could not even decode
        field = re.search(r'field "(\w+)"', str(error))
        problems = [
            f"{_env_name(cls, field[1])}: could not be decoded (a list is written as JSON)"
            if field
            else "a setting could not be decoded"
        ]
    lines = [f"  {_scrub(cls, problem)}" for problem in problems]
    raise ConfigurationError(
        "Configuration error, nothing was started:\n"
        + "\n".join(lines)
        + "\nFix the environment (or .env) and start again."
    ) from None


def _errors_without_input(error: ValidationError) -> list[dict[str, Any]]:
    return [
        dict(problem)
        for problem in error.errors(include_input=False, include_url=False, include_context=False)
    ]


def _env_name(cls: type[BaseSettings], field: str) -> str:
    prefix = str(cls.model_config.get("env_prefix") or "")
    return (prefix + field).upper()


def _describe(cls: type[BaseSettings], problem: dict[str, Any]) -> str:
    """`SETTING: what is wrong` from one of pydantic's errors (location and message only)."""
    message = str(problem.get("msg", "is invalid"))
    if problem.get("type") == "value_error":
        message = message.removeprefix("Value error, ")
    location = [str(part) for part in problem.get("loc", ())]
    if not location:  # a check across settings: its message names them
        return message
    setting = ".".join([_env_name(cls, location[0]), *location[1:]])
    return f"{setting}: {message}"


def _is_secret(annotation: Any) -> bool:
    if annotation is SecretStr:
        return True
    return any(_is_secret(argument) for argument in typing.get_args(annotation))


def _secret_values(cls: type[BaseSettings]) -> list[str]:
    """The raw values of every secret setting (SecretStr fields, the database password).

    Read from the environment and the env file the same way pydantic-settings reads them, only
    to blank them out of messages (a second line of defence: messages carry no input anyway).
    """
    wanted: dict[str, bool] = {}  # env name -> is a URL whose password is the secret
    for name, field in cls.model_fields.items():
        if _is_secret(field.annotation):
            wanted[_env_name(cls, name)] = False
        elif name.endswith("_url"):
            wanted[_env_name(cls, name)] = True
    sources: list[dict[str, str | None]] = [dict(os.environ)]
    env_files = cls.model_config.get("env_file")
    if isinstance(env_files, str | Path):
        env_files = [env_files]
    for env_file in env_files or ():
        if Path(env_file).is_file():
            sources.append(dict(dotenv_values(env_file)))
    found: list[str] = []
    for source in sources:
        for key, raw in source.items():
            if raw is None or key.upper() not in wanted:
                continue
            found.extend(_url_password(raw) if wanted[key.upper()] else [raw])
    return sorted({value for value in found if value}, key=len, reverse=True)


def _url_password(raw: str) -> list[str]:
    try:
        password = make_url(raw).password
    except Exception:
        return []
    return [str(password)] if password else []


def _scrub(cls: type[BaseSettings], text: str) -> str:
    for value in _secret_values(cls):
        text = text.replace(value, "***")
    return text
