"""All configuration in one typed place.

Precedence: CLI flags > environment variables (`CARELLM_*`) > defaults. Interfaces build
a `Settings` once and pass it down; library code never reads the environment itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, get_args

import platformdirs
from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from carellm.errors import ConfigError
from carellm.language import Lang

DEFAULT_MODEL = "Qwen/Qwen2.5-Omni-7B"
SMALL_MODEL = "Qwen/Qwen2.5-Omni-3B"
# The shared vocabulary: every other module imports these instead of spelling them out.
Voice = Literal["Chelsie", "Ethan"]  # Qwen2.5-Omni's speakers
VOICES: tuple[Voice, ...] = get_args(Voice)
LangSetting = Literal["auto", Lang]  # "auto": detected from the first message
LANG_SETTINGS: tuple[LangSetting, ...] = get_args(LangSetting)
# Whether the fast decode step is torch.compile'd (backends/compile_cache.py): "auto" only where
# a compiled step for this model, dtype, torch and GPU is already cached on disk; "on" compiles
# (a minute or two per step shape the first time, filling the cache); "off" never.
CompileMode = Literal["auto", "on", "off"]
# The reply guard's model self-check (safety/self_check.py): "auto" only where the engine runs on a
# GPU or is remote; "reply": once per reply, "sentence": before each sentence is shown.
SelfCheckMode = Literal["auto", "on", "off"]
SelfCheckScope = Literal["reply", "sentence"]


def read_secret_file(path: Path, variable: str) -> str:
    """The text of a secret kept in a file, without its trailing newline. Compose and Kubernetes
    hand secrets to a container as files, so each secret setting has a `*_FILE` twin."""
    try:
        text = path.expanduser().read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"Cannot read {variable} ({path}): {exc.strerror}.", f"Check {variable}.") from None
    if not text:
        raise ConfigError(f"{variable} ({path}) is empty.", "Write the secret into that file.")
    return text


def secret_from_file(value: Any, path: Path | None, name: str) -> Any:
    """`value`, or the content of `path` when only the file is given (setting both is an error)."""
    if path is None:
        return value
    if value is not None:
        raise ConfigError(f"Both {name} and {name}_FILE are set.", "Set only one.")
    return read_secret_file(path, f"{name}_FILE")


class MediaLimits(BaseSettings):
    """Bounds on what a single turn may carry; each one protects memory or latency."""

    model_config = SettingsConfigDict(env_prefix="CARELLM_MEDIA_", extra="ignore")

    max_file_mb: float = 200.0
    max_audio_seconds: float = 300.0
    max_video_seconds: float = 180.0
    max_image_pixels: int = 40_000_000
    # The Qwen2.5-Omni processors resize to at most these many pixels per image / video frame.
    image_max_pixels: int = 1280 * 28 * 28
    video_max_pixels: int = 384 * 28 * 28
    video_fps: float = 2.0
    video_max_frames: int = 128


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CARELLM_", extra="ignore")

    model: str = DEFAULT_MODEL
    backend: Literal["omni", "openai", "mnn"] = "omni"
    base_url: str | None = None
    api_key: str | None = None
    # The engine's key from a file (a compose or Kubernetes secret); only one of the two may be set.
    api_key_file: Path | None = None
    lang: LangSetting = "auto"
    locale: str | None = None
    device_map: str = "auto"
    dtype: Literal["auto", "bfloat16", "float16", "float32"] = "auto"
    attn_implementation: Literal["auto", "sdpa", "flash_attention_2", "eager"] = "auto"
    # Thinker decode through a static KV cache + CUDA-graph-captured step (backends/fast_decode.py).
    # None: on where it pays (CUDA), off on CPU; True forces it (CPU too: tests); False: plain generate.
    fast: bool | None = None
    # Generations the fast path decodes together (continuous batching, backends/batching.py).
    # None: 8 on CUDA, 1 on CPU. Each row holds its own KV cache (~57 KB per token for the 7B).
    decode_slots: int | None = Field(None, ge=1, le=256)
    # FP8 (e4m3) copies of the thinker's weights for decode steps: faster on H100-class GPUs, at
    # a small cost in logits (docs/perf.md measures it); prefill stays in the model's dtype.
    fast_fp8: bool = False
    compile: CompileMode = "auto"
    audio_output: bool = True
    # Spoken replies go out in pieces as they are made, starting with the reply's first approved
    # sentence while the rest is still being written; False: one waveform after the whole reply.
    stream_speech: bool = True
    voice: Voice = "Chelsie"
    max_new_tokens: int = Field(512, ge=1, le=8192)
    temperature: float = Field(0.7, ge=0.0, le=2.0)
    top_p: float = Field(0.9, gt=0.0, le=1.0)
    context_tokens: int = Field(6144, ge=256)
    # Longest spoken reply; the talker normally stops by itself, this bounds a run-away one.
    max_speech_seconds: float = Field(60.0, gt=0, le=600)
    seed: int | None = None
    # Spoken turns (audio, a video's sound track) are transcribed by the model before the crisis
    # layer reads the turn: one extra greedy, text-only pass, only when the turn holds speech.
    # Off: speech reaches the model unread, and each such turn's record says so.
    transcribe_speech: bool = True
    # The transcript's length cap: 256 tokens read about 75 s of English conversation (~3.3 tokens/s).
    transcribe_max_tokens: int = Field(256, ge=16, le=2048)
    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir("carellm")))
    # What can be rebuilt (compiled decode steps under compile/): safe to delete, never user data.
    cache_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_cache_dir("carellm")))
    log_message_text: bool = False
    # After the patterns and the learned model pass a reply, the loaded model is asked with a fixed
    # rubric whether it breaks a guard category (one short greedy generation); it can only block.
    guard_self_check: SelfCheckMode = "auto"
    guard_self_check_scope: SelfCheckScope = "reply"
    # An answer that is not exactly `safe` or `unsafe` + codes blocks only when this is True.
    guard_self_check_fail_closed: bool = False
    # A text-emotion classifier trained with `carellm emotion train` (None: lexicons only).
    emotion_model: Path | None = None
    media: MediaLimits = Field(default_factory=MediaLimits)

    @model_validator(mode="after")
    def _api_key_from_file(self) -> Settings:
        self.api_key = secret_from_file(self.api_key, self.api_key_file, "CARELLM_API_KEY")
        return self


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment, with explicit (e.g. CLI flag) overrides that are not None."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
