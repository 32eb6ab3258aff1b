"""Memory estimates: LoRA parameters counted as peft adds them; recipes ordered as their designs say."""

from __future__ import annotations

from pathlib import Path

import torch

from carellm.train.config import SFTRecipe, load_recipe
from carellm.train.memory import estimate, lora_parameters, meta_thinker

RECIPES = Path(__file__).parents[2] / "recipes"
CPU = {"bf16": False, "deepspeed": None}


def _recipe(name: str) -> SFTRecipe:
    return load_recipe(SFTRecipe, RECIPES / f"{name}.yaml", CPU)


def test_lora_parameters_are_what_peft_trains(tiny_model_dir):
    from transformers import Qwen2_5OmniThinkerForConditionalGeneration

    from carellm.train.model import choose_trainable

    recipe = _recipe("lora")
    peft_model = choose_trainable(
        Qwen2_5OmniThinkerForConditionalGeneration.from_pretrained(tiny_model_dir), recipe
    )
    trainable, _ = peft_model.get_nb_trainable_parameters()
    assert lora_parameters(meta_thinker(str(tiny_model_dir)), recipe) == trainable


def test_recipes_at_the_default_omni_shapes_order_as_designed():
    from transformers import Qwen2_5OmniThinkerConfig, Qwen2_5OmniThinkerForConditionalGeneration

    with torch.device("meta"):
        model = Qwen2_5OmniThinkerForConditionalGeneration._from_config(Qwen2_5OmniThinkerConfig())
    lora, qlora = estimate(model, _recipe("lora")), estimate(model, _recipe("qlora"))
    full_one, full_four = estimate(model, _recipe("full")), estimate(model, _recipe("full"), gpus=4)
    multimodal = estimate(model, _recipe("multimodal"), gpus=4)
    assert qlora.weights_gib < lora.weights_gib / 1.9 and qlora.trainable == lora.trainable
    assert lora.total_gib < full_four.total_gib < full_one.total_gib
    assert full_four.training_state_gib == full_one.training_state_gib / 4
    assert multimodal.trainable > full_one.trainable  # the audio encoder trains too
