"""Store settings: where sessions live, how they are encrypted and how long they are kept.

Kept here rather than in carellm/config.py so the store owns its knobs; all read from
`CARELLM_*` environment variables like the rest of the configuration.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from carellm.config import secret_from_file


class StoreSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CARELLM_", extra="ignore")

    # SQLAlchemy-style URL: sqlite:////abs/path/sessions.db or postgresql://user@host/db.
    # Empty: one SQLite file in the user data directory.
    db_url: str | None = None
    # The same URL read from a file (a compose or Kubernetes secret: the URL holds the password).
    db_url_file: Path | None = None
    # 32-byte AES key, urlsafe base64 or hex. Set one of these to encrypt text and media at rest.
    encryption_key: SecretStr | None = None
    encryption_key_file: Path | None = None
    # Sessions untouched for longer than this are deleted when the store opens.
    retention_days: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _db_url_from_file(self) -> StoreSettings:
        self.db_url = secret_from_file(self.db_url, self.db_url_file, "CARELLM_DB_URL")
        return self
