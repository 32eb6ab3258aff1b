"""The thinker to train: loaded alone (no talker, no token2wav), with its trainable parts chosen.

Speech is made by the talker from the thinker's hidden states; fine-tuning changes only the
thinker, and `carellm train merge` puts the original talker and token2wav back beside it.
"""

from __future__ import annotations

import importlib.util

from carellm.errors import InputError
from carellm.train.config import AnyRecipe, RecipeFields

LANGUAGE_MODEL = "model.language_model."
AUDIO_TOWER = "model.audio_tower."  # the encoder and its projector (audio_tower.proj)
VISION_TOWER = "model.visual."  # the vision tower and its merger


def check_quantization(recipe: RecipeFields) -> None:
    """QLoRA needs bitsandbytes' CUDA kernels: say so before loading 7B parameters."""
    import torch

    if recipe.method != "qlora":
        return
    if not torch.cuda.is_available():
        raise InputError(
            "The qlora recipe needs a CUDA GPU: bitsandbytes' 4-bit NF4 kernels do not run on a CPU.",
            "Run it on a GPU machine, or use recipes/lora.yaml here.",
        )
    if importlib.util.find_spec("bitsandbytes") is None:
        raise InputError("The qlora recipe needs bitsandbytes.", "pip install bitsandbytes")


def load_thinker(recipe: RecipeFields, dtype):
    """Qwen2_5OmniThinkerForConditionalGeneration from a full Qwen2.5-Omni checkpoint."""
    from transformers import Qwen2_5OmniThinkerForConditionalGeneration

    from carellm.backends.loading import quiet_known_config_warnings, resolve_model

    check_quantization(recipe)
    quiet_known_config_warnings()
    model_id, local_only = resolve_model(recipe.model)
    kwargs: dict = {"dtype": dtype, "local_files_only": local_only}
    if recipe.method == "qlora":
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type=recipe.bnb_4bit_quant_type,
            bnb_4bit_use_double_quant=recipe.bnb_4bit_use_double_quant,
            bnb_4bit_compute_dtype=dtype,
        )
    try:
        return Qwen2_5OmniThinkerForConditionalGeneration.from_pretrained(model_id, **kwargs)
    except (OSError, ValueError) as exc:
        from carellm.backends.loading import missing_weights_error

        raise missing_weights_error(recipe.model, exc) from exc


def trained_prefixes(recipe: RecipeFields) -> tuple[str, ...]:
    """Parameter-name prefixes a full fine-tune trains."""
    parts = [LANGUAGE_MODEL, "lm_head."]
    if recipe.train_audio_encoder:
        parts.append(AUDIO_TOWER)
    if recipe.train_vision_encoder:
        parts.append(VISION_TOWER)
    return tuple(parts)


def choose_trainable(model, recipe: AnyRecipe):
    """Full: requires_grad on the chosen parts only. LoRA/QLoRA: a peft model on the language
    model's projections (towers trained fully beside it when the recipe asks)."""
    if recipe.method == "full":
        prefixes = trained_prefixes(recipe)
        for name, param in model.named_parameters():
            param.requires_grad_(name.startswith(prefixes))
        return model
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training

    if recipe.method == "qlora":
        model = prepare_model_for_kbit_training(
            model, use_gradient_checkpointing=recipe.gradient_checkpointing
        )
    names = "|".join(recipe.lora_target_modules)
    towers = [p.rstrip(".").split(".")[-1] for p in trained_prefixes(recipe)[2:]]
    config = LoraConfig(
        r=recipe.lora_r,
        lora_alpha=recipe.lora_alpha,
        lora_dropout=recipe.lora_dropout,
        # Only the language model's projections: the towers use the same names (q_proj, ...).
        target_modules=rf"model\.language_model\.layers\.\d+\.(self_attn|mlp)\.({names})",
        modules_to_save=towers or None,
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, config)
