"""Supervised fine-tuning of the thinker with TRL's SFTTrainer (the loop is TRL's, not ours)."""

from __future__ import annotations

from carellm.config import MediaLimits
from carellm.errors import InputError
from carellm.train.collate import OmniCollator
from carellm.train.config import SFTRecipe
from carellm.train.data import read_conversations, to_row
from carellm.train.run import TrainResult, load_trainable, train_and_save


def records_dataset(path: str):
    from datasets import Dataset

    return Dataset.from_dict({"record": [to_row(m) for m in read_conversations(path)]})


def run_sft(
    recipe: SFTRecipe, limits: MediaLimits | None = None, callbacks: list | None = None
) -> TrainResult:
    """Train, save the adapter (or the thinker) and the processor; `callbacks` are TRL/transformers ones."""
    from trl import SFTTrainer

    if not recipe.data:
        raise InputError("No training data.", "Pass --data FILE.jsonl (or set data: in the recipe).")
    train = records_dataset(recipe.data)  # checked before the model is loaded
    evaluation = records_dataset(recipe.eval_data) if recipe.eval_data else None
    if evaluation is None:
        recipe.eval_strategy = "no"
    processor, model, licences = load_trainable(recipe)
    trainer = SFTTrainer(
        model=model,
        args=recipe,
        train_dataset=train,
        eval_dataset=evaluation,
        processing_class=processor,
        data_collator=OmniCollator(processor, limits or MediaLimits(), recipe.max_length),
        callbacks=callbacks,
    )
    return train_and_save(trainer, processor, recipe, evaluation is not None, licences)
