"""DPO on preference pairs with TRL's DPOTrainer, tokenized through inference's template.

TRL tokenizes pairs with the tokenizer's chat template; here the prompt goes through
`backends.inputs.omni_inputs` (inference's system prompt, template and generation prompt)
and each reply is what SFT labels: the reply's tokens and `<|im_end|>`. Pairs are text-only
(`carellm feedback export --to dpo` writes text); TRL's loss, reference model (the base
under the LoRA adapter) and logging are used unchanged.
"""

from __future__ import annotations

from carellm.backends.base import Message
from carellm.backends.inputs import omni_inputs
from carellm.config import MediaLimits
from carellm.errors import InputError
from carellm.train.config import DPORecipe
from carellm.train.data import PreferencePair, from_row, read_preference_pairs, to_row
from carellm.train.run import TrainResult, load_trainable, train_and_save


def reply_ids(
    processor, prompt: list[Message], prompt_ids: list[int], reply: str, limits: MediaLimits
) -> list[int]:
    """What SFT would learn for `reply` after `prompt`: its tokens up to and with `<|im_end|>`."""
    whole = omni_inputs(processor, [*prompt, Message("assistant", reply)], limits, generation_prompt=False)
    ids = whole.tensors["input_ids"][0].tolist()
    if ids[: len(prompt_ids)] != prompt_ids:  # the template would have to rewrite the history
        raise InputError(
            "A pair's prompt tokenizes differently with its reply.", "Report this with the pair."
        )
    completion = ids[len(prompt_ids) :]
    end = processor.tokenizer.convert_tokens_to_ids("<|im_end|>")
    return completion[: completion.index(end) + 1] if end in completion else completion


def pair_ids(processor, pair: PreferencePair, limits: MediaLimits) -> dict[str, list[int]]:
    if any(m.media for m in pair.prompt):
        raise InputError(
            "DPO pairs with media are not supported yet.", "Use text pairs (feedback export writes them)."
        )
    prompt = omni_inputs(processor, pair.prompt, limits).tensors["input_ids"][0].tolist()
    return {
        "prompt_ids": prompt,
        "chosen_ids": reply_ids(processor, pair.prompt, prompt, pair.chosen, limits),
        "rejected_ids": reply_ids(processor, pair.prompt, prompt, pair.rejected, limits),
    }


def pairs_dataset(path: str):
    from datasets import Dataset

    pairs = read_preference_pairs(path)
    return Dataset.from_dict(
        {
            "prompt": [to_row(p.prompt) for p in pairs],
            "chosen": [p.chosen for p in pairs],
            "rejected": [p.rejected for p in pairs],
        }
    )


def _trainer_class():
    from trl import DPOTrainer

    class OmniDPOTrainer(DPOTrainer):
        """DPOTrainer whose tokenization is CareLLM's (`pair_ids`); everything else is TRL's."""

        limits = MediaLimits()

        def _prepare_dataset(self, dataset, processing_class, args, dataset_name):
            def tokenize(example):
                pair = PreferencePair(from_row(example["prompt"]), example["chosen"], example["rejected"])
                return pair_ids(processing_class, pair, self.limits)

            return dataset.map(
                tokenize, remove_columns=["prompt", "chosen", "rejected"], desc=f"Tokenizing {dataset_name}"
            )

    return OmniDPOTrainer


def run_dpo(recipe: DPORecipe, callbacks: list | None = None) -> TrainResult:
    if not recipe.data:
        raise InputError(
            "No preference pairs.", "Pass --data pairs.jsonl (carellm feedback export --to dpo)."
        )
    if recipe.method == "full":
        raise InputError("The DPO recipe trains a LoRA adapter.", "Use method=lora (or qlora on a GPU).")
    train = pairs_dataset(recipe.data)
    evaluation = pairs_dataset(recipe.eval_data) if recipe.eval_data else None
    if evaluation is None:
        recipe.eval_strategy = "no"
    processor, model, licences = load_trainable(recipe)
    trainer = _trainer_class()(
        model=model,
        args=recipe,
        train_dataset=train,
        eval_dataset=evaluation,
        processing_class=processor,
        callbacks=callbacks,
    )
    return train_and_save(trainer, processor, recipe, evaluation is not None, licences)
