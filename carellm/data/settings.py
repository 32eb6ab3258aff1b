"""Cleaning settings (env vars CARELLM_DATA_*); CLI flags override them per run."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class CleanSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CARELLM_DATA_", extra="ignore")

    max_turn_chars: int = Field(8000, ge=1, description="A longer turn rejects its conversation.")
    langs: list[str] | None = Field(None, description="Keep only these detected languages (zh, en).")
    repair_roles: bool = Field(True, description="Merge/trim turns to alternate; False rejects instead.")
    dedup_exact: bool = True
    dedup_near: bool = True
    scrub_pii: bool = True
    validation: float = Field(0.05, ge=0, le=0.5)
    test: float = Field(0.05, ge=0, le=0.5)
    split_seed: str = "carellm"
