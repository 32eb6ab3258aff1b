"""Fixtures for fine-tuning tests: training files and a tiny checkpoint LoRA can fit.

The shared tiny checkpoint's tied embedding/output layer has std 0.02 over 64 dimensions, so
after the final RMSNorm no logit can exceed about 1.3: its loss cannot leave log(704) = 6.56
whatever the adapters learn (measured: 6.58 -> 6.34 in 8 steps at any learning rate). A copy
with that one matrix scaled by 20 (logits up to ~25, as in a trained model) is what the
overfit test trains; every other weight is the fixture's.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

FEELINGS = ["sad", "tired", "lonely", "anxious", "stressed", "worried", "angry", "lost"]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def fittable_tiny_dir(tiny_model_dir, tmp_path_factory) -> Path:
    from safetensors.torch import load_file, save_file

    out = tmp_path_factory.mktemp("tiny-fittable")
    shutil.copytree(tiny_model_dir, out, dirs_exist_ok=True)
    weights = load_file(out / "model.safetensors")
    for key in ("thinker.lm_head.weight", "thinker.model.embed_tokens.weight"):
        weights[key] = weights[key] * 20
    save_file(weights, out / "model.safetensors", metadata={"format": "pt"})
    return out


@pytest.fixture
def eight_conversations(tmp_path) -> Path:
    """TRL messages records with a short system message (keeps the sequences ~40 tokens)."""
    rows = [
        {
            "messages": [
                {"role": "system", "content": "You are CareLLM."},
                {"role": "user", "content": f"I feel {w} today."},
                {"role": "assistant", "content": f"It sounds like {w} is heavy for you."},
            ]
        }
        for w in FEELINGS
    ]
    return write_jsonl(tmp_path / "train.jsonl", rows)


@pytest.fixture
def spoken_conversations(tmp_path, media_dir) -> Path:
    """Unified-schema records whose user turn is speech (the audio encoder gets a gradient)."""
    rows = [
        {
            "id": str(k), "source": "test", "license": "cc-by-4.0", "lang": "en",
            "messages": [
                {"role": "system", "content": "You are CareLLM."},
                {"role": "user", "content": "", "audio": str(media_dir / "speech.wav")},
                {"role": "assistant", "content": f"You sound {w}."},
            ],
        }
        for k, w in enumerate(FEELINGS[:2])
    ]  # fmt: skip
    return write_jsonl(tmp_path / "spoken.jsonl", rows)
