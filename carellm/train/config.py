"""Recipe configs: TRL's SFTConfig/DPOConfig plus the few fields CareLLM adds, read from YAML 1:1.

A recipe file (recipes/*.yaml) sets fields of one dataclass and nothing else, so a typo is an
error instead of a silently ignored setting; `key=value` on the command line overrides a field
the same way (values read as YAML: `learning_rate=5e-5`, `bf16=false`, `eval_data=null`).
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from trl import DPOConfig, SFTConfig

from carellm.errors import InputError

Method = Literal["lora", "qlora", "full"]
METHODS: tuple[str, ...] = ("lora", "qlora", "full")
# The thinker's attention and MLP projections (the language model's; the towers' linear layers
# have other names: qkv/proj in vision, k_proj/... in audio are excluded by `lora_scope`).
INTENDED_USES = ("research", "commercial")
LORA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


@dataclass
class RecipeFields:
    """What CareLLM adds to TRL's config: the model, the data and which parts of the thinker train."""

    model: str = "Qwen/Qwen2.5-Omni-7B"
    data: str | None = None  # unified-schema or TRL `messages` JSONL (sft), preference pairs (dpo)
    eval_data: str | None = None  # same format; the validation loss is computed on it
    method: str = "lora"  # lora | qlora (4-bit NF4 base) | full
    lora_r: int = 8
    lora_alpha: int = 16
    lora_dropout: float = 0.05
    lora_target_modules: list[str] = field(default_factory=lambda: list(LORA_TARGETS))
    train_audio_encoder: bool = False  # the audio tower and its projector
    train_vision_encoder: bool = False  # the vision tower and its merger
    bnb_4bit_quant_type: str = "nf4"
    bnb_4bit_use_double_quant: bool = True
    remove_unused_columns: bool = False  # the collator reads the raw record column
    intended_use: str = "research"  # research | commercial: data whose licence forbids it is refused

    def check_recipe(self) -> None:
        if self.method not in METHODS:
            raise InputError(
                f"method {self.method!r} is not a training method.", f"Use one of: {', '.join(METHODS)}."
            )
        if self.intended_use not in INTENDED_USES:
            raise InputError(
                f"intended_use {self.intended_use!r} is not a use.",
                f"Use one of: {', '.join(INTENDED_USES)}.",
            )


@dataclass
class SFTRecipe(RecipeFields, SFTConfig):
    """Supervised fine-tuning of the thinker (LoRA, QLoRA, full or multimodal)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        # Our collator builds ids, labels and media from the raw record: TRL must not tokenize.
        given = self.dataset_kwargs if isinstance(self.dataset_kwargs, dict) else {}
        self.dataset_kwargs = {**given, "skip_prepare_dataset": True}


@dataclass
class DPORecipe(RecipeFields, DPOConfig):
    """Direct preference optimisation on chosen/rejected pairs (LoRA)."""


Recipe = TypeVar("Recipe", SFTRecipe, DPORecipe)
AnyRecipe = SFTRecipe | DPORecipe


def parse_overrides(items: list[str]) -> dict[str, object]:
    """`key=value` strings, each value read as YAML."""
    out: dict[str, object] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"{item!r} is not a key=value override.", "Write it as e.g. learning_rate=5e-5.")
        out[key.strip()] = yaml.safe_load(value) if value else None
    return out


def read_recipe_file(path: str | Path) -> dict[str, object]:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"Recipe {path} not found.", "Pass one of recipes/*.yaml or your own copy of one.")
    try:
        values = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"Recipe {path} is not valid YAML ({exc}).", "Fix the file.") from exc
    if not isinstance(values, dict):
        raise InputError(f"Recipe {path} must be a mapping of field: value.", "See recipes/lora.yaml.")
    return values


def _as_float(value: object) -> object:
    """YAML 1.1 reads `5e-5` (no dot) as a string; a float field takes it as the number."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    return value


def build_recipe(cls: type[Recipe], values: dict[str, object], where: str = "recipe") -> Recipe:
    """`cls(**values)`, with unknown fields and bad values as InputErrors that say which."""
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    names = set(fields)
    for key in values:
        if key not in names:
            close = difflib.get_close_matches(key, names, n=1)
            hint = (
                f"Did you mean {close[0]!r}?"
                if close
                else f"See the fields of {cls.__name__} in docs/finetune.md."
            )
            raise InputError(f"{where}: {key!r} is not a {cls.__name__} field.", hint)
    if values.get("deepspeed") and importlib.util.find_spec("deepspeed") is None:
        raise InputError(
            f"{where}: deepspeed is set but DeepSpeed is not installed.",
            "pip install deepspeed (for several GPUs), or add deepspeed=null to train on one GPU or the CPU.",
        )
    values = {k: _as_float(v) if "float" in str(fields[k].type) else v for k, v in values.items()}
    try:
        recipe = cls(**values)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise InputError(f"{where}: {exc}", "Fix the value in the recipe or the key=value override.") from exc
    recipe.check_recipe()
    return recipe


def load_recipe(cls: type[Recipe], path: str | Path, overrides: dict[str, object] | None = None) -> Recipe:
    """The recipe file's fields, then the overrides, onto `cls`."""
    values = read_recipe_file(path)
    return build_recipe(cls, {**values, **(overrides or {})}, where=str(path))
