"""Settings from the environment or a `.env` file; secrets never live in the repository."""

from __future__ import annotations

import secrets
import socket
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.base import DEFAULT_DATABASE_URL


class Settings(BaseSettings):
    """Everything the bot process needs to start.

    Without `BOT_TOKEN` the entry point runs the terminal conversation instead of Telegram.
    `BOT_API_BASE_URL` points every Bot API call elsewhere (a local Bot API server, or the fake
    server of the tests). `WEBHOOK_URL` switches from long polling to webhook mode.
    """

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    bot_api_base_url: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
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
    worker_id: str = Field(default_factory=socket.gethostname, min_length=1, max_length=64)
    """Who claims replies in the outbox (bot.delivery): stable across restarts of one process
    slot, so a restarted bot takes its own unsent replies back at once; give each of several
    workers on one host its own (WORKER_ID)."""

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
