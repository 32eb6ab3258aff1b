"""A tuned thinker put back into a complete Qwen2.5-Omni checkpoint that still speaks.

Training changes only the thinker. The talker and token2wav come from the base checkpoint
unchanged, so the result loads wherever the base did (`carellm chat`, `serve`, `web`).
A LoRA adapter is merged into the thinker's weights (peft's merge_and_unload): the checkpoint
runs at the base model's speed, with no peft at inference.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from carellm.errors import InputError

WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json")


def base_of(run_dir: Path, base: str | None) -> str:
    """The base checkpoint: --base, else the one `carellm train` recorded for this run."""
    if base:
        return base
    run_file = run_dir / "carellm_run.json"
    if not run_file.is_file():
        raise InputError(f"{run_dir} does not say which model it was trained from.", "Pass --base MODEL.")
    return str(json.loads(run_file.read_text(encoding="utf-8"))["base_model"])


def _tuned_thinker(run_dir: Path, model):
    """The base model's thinker with the run's changes: a merged adapter, or the saved full thinker."""
    if (run_dir / "adapter_config.json").is_file():
        from peft import PeftModel

        return PeftModel.from_pretrained(model.thinker, str(run_dir)).merge_and_unload()
    if any((run_dir / name).is_file() for name in WEIGHT_FILES):
        from transformers import Qwen2_5OmniThinkerForConditionalGeneration

        return Qwen2_5OmniThinkerForConditionalGeneration.from_pretrained(run_dir, dtype=model.thinker.dtype)
    raise InputError(
        f"{run_dir} holds neither a LoRA adapter nor thinker weights.",
        "Pass the --output-dir of a finished `carellm train sft|dpo` run.",
    )


def merge(run_dir: str | Path, out: str | Path, base: str | None = None) -> Path:
    """Write base talker + token2wav + the tuned thinker, with the base's processor files, to `out`."""
    from transformers import Qwen2_5OmniForConditionalGeneration

    from carellm.backends.loading import missing_weights_error, quiet_known_config_warnings, resolve_model
    from carellm.backends.processor import load_processor

    run_dir, out = Path(run_dir), Path(out)
    if not run_dir.is_dir():
        raise InputError(f"Adapter folder {run_dir} not found.", "Pass a `carellm train` --output-dir.")
    if out.exists() and any(out.iterdir()):
        raise InputError(f"{out} is not empty.", "Choose a new folder for the merged checkpoint.")
    quiet_known_config_warnings()
    base_name = base_of(run_dir, base)
    model_id, local_only = resolve_model(base_name)
    try:
        model = Qwen2_5OmniForConditionalGeneration.from_pretrained(
            model_id, local_files_only=local_only, dtype="auto"
        )
    except (OSError, ValueError) as exc:
        raise missing_weights_error(base_name, exc) from exc
    model.thinker = _tuned_thinker(run_dir, model)
    model.save_pretrained(out)
    if Path(model_id).is_dir():
        _copy_extras(Path(model_id), out)
    else:  # a hub id resolved online: write the processor the base has
        load_processor(model_id, local_files_only=local_only).save_pretrained(out)
    return out


def _copy_extras(base: Path, out: Path) -> None:
    """The base's own processor, tokenizer and speaker files (spk_dict.pt), copied as they are: a
    processor saved again here would name CareLLM's torchvision-free video class, which
    `from_pretrained` cannot find."""
    if not base.is_dir():
        return
    for item in base.iterdir():
        if item.is_file() and not (out / item.name).exists() and not item.name.startswith("model"):
            shutil.copy2(item, out / item.name)
