"""The staff web's settings, from the environment (prefix `STAFF_`) or `.env`.

`STAFF_SECRET_KEY` signs the session and CSRF cookies: without it a random key is drawn at start,
so sessions end when the process restarts (fine on a laptop, not for production).
`STAFF_PUBLIC_URL` is the address staff open (used in calendar feed links); when it is https,
cookies are marked Secure.
"""

from __future__ import annotations

import secrets

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.base import DEFAULT_DATABASE_URL


class StaffSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="STAFF_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    secret_key: SecretStr = Field(default_factory=lambda: SecretStr(secrets.token_urlsafe(32)))
    public_url: str = ""
    session_hours: float = Field(default=8.0, gt=0, le=24 * 7)
    """A session lasts one working day, then staff log in again."""
    max_failures_per_account: int = Field(default=5, ge=1)
    max_failures_per_address: int = Field(default=20, ge=1)
    failure_window_minutes: int = Field(default=15, ge=1)
    """Failed logins counted over this window; past the limit, logins wait until it passes."""
    database_url: str = Field(
        default=DEFAULT_DATABASE_URL, validation_alias="DATABASE_URL", repr=False
    )

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")


class StaffConfigurationError(Exception):
    """A setting is missing or invalid; the message names it, never its value."""


def load_staff_settings(**values: object) -> StaffSettings:
    try:
        return StaffSettings(**values)  # type: ignore[arg-type]
    except ValidationError as error:
        names = sorted(
            {
                "STAFF_" + str(problem["loc"][0]).upper()
                for problem in error.errors(include_input=False)
                if problem["loc"]
            }
        )
        raise StaffConfigurationError(
            "Configuration error, the staff web was not started: check "
            + ", ".join(names or ["the STAFF_* settings"])
        ) from None
