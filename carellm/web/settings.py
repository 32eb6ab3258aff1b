"""Settings of the web page itself (env CARELLM_WEB_*); the model's settings stay in carellm.config."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

from carellm.errors import ConfigError


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CARELLM_WEB_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 7860
    # "user:pass"; required by `carellm web` on a non-loopback address.
    auth: str | None = None
    # auto: Chinese for browsers that prefer it, English otherwise.
    ui_lang: Literal["auto", "zh", "en"] = "auto"
    # Where thumbs/comments go until the store provides a persistent sink (default: data_dir/feedback).
    feedback_file: Path | None = None

    def credentials(self) -> tuple[str, str] | None:
        if not self.auth:
            return None
        user, sep, password = self.auth.partition(":")
        if not sep or not user or not password:
            raise ConfigError("--auth must look like user:password.", "For example: --auth alice:s3cret")
        return user, password
