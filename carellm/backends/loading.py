"""Finding model weights and turning loader failures into messages a user can act on."""

from __future__ import annotations

from pathlib import Path

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


def resolve_model(model: str) -> str:
    """A local folder, or a hub id to download; raises a clear error for a missing local path."""
    path = Path(model).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ModelNotFoundError(
                f"{path} exists but has no config.json: it is not a model folder.",
                "Point --model at the folder that holds config.json and the *.safetensors files.",
            )
        return str(path)
    if model.startswith((".", "/", "~")) or model.count("/") != 1:
        raise ModelNotFoundError(f"No model folder at {path}.", _missing_hint(model))
    return model


def _missing_hint(model: str) -> str:
    repo = (
        model if model.count("/") == 1 and not model.startswith((".", "/", "~")) else "Qwen/Qwen2.5-Omni-7B"
    )
    return (
        f"Looked in the Hugging Face cache ({hf_cache_dir()}) and on the hub.\n"
        f"  - Download the weights: huggingface-cli download {repo}\n"
        f"  - Or use weights you already have: --model /path/to/{repo.split('/')[-1]}\n"
        f"  - Smaller GPU? --model {SMALL_MODEL}\n"
        "  - Just trying the interfaces? carellm dev make-tiny-model ./tiny && --model ./tiny "
        "(random weights: its replies are noise)"
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
