"""`carellm train dpo` on pairs exported by `carellm feedback export --to dpo`."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from carellm.config import MediaLimits
from carellm.data.feedback import ExportSummary, RatedTurn, dpo_line, dpo_pairs
from carellm.train.data import read_preference_pairs
from carellm.train.dpo import pair_ids

FEELINGS = ["sad", "tired", "lonely", "lost"]
RECIPES = Path(__file__).parents[2] / "recipes"


def _feedback_pairs(path: Path) -> Path:
    sessions = [
        [
            RatedTurn(
                f"s{k}",
                0,
                "en",
                f"I feel {w}",
                "Cheer up!",
                "Cheer up!",
                rating=-1,
                correction=f"Feeling {w} is hard.",
            )
        ]
        for k, w in enumerate(FEELINGS)
    ]
    path.write_text(
        "".join(dpo_line(p) + "\n" for p in dpo_pairs(sessions, ExportSummary())), encoding="utf-8"
    )
    return path


def test_pair_tokens_are_the_backend_prompt_and_the_replies(omni_backend, tmp_path):
    pair = read_preference_pairs(_feedback_pairs(tmp_path / "pairs.jsonl"))[0]
    ids = pair_ids(omni_backend.processor, pair, MediaLimits())
    assert ids["prompt_ids"] == omni_backend.prepare(pair.prompt).tensors["input_ids"][0].tolist()
    decode = omni_backend.processor.tokenizer.decode
    assert decode(ids["chosen_ids"]) == "Feeling sad is hard.<|im_end|>"
    assert decode(ids["rejected_ids"]) == "Cheer up!<|im_end|>"


def test_dpo_trains_an_adapter_on_four_feedback_pairs(fittable_tiny_dir, tmp_path):
    from carellm.train.config import DPORecipe, load_recipe
    from carellm.train.dpo import run_dpo

    recipe = load_recipe(
        DPORecipe,
        RECIPES / "dpo.yaml",
        {
            "data": str(_feedback_pairs(tmp_path / "pairs.jsonl")), "model": str(fittable_tiny_dir),
            "output_dir": str(tmp_path / "dpo"), "bf16": False, "gradient_checkpointing": False,
            "max_steps": 4,
            "per_device_train_batch_size": 2, "gradient_accumulation_steps": 1, "learning_rate": 1e-2,
            "logging_steps": 1, "save_strategy": "no", "disable_tqdm": True,
        },
    )  # fmt: skip
    result = run_dpo(recipe)
    logs = [h for h in result.log_history if "loss" in h]
    assert result.steps == 4 and len(logs) == 4
    assert logs[0]["loss"] == pytest.approx(math.log(2), abs=1e-4)  # the adapter starts as the reference
    assert logs[-1]["loss"] < logs[0]["loss"] / 2 and logs[-1]["rewards/margins"] > 0
    assert (tmp_path / "dpo" / "adapter_config.json").is_file()


def test_the_cli_turns_a_bad_override_into_a_message(tmp_path):
    pairs = _feedback_pairs(tmp_path / "pairs.jsonl")
    args = ["train", "dpo", "--recipe", str(RECIPES / "dpo.yaml"), "--data", str(pairs), "betta=0.2"]
    done = subprocess.run(
        [sys.executable, "-m", "carellm", *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0 and "Traceback" not in done.stderr + done.stdout
    assert "'betta' is not a DPORecipe field" in done.stderr + done.stdout
    assert "Did you mean 'beta'?" in done.stderr + done.stdout
