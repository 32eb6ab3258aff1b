"""What every recipe's run shares: loading the thinker to train, and training, saving, evaluating.

SFT and DPO differ only in their data and TRL trainer; the model they train, the run file
`carellm train merge` reads, resuming, and what a run returns are the same, so they live here once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from carellm.errors import InputError
from carellm.train.config import AnyRecipe
from carellm.train.data import check_licences
from carellm.train.memory import check_fits
from carellm.train.model import choose_trainable, load_thinker

RUN_FILE = "carellm_run.json"  # the base model and method, for `carellm train merge`


@dataclass
class TrainResult:
    output_dir: Path
    steps: int
    train_loss: float
    eval_loss: float | None
    log_history: list[dict]


def torch_dtype(recipe: AnyRecipe):
    import torch

    return torch.bfloat16 if recipe.bf16 else torch.float16 if recipe.fp16 else torch.float32


def write_run_file(recipe: AnyRecipe, output_dir: str | None, licences: dict[str, int]) -> None:
    output_dir = output_dir or "."
    Path(output_dir).mkdir(parents=True, exist_ok=True)
    run = {
        "base_model": recipe.model,
        "method": recipe.method,
        "intended_use": recipe.intended_use,
        "data_licences": licences,
    }
    (Path(output_dir) / RUN_FILE).write_text(json.dumps(run, indent=2), encoding="utf-8")


def resume_point(recipe: AnyRecipe) -> str | bool | None:
    wanted = recipe.resume_from_checkpoint
    if wanted in (None, "", False, "false"):
        return None
    if wanted in (True, "true", "last"):
        from transformers.trainer_utils import get_last_checkpoint

        last = get_last_checkpoint(out) if (out := recipe.output_dir) and Path(out).is_dir() else None
        if last is None:
            raise InputError(
                f"No checkpoint in {recipe.output_dir} to resume from.",
                "Start without resume_from_checkpoint.",
            )
        return last
    return str(wanted)


def data_licences(recipe: AnyRecipe) -> dict[str, int]:
    """The training and validation data's licences, checked against the recipe's intended use."""
    paths = [p for p in (recipe.data, recipe.eval_data) if p]
    return check_licences(paths, recipe.intended_use)


def load_trainable(recipe: AnyRecipe):
    """(processor, model, data licences): the licence and memory checks first, then the thinker
    with its trainable parts chosen."""
    from transformers import set_seed

    from carellm.backends.loading import resolve_model
    from carellm.backends.processor import load_processor

    licences = data_licences(recipe)
    model_id, local_only = resolve_model(recipe.model)
    check_fits(recipe, model_id, local_only)
    processor = load_processor(model_id, local_files_only=local_only)
    set_seed(recipe.seed)  # adapters are created here, before the trainer seeds: same run, same start
    model = choose_trainable(load_thinker(recipe, torch_dtype(recipe)), recipe)
    return processor, model, licences


def train_and_save(
    trainer, processor, recipe: AnyRecipe, evaluate: bool, licences: dict[str, int]
) -> TrainResult:
    """Train (resuming where the recipe asks), save the run file (with the data's `licences`),
    model and processor, and evaluate when there is evaluation data."""
    write_run_file(recipe, recipe.output_dir, licences)
    output = trainer.train(resume_from_checkpoint=resume_point(recipe))
    trainer.save_model(recipe.output_dir)
    processor.save_pretrained(recipe.output_dir)
    eval_loss = trainer.evaluate()["eval_loss"] if evaluate else None
    return TrainResult(
        Path(recipe.output_dir or "."),
        output.global_step,
        output.training_loss,
        eval_loss,
        trainer.state.log_history,
    )
