"""GPU memory a recipe needs, estimated from the model's config before anything is loaded.

Counted on a meta-device thinker (no weights read): parameters per part, LoRA parameters
exactly as peft adds them, then bytes per parameter for weights, gradients and AdamW state
(bf16 weights and gradients, fp32 moments; NF4 at ~0.52 bytes with double quantisation),
ZeRO-3 sharding over the GPUs, and activations at the recipe's length and batch: with
checkpointing one saved hidden state per layer plus one layer's working set and the fp32
logits. An estimate to catch a run that cannot fit, not a measurement (bench/ measures).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from carellm.train.config import AnyRecipe
from carellm.train.model import AUDIO_TOWER, LANGUAGE_MODEL, VISION_TOWER

GIB = 1024**3
NF4_BYTES = 0.52  # 4-bit weights + blockwise scales, double quantised (bitsandbytes)
ADAM_BYTES = 8  # two fp32 moments
LAYER_WORKSET = 34  # bytes per hidden unit per token for one transformer layer's recomputed activations


@dataclass
class MemoryEstimate:
    parameters: int
    trainable: int
    weights_gib: float
    training_state_gib: float  # gradients + optimiser, per GPU
    activations_gib: float
    gpus: int

    @property
    def total_gib(self) -> float:
        return self.weights_gib + self.training_state_gib + self.activations_gib


def meta_thinker(model_id: str, local_only: bool = True):
    """The thinker's modules with no storage behind them (config only)."""
    import torch
    from transformers import Qwen2_5OmniConfig, Qwen2_5OmniThinkerForConditionalGeneration

    config = Qwen2_5OmniConfig.from_pretrained(model_id, local_files_only=local_only).thinker_config
    with torch.device("meta"):
        return Qwen2_5OmniThinkerForConditionalGeneration._from_config(config)


def lora_parameters(model, recipe: AnyRecipe) -> int:
    """What peft adds: r x (in + out) per targeted linear layer of the language model."""
    import torch

    names = "|".join(recipe.lora_target_modules)
    pattern = re.compile(rf"model\.language_model\.layers\.\d+\.(self_attn|mlp)\.({names})")
    return sum(
        recipe.lora_r * (module.in_features + module.out_features)
        for name, module in model.named_modules()
        if isinstance(module, torch.nn.Linear) and pattern.fullmatch(name)
    )


def _count(model, prefixes: tuple[str, ...]) -> int:
    return sum(p.numel() for n, p in model.named_parameters() if n.startswith(prefixes))


def estimate(model, recipe: AnyRecipe, gpus: int = 1) -> MemoryEstimate:
    text = model.config.text_config
    total = sum(p.numel() for p in model.parameters())
    language = _count(model, (LANGUAGE_MODEL, "lm_head."))
    towers = total - language
    trained_towers = _count(
        model, (AUDIO_TOWER,) * recipe.train_audio_encoder + (VISION_TOWER,) * recipe.train_vision_encoder
    )
    shards = gpus  # ZeRO-3 shards weights, gradients and optimiser state over the GPUs
    if recipe.method == "full":
        trainable = language + trained_towers
        weights = total * 2 / shards
    else:
        trainable = lora_parameters(model, recipe) + trained_towers
        per_weight = NF4_BYTES if recipe.method == "qlora" else 2
        weights = language * per_weight + towers * 2  # each GPU holds a whole copy (data parallel)
        shards = 1
    state = trainable * (2 + ADAM_BYTES) / shards
    tokens = (recipe.max_length or 2048) * recipe.per_device_train_batch_size
    hidden, layers = text.hidden_size, text.num_hidden_layers
    saved = tokens * hidden * 2 * (layers if recipe.gradient_checkpointing else LAYER_WORKSET * layers // 2)
    logits = tokens * text.vocab_size * 4 * 2  # fp32 logits and their softmax gradient
    activations = saved + tokens * hidden * LAYER_WORKSET + logits
    return MemoryEstimate(total, trainable, weights / GIB, state / GIB, activations / GIB, gpus)


def advice(recipe: AnyRecipe) -> str:
    """What to change when an estimate does not fit."""
    steps = []
    if recipe.method == "full":
        steps.append("use recipes/lora.yaml (or more GPUs with ZeRO-3)")
    if recipe.method == "lora":
        steps.append("use recipes/qlora.yaml (4-bit base)")
    steps.append(f"lower max_length (now {recipe.max_length}) or per_device_train_batch_size")
    steps.append("send shorter audio or fewer video frames (CARELLM_MEDIA__VIDEO_FPS)")
    if not recipe.gradient_checkpointing:
        steps.append("turn gradient_checkpointing on")
    return "; ".join(steps) + "."


def check_fits(recipe: AnyRecipe, model_id: str, local_only: bool) -> MemoryEstimate | None:
    """Refuse a CUDA run whose estimate exceeds the GPU, before minutes of loading. None on a CPU."""
    import os

    import torch

    if not torch.cuda.is_available():
        return None
    gpus = int(os.environ.get("WORLD_SIZE", "1"))
    needed = estimate(meta_thinker(model_id, local_only), recipe, gpus)
    have = torch.cuda.mem_get_info()[1] / GIB
    if needed.total_gib > have:
        from carellm.errors import InputError

        raise InputError(
            f"The {recipe.method} recipe needs about {needed.total_gib:.0f} GiB per GPU; "
            f"this GPU has {have:.0f} GiB.",
            f"To fit: {advice(recipe)}",
        )
    return needed
