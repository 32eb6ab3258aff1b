"""Finding model weights and turning loader failures into messages a user can act on."""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from urllib.parse import urlsplit

from carellm.config import SMALL_MODEL
from carellm.errors import ModelNotFoundError, OutOfMemoryError


def hf_cache_dir() -> Path:
    from huggingface_hub.constants import HF_HUB_CACHE

    return Path(HF_HUB_CACHE)


def is_cached(model_id: str) -> bool:
    """True when a hub model's config is already in the local Hugging Face cache."""
    from huggingface_hub import try_to_load_from_cache

    if Path(model_id).expanduser().is_dir():
        return True
    found = try_to_load_from_cache(model_id, "config.json")
    return isinstance(found, str)


class _TalkerTokenIdNoise(logging.Filter):
    """Drops transformers' config warning that compares the talker's *thinker* text-token ids
    (tts_text_*, vision/audio markers) with the talker's codec vocabulary: every Qwen2.5-Omni
    checkpoint, the released ones included, triggers it and it means nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "must be `None` or an integer within the vocabulary" not in record.getMessage()


def quiet_known_config_warnings() -> None:
    target = logging.getLogger("transformers.configuration_utils")
    if not any(isinstance(f, _TalkerTokenIdNoise) for f in target.filters):
        target.addFilter(_TalkerTokenIdNoise())


def hub_reachable(timeout: float = 3.0) -> bool:
    """Whether huggingface.co answers at all; without this, a missing model means minutes of retries."""
    import os

    if os.environ.get("HF_HUB_OFFLINE", "0").lower() in {"1", "true", "yes"}:
        return False
    endpoint = urlsplit(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    port = endpoint.port or (80 if endpoint.scheme == "http" else 443)
    try:
        socket.create_connection((endpoint.hostname or "huggingface.co", port), timeout=timeout).close()
    except (OSError, ValueError):
        return False
    return True


def resolve_model(model: str) -> tuple[str, bool]:
    """(path or hub id, local_files_only). Fails fast, with what to do, when the weights cannot be had."""
    path = Path(model).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ModelNotFoundError(
                f"{path} exists but has no config.json: it is not a model folder.",
                "Point --model at the folder that holds config.json and the *.safetensors files.",
            )
        return str(path), True
    if model.startswith((".", "/", "~")) or model.count("/") != 1:
        raise ModelNotFoundError(f"No model folder at {path}.", _missing_hint(model))
    if is_cached(model):
        return model, not hub_reachable()
    if not hub_reachable():
        raise ModelNotFoundError(
            f"The weights of {model} are not in the local cache and the Hugging Face hub cannot be reached.",
            _missing_hint(model),
        )
    return model, False


def _missing_hint(model: str) -> str:
    repo = (
        model if model.count("/") == 1 and not model.startswith((".", "/", "~")) else "Qwen/Qwen2.5-Omni-7B"
    )
    return (
        f"Looked in the Hugging Face cache ({hf_cache_dir()}) and on the hub.\n"
        f"  - Download the weights: hf download {repo}\n"
        f"  - Or use weights you already have: --model /path/to/{repo.split('/')[-1]}\n"
        f"  - Smaller GPU? --model {SMALL_MODEL}\n"
        "  - Just trying the interfaces? carellm dev make-tiny-model ./tiny && carellm chat --model ./tiny "
        "(or --model ./tiny on serve and web; random weights: its replies are noise)"
    )


def missing_weights_error(model: str, cause: BaseException) -> ModelNotFoundError:
    return ModelNotFoundError(
        f"Could not load the model weights for '{model}' ({type(cause).__name__}: "
        f"{str(cause).splitlines()[0][:160] if str(cause) else 'no details'}).",
        _missing_hint(model),
    )


def out_of_memory_error(model: str, audio_output: bool) -> OutOfMemoryError:
    tips = [f"use the smaller model: --model {SMALL_MODEL}"]
    if audio_output:
        tips.append("disable spoken replies to skip the talker: --no-audio-output (CARELLM_AUDIO_OUTPUT=0)")
    tips.append("run `carellm doctor` to see free GPU memory and the recommended model")
    return OutOfMemoryError(
        f"Not enough GPU memory to load or run '{model}'.", "Try: " + "; ".join(tips) + "."
    )
