"""Settings of the web page itself (model settings stay in carellm.config.Settings)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from carellm.errors import ConfigError


class WebSettings(BaseSettings):
    """`CARELLM_WEB_*`: where the page listens, who may open it, its first language."""

    model_config = SettingsConfigDict(env_prefix="CARELLM_WEB_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(7860, ge=1, le=65535)
    auth: str | None = None  # "user:password"
    ui_lang: Literal["en", "zh"] = "en"

    def credentials(self) -> tuple[str, str] | None:
        """(user, password) from `auth`, or None when the page is open."""
        if not self.auth:
            return None
        user, sep, password = self.auth.partition(":")
        if not sep or not user or not password:
            raise ConfigError("--auth must look like user:password.", "For example: --auth alice:s3cret")
        return user, password
