"""Settings of the HTTP server (`carellm serve`), env vars `CARELLM_SERVE_*`.

Defaults are the safe ones: loopback only, CORS off, remote media URLs off, bounded queue,
body and token limits. Model and generation settings stay in `carellm.config.Settings`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BeforeValidator, Field
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def split_list(value: object) -> list[str]:
    """Env vars give 'a,b'; Python callers give lists."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(v) for v in value]  # type: ignore[attr-defined]  # any other iterable


CommaList = Annotated[list[str], NoDecode, BeforeValidator(split_list)]


class ServeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CARELLM_SERVE_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    # The id clients pass as `model`; defaults to `carellm-<model name>` (stable_model_name).
    # "carellm" and the --model value as given always work too.
    served_model_name: str | None = None
    api_keys: CommaList = Field(default_factory=list)
    api_key_file: Path | None = None
    rate_limit_per_minute: int = Field(60, ge=1)  # per API key (or per client address without keys)
    max_body_mb: float = Field(64.0, gt=0)
    max_tokens: int = Field(1024, ge=1)  # the most a request may ask for
    max_active: int | None = Field(None, ge=1)  # generations at once; None: what the backend batches
    max_waiting: int = Field(32, ge=0)  # requests queued beyond that get 503 + Retry-After
    request_timeout_s: float = Field(300.0, gt=0)
    cors_origins: CommaList = Field(default_factory=list)  # empty: CORS off
    allow_remote_media: bool = False  # http(s) image/video URLs, only to hosts on the allow-list
    remote_media_hosts: CommaList = Field(default_factory=list)
    remote_media_timeout_s: float = Field(10.0, gt=0)
    media_dirs: CommaList = Field(default_factory=list)  # directories video_url paths may point into
    max_sessions: int = Field(1000, ge=1)  # server-side sessions kept in memory (LRU)
    session_ttl_s: float = Field(3600.0, gt=0)  # idle sessions are forgotten after this
    # Server-side sessions live in the session store that API replicas share (PostgreSQL): any
    # replica continues any session, one turn at a time (serve/sessions.py). Off: in memory here.
    shared_sessions: bool = False
    # Send the model's text only after the reply guard approved it (one chunk, no live streaming),
    # and speak none of it before then (no early first sentence).
    hold_unchecked_text: bool = False

    def all_api_keys(self) -> list[str]:
        """Keys from settings plus the key file (one per line, '#' comments)."""
        keys = list(self.api_keys)
        if self.api_key_file is not None:
            from carellm.errors import ConfigError

            try:
                lines = self.api_key_file.expanduser().read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise ConfigError(
                    f"Cannot read the API key file {self.api_key_file}: {exc.strerror}.",
                    "Check --api-key-file / CARELLM_SERVE_API_KEY_FILE.",
                ) from exc
            keys += [ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("#")]
        return keys


def stable_model_name(model: str) -> str:
    """The id the server gives its model: `carellm-<name>` from a hub id or a folder
    ("Qwen/Qwen2.5-Omni-7B" and "/data/Qwen2.5-Omni-7B/" both give "carellm-Qwen2.5-Omni-7B"),
    "carellm-tiny" for the tiny random test model, whatever folder it was made in."""
    from carellm.dev.tiny_model import is_tiny_model

    if is_tiny_model(model):
        return "carellm-tiny"
    name = Path(model.rstrip("/")).name or model
    return name if name.startswith("carellm") else f"carellm-{name}"
