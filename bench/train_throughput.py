"""Fine-tuning throughput and memory at the released Qwen2.5-Omni-7B thinker shapes.

Random bf16 weights with the released thinker shapes are saved once as a checkpoint folder
(the processor files are the project's offline-built tiny ones: token ids differ, lengths are
what count), then each recipe in `recipes/` runs through `carellm.train.sft.run_sft`, the
same path as `carellm train sft`: the memory check, the loading (4-bit for QLoRA), peft,
TRL's trainer and the Omni collator. Conversations are ~2,048 tokens of text, or text plus
10 s of audio and one 640x480 image.

Per run: tokens/s over the timed steps (the first steps warm up), peak GPU memory
(`max_memory_allocated`), the recipe's own estimate beside it (`carellm train estimate`), and
model-FLOPs utilisation: the FLOPs of one forward+backward of a training batch counted by
`torch.utils.flop_counter` with gradient checkpointing off (model FLOPs: recomputation and
frozen weights' gradients, which are never computed, are not counted), over the card's dense
bf16 peak. Prints ONE JSON line. The baseline in the same run is the plain LoRA text run.

Usage: python bench/train_throughput.py [--scale 7b|tiny] [--runs lora_text,lora_media,...]
       accelerate launch --num_processes N bench/train_throughput.py --runs full_zero3
`--scale tiny` runs the same code on CPU with the tiny checkpoint (a smoke test).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gpu_omni import SHAPES_7B

REPO = Path(__file__).resolve().parent.parent
# Dense bf16 tensor-core peak (no sparsity), by device name.
PEAK_BF16 = {"H100": 989.4e12, "H200": 989.4e12, "A100": 312e12}
RUNS = {
    # name: (recipe file, media in each conversation, overrides)
    "lora_text": ("lora.yaml", False, {}),
    "lora_media": ("lora.yaml", True, {}),
    "lora_text_no_checkpointing": ("lora.yaml", False, {"gradient_checkpointing": False}),
    "lora_text_no_checkpointing_b4": (
        "lora.yaml",
        False,
        {"gradient_checkpointing": False, "per_device_train_batch_size": 4},
    ),
    "lora_media_no_checkpointing": ("lora.yaml", True, {"gradient_checkpointing": False}),
    "qlora_media": ("qlora.yaml", True, {}),
    "multimodal_zero3": ("multimodal.yaml", True, {}),
    "full_zero3": ("full.yaml", False, {}),
}
WORDS = [
    "I",
    "have",
    "been",
    "feeling",
    "tired",
    "and",
    "worried",
    "about",
    "work",
    "and",
    "my",
    "family",
    "lately",
    "and",
]


def log(msg: str) -> None:
    if int(os.environ.get("RANK", "0")) == 0:
        print(msg, file=sys.stderr, flush=True)


def build_checkpoint(scale: str, out: Path) -> Path:
    """A Qwen2.5-Omni folder whose thinker has the released shapes and random weights."""
    from transformers import Qwen2_5OmniConfig, Qwen2_5OmniThinkerForConditionalGeneration

    from carellm.dev.tiny_model import make_tiny_model

    tiny = make_tiny_model(out / "tiny")
    if scale == "tiny":
        return tiny
    ckpt = out / "released-shapes"
    if (ckpt / "model.safetensors.index.json").exists():
        return ckpt
    full = json.loads((tiny / "config.json").read_text())
    thinker = full["thinker_config"]
    thinker["audio_config"].update(SHAPES_7B["audio"])
    thinker["vision_config"].update(SHAPES_7B["vision"])
    thinker["text_config"].update(SHAPES_7B["text"])
    thinker["text_config"].pop("layer_types", None)  # the tiny model's, one per tiny layer
    config = Qwen2_5OmniConfig(**{**full, "enable_audio_output": True})
    started = time.perf_counter()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    with torch.device(device):
        model = Qwen2_5OmniThinkerForConditionalGeneration._from_config(
            config.thinker_config, dtype=torch.bfloat16
        )
    model.save_pretrained(ckpt, max_shard_size="4GB")
    del model
    if device == "cuda":
        torch.cuda.empty_cache()
    # The folder is a whole Qwen2.5-Omni checkpoint as `load_thinker` and the estimate read it
    # (the talker and token2wav configs are the tiny ones; their weights are never loaded here).
    config.save_pretrained(ckpt)
    for name in tiny.iterdir():
        if name.suffix in (".json", ".jinja", ".txt") and name.name not in (
            "config.json",
            "generation_config.json",
        ):
            (ckpt / name.name).write_bytes(name.read_bytes())
    log(f"saved random released-shape thinker in {time.perf_counter() - started:.0f} s")
    return ckpt


def _media_files(out: Path) -> tuple[Path, Path]:
    import soundfile as sf
    from PIL import Image

    rng = np.random.default_rng(0)
    wav, png = out / "speech10s.wav", out / "photo.png"
    t = np.arange(16000 * 10) / 16000
    sf.write(
        wav, (0.2 * np.sin(2 * np.pi * 220 * t) + 0.02 * rng.standard_normal(t.size)).astype("float32"), 16000
    )
    Image.fromarray(rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)).save(png)
    return wav, png


def _conversation(words: int, media: bool) -> dict:
    text = " ".join(WORDS[i % len(WORDS)] for i in range(words))
    half = text[: len(text) // 2], text[len(text) // 2 :]
    user: object = "Hello. " + half[0]
    row: dict = {}
    if media:
        user = [{"type": "audio"}, {"type": "image"}, {"type": "text", "text": "Hello. " + half[0]}]
        row = {"audios": ["speech10s.wav"], "images": ["photo.png"]}
    return {
        "messages": [
            {"role": "user", "content": user},
            {"role": "assistant", "content": "I hear you. " + half[1]},
        ],
        **row,
    }


def write_data(processor, out: Path, media: bool, rows: int, target: int) -> tuple[Path, int]:
    """JSONL of `rows` conversations of about `target` tokens; returns (path, tokens each)."""
    from carellm.config import MediaLimits
    from carellm.train.collate import encode_conversation
    from carellm.train.data import read_conversations

    out.mkdir(parents=True, exist_ok=True)
    _media_files(out)
    path = out / ("media.jsonl" if media else "text.jsonl")

    def tokens(words: int) -> int:
        path.write_text(json.dumps(_conversation(words, media)) + "\n")
        messages = read_conversations(path)[0]
        return int(encode_conversation(processor, messages, MediaLimits())["input_ids"].shape[-1])

    base = tokens(0)
    per_word = (tokens(200) - base) / 200
    words = max(0, int((target - base) / per_word) - 2)
    length = tokens(words)
    path.write_text("".join(json.dumps(_conversation(words, media)) + "\n" for _ in range(rows)))
    return path, length


class StepTimer:
    """Wall time of each optimiser step (synchronised)."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self._start = 0.0

    def _sync(self) -> None:
        if torch.cuda.is_available():
            torch.cuda.synchronize()

    def on_train_begin(self, args, state, control, **kwargs):
        if torch.cuda.is_available():
            torch.cuda.reset_peak_memory_stats()

    def on_step_begin(self, args, state, control, **kwargs):
        self._sync()
        self._start = time.perf_counter()

    def on_step_end(self, args, state, control, **kwargs):
        self._sync()
        self.times.append(time.perf_counter() - self._start)

    def __getattr__(self, name):  # the other TrainerCallback events: nothing to do
        if name.startswith("on_"):
            return lambda *args, **kwargs: None
        raise AttributeError(name)


def lm_flops_per_token(config, length: int, trains_weights: bool) -> dict[str, float]:
    """Language-model FLOPs per trained token, counted from the shapes.

    Matmul weights N (layers and lm_head, not embeddings) cost 2N forward; their backward is 2N
    for the activations plus 2N for weight gradients only where weights train (full runs; LoRA's
    adapters are negligible). Attention scores and mixing cost A = 4·layers·length·hidden
    forward and 2A backward. `palm` is the usual 6N + 3A convention (PaLM, appendix B) for
    comparison with published MFU figures. Recomputation (checkpointing) is not counted: MFU,
    not hardware utilisation. Towers (audio, vision) are not counted either.
    """
    text = config.thinker_config.text_config
    d, layers, inter = text.hidden_size, text.num_hidden_layers, text.intermediate_size
    kv = text.num_key_value_heads * (d // text.num_attention_heads)
    per_layer = 2 * d * d + 2 * d * kv + 3 * d * inter  # q, o; k, v; gate, up, down
    n = layers * per_layer + d * text.vocab_size
    attention = 4 * layers * length * d
    model = (6 if trains_weights else 4) * n + 3 * attention
    return {"model": model, "palm": 6 * n + 3 * attention}


def run_one(name: str, ckpt: Path, work: Path, steps: int, scale: str) -> dict:
    from carellm.backends.processor import load_processor
    from carellm.train.config import SFTRecipe, load_recipe
    from carellm.train.memory import estimate, meta_thinker
    from carellm.train.sft import run_sft

    recipe_file, media, overrides = RUNS[name]
    processor = load_processor(str(ckpt), local_files_only=True)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    recipe = load_recipe(
        SFTRecipe,
        REPO / "recipes" / recipe_file,
        {
            "model": str(ckpt),
            "output_dir": str(work / name),
            "gradient_accumulation_steps": 1,
            "max_steps": steps,
            "num_train_epochs": 1,
            "logging_steps": 1,
            "save_strategy": "no",
            "eval_strategy": "no",
            "warmup_steps": 0,
            "dataloader_num_workers": 2,
            **({"bf16": False, "deepspeed": None} if scale == "tiny" else {}),
            **overrides,
        },
    )
    batch = recipe.per_device_train_batch_size
    data, length = write_data(processor, work / "data", media, rows=batch * steps * world, target=2048)
    recipe.data = str(data)
    predicted = estimate(meta_thinker(str(ckpt)), recipe, world).total_gib
    timer = StepTimer()
    started = time.perf_counter()
    run_sft(recipe, callbacks=[timer])
    wall = time.perf_counter() - started
    peak = torch.cuda.max_memory_allocated() / 2**30 if torch.cuda.is_available() else None
    timed = timer.times[2:] if len(timer.times) > 3 else timer.times[1:]
    step_s = float(np.median(timed))
    tokens_per_step = length * batch  # per GPU
    result = {
        "recipe": recipe_file,
        "media": "text + 10 s audio + 640x480 image" if media else "text",
        "gradient_checkpointing": recipe.gradient_checkpointing,
        "gpus": world,
        "batch_per_gpu": batch,
        "tokens_per_sequence": length,
        "step_s_median": round(step_s, 3),
        "tokens_per_s_per_gpu": round(tokens_per_step / step_s, 1),
        "tokens_per_s_total": round(tokens_per_step * world / step_s, 1),
        "peak_gib_per_gpu": round(peak, 2) if peak is not None else None,
        "estimate_gib_per_gpu": round(predicted, 2),
        "steps_timed": len(timed),
        "wall_s": round(wall, 1),
    }
    if not media and torch.cuda.is_available():
        from transformers import Qwen2_5OmniConfig

        flops = lm_flops_per_token(Qwen2_5OmniConfig.from_pretrained(ckpt), length, recipe.method == "full")
        peak_flops = next((v for k, v in PEAK_BF16.items() if k in _device_name()), None)
        if peak_flops:
            per_s = tokens_per_step / step_s
            result["mfu"] = round(flops["model"] * per_s / peak_flops, 3)
            result["mfu_palm_6n"] = round(flops["palm"] * per_s / peak_flops, 3)
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
    return result


def _device_name() -> str:
    return torch.cuda.get_device_name() if torch.cuda.is_available() else "cpu"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["7b", "tiny"], default="7b")
    parser.add_argument("--runs", default="lora_text,lora_media,qlora_media")
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--work", default="/tmp/carellm-train-bench")
    args = parser.parse_args()
    work = Path(args.work)
    ckpt = build_checkpoint(args.scale, work)
    results: dict = {}
    for name in args.runs.split(","):
        log(f"run {name}")
        try:
            results[name] = run_one(name, ckpt, work, args.steps, args.scale)
        except Exception as exc:  # one recipe failing does not hide the others
            traceback.print_exc()
            results[name] = {"error": f"{type(exc).__name__}: {exc}"[:500]}
        log(json.dumps({name: results[name]}))
    if int(os.environ.get("RANK", "0")) == 0:
        base = results.get("lora_text", {})
        print(
            json.dumps(
                {
                    "bench": "train_throughput",
                    "device": _device_name(),
                    "scale": args.scale,
                    "torch": torch.__version__,
                    "baseline": {"lora_text": base} if base else None,
                    "runs": results,
                    "targets": {
                        "lora_media_peak_gib": 35,
                        "qlora_peak_gib": 16,
                        "multimodal_peak_gib": 60,
                        "lora_mfu": 0.35,
                    },
                }
            )
        )


if __name__ == "__main__":
    main()
