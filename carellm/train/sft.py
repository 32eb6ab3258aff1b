"""Supervised fine-tuning of the thinker with TRL's SFTTrainer (the loop is TRL's, not ours)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from carellm.config import MediaLimits
from carellm.errors import InputError
from carellm.train.collate import OmniCollator
from carellm.train.config import AnyRecipe, SFTRecipe
from carellm.train.data import read_conversations, to_row
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


def records_dataset(path: str):
    from datasets import Dataset

    return Dataset.from_dict({"record": [to_row(m) for m in read_conversations(path)]})


def write_run_file(recipe: AnyRecipe, output_dir: str | None) -> None:
    output_dir = output_dir or "."
    Path(output_dir).mkdir(parents=True, exist_ok=True)
    run = {"base_model": recipe.model, "method": recipe.method}
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


def run_sft(
    recipe: SFTRecipe, limits: MediaLimits | None = None, callbacks: list | None = None
) -> TrainResult:
    """Train, save the adapter (or the thinker) and the processor; `callbacks` are TRL/transformers ones."""
    from trl import SFTTrainer

    from carellm.backends.loading import resolve_model
    from carellm.backends.processor import load_processor

    if not recipe.data:
        raise InputError("No training data.", "Pass --data FILE.jsonl (or set data: in the recipe).")
    train = records_dataset(recipe.data)  # checked before the model is loaded
    evaluation = records_dataset(recipe.eval_data) if recipe.eval_data else None
    if evaluation is None:
        recipe.eval_strategy = "no"
    model_id, local_only = resolve_model(recipe.model)
    check_fits(recipe, model_id, local_only)
    processor = load_processor(model_id, local_files_only=local_only)
    model = choose_trainable(load_thinker(recipe, torch_dtype(recipe)), recipe)
    trainer = SFTTrainer(
        model=model,
        args=recipe,
        train_dataset=train,
        eval_dataset=evaluation,
        processing_class=processor,
        data_collator=OmniCollator(processor, limits or MediaLimits(), recipe.max_length),
        callbacks=callbacks,
    )
    write_run_file(recipe, recipe.output_dir)
    output = trainer.train(resume_from_checkpoint=resume_point(recipe))
    trainer.save_model(recipe.output_dir)
    processor.save_pretrained(recipe.output_dir)
    eval_loss = trainer.evaluate()["eval_loss"] if evaluation is not None else None
    return TrainResult(
        Path(recipe.output_dir or "."),
        output.global_step,
        output.training_loss,
        eval_loss,
        trainer.state.log_history,
    )
