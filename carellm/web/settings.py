"""Settings of the web page itself (env CARELLM_WEB_*); the model's settings stay in carellm.config."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from carellm.config import secret_from_file
from carellm.errors import ConfigError


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CARELLM_WEB_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 7860
    # "user:pass"; required by `carellm web` on a non-loopback address.
    auth: str | None = None
    auth_file: Path | None = None  # the same "user:pass" from a file (a compose or Kubernetes secret)
    # auto: Chinese for browsers that prefer it, English otherwise.
    ui_lang: Literal["auto", "zh", "en"] = "auto"
    # Where thumbs/comments go until the store provides a persistent sink (default: data_dir/feedback).
    feedback_file: Path | None = None
    # Gradio keeps copies of uploads and of what it served (reply audio, transcripts, plots): every
    # cache_sweep_s those older than cache_max_age_s are deleted, and all of them when the page stops.
    cache_sweep_s: int = Field(15 * 60, ge=1)
    cache_max_age_s: int = Field(60 * 60, ge=1)

    @model_validator(mode="after")
    def _auth_from_file(self) -> WebSettings:
        self.auth = secret_from_file(self.auth, self.auth_file, "CARELLM_WEB_AUTH")
        return self

    def credentials(self) -> tuple[str, str] | None:
        if not self.auth:
            return None
        user, sep, password = self.auth.partition(":")
        if not sep or not user or not password:
            raise ConfigError("--auth must look like user:password.", "For example: --auth alice:s3cret")
        return user, password
