"""The WhatsApp front end's settings, from the environment or `.env` (secrets never in the
repository). Read through `bot.config.load_settings`: a bad setting is named, never shown."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.base import DEFAULT_DATABASE_URL

GRAPH_API_BASE_URL = "https://graph.facebook.com"


class WhatsAppSettings(BaseSettings):
    """The Cloud API account (token, phone number id, app secret, verify token), where the
    webhook listens, and the approved reminder and notice templates (see whatsapp/README.md)."""

    model_config = SettingsConfigDict(
        env_prefix="WHATSAPP_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    token: SecretStr
    """The access token messages are sent with (a system user's permanent token)."""
    phone_number_id: str = Field(min_length=1, max_length=64, pattern=r"^\d+$")
    app_secret: SecretStr
    """Signs every webhook delivery (X-Hub-Signature-256); a delivery without it is refused."""
    verify_token: SecretStr
    """What Meta's verification handshake must present (hub.verify_token)."""
    api_base_url: str = GRAPH_API_BASE_URL
    api_version: str = Field(default="v21.0", pattern=r"^v\d+\.\d+$")
    host: str = "127.0.0.1"
    port: int = Field(default=8081, ge=1, le=65535)
    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        repr=False,
        validation_alias="DATABASE_URL",
    )
    """The bot's database (shared tables): `DATABASE_URL`, as for the bot."""
    reminder_template: str = Field(default="komek_visit_reminder", pattern=r"^[a-z0-9_]{1,512}$")
    """The approved template reminders go as outside the 24-hour window; its three body
    parameters are the visit's time, the place's name and its address."""
    notice_cancelled_template: str = Field(
        default="komek_visit_cancelled", pattern=r"^[a-z0-9_]{1,512}$"
    )
    """The approved template telling, outside the 24-hour window, that the center cancelled a
    visit or closed its day; body parameters: the place's name, the visit's time, its phone."""
    notice_moved_template: str = Field(default="komek_visit_moved", pattern=r"^[a-z0-9_]{1,512}$")
    """The approved template telling, outside the window, that the center moved a visit; body
    parameters: the place's name, the old time, the new time, the place's phone."""
    template_languages: dict[str, str] = {"kk": "kk", "ru": "ru"}
    """The template's language code per user language (as approved in WhatsApp Manager)."""
    window_hours: float = Field(default=23.5, gt=0, le=24)
    """A free-form message goes only this long after the user last wrote (WhatsApp: 24 h)."""
    rate_limit_pause_seconds: float = Field(default=60.0, gt=0)
    """How long every reminder waits after a throughput rate limit (error 130429)."""
    worker_id: str = Field(default="whatsapp", min_length=1, max_length=64)
    """Who claims rows in the reply outbox (give each of several processes its own)."""
    retention_days: int = Field(default=30, ge=1, validation_alias="RETENTION_DAYS")

    @field_validator("api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value.rstrip("/")

    @property
    def messages_url(self) -> str:
        return f"{self.api_base_url}/{self.api_version}/{self.phone_number_id}/messages"

    @property
    def media_url(self) -> str:
        return f"{self.api_base_url}/{self.api_version}/{self.phone_number_id}/media"
