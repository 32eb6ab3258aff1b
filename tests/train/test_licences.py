"""Training refuses data whose licence does not allow the recipe's intended use (the mixer's policy)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from carellm.errors import InputError
from carellm.train.config import SFTRecipe, load_recipe
from carellm.train.data import check_licences
from carellm.train.sft import run_sft
from tests.train.conftest import write_jsonl
from tests.train.test_sft import RECIPES, TINY_RUN


def _unified(licence: str, n: int) -> list[dict]:
    return [
        {
            "id": f"{licence}-{k}", "source": "test", "license": licence, "lang": "en",
            "messages": [{"role": "user", "content": f"I feel low, day {k}."},
                         {"role": "assistant", "content": "That sounds hard. What happened today?"}],
        }
        for k in range(n)
    ]  # fmt: skip


@pytest.fixture
def mixed_licences(tmp_path):
    return write_jsonl(tmp_path / "mixed.jsonl", _unified("apache-2.0", 3) + _unified("cc-by-nc-4.0", 2))


def test_a_commercial_run_on_non_commercial_records_is_refused_before_loading(mixed_licences, tmp_path):
    recipe = load_recipe(
        SFTRecipe,
        RECIPES / "lora.yaml",
        {**TINY_RUN, "model": str(tmp_path / "no-model-here"), "data": str(mixed_licences),
         "output_dir": str(tmp_path / "run"), "intended_use": "commercial"},
    )  # fmt: skip
    with pytest.raises(InputError, match=r"2 under cc-by-nc-4\.0") as refused:
        run_sft(recipe)  # the model folder does not exist: the licence check came first
    assert "intended_use=research" in refused.value.hint


def test_a_research_run_on_the_same_records_trains_and_records_the_licences(
    tiny_model_dir, mixed_licences, tmp_path
):
    run = tmp_path / "run"
    recipe = load_recipe(
        SFTRecipe,
        RECIPES / "lora.yaml",
        {**TINY_RUN, "model": str(tiny_model_dir), "data": str(mixed_licences), "output_dir": str(run),
         "max_steps": 1},
    )  # fmt: skip
    assert run_sft(recipe).steps == 1
    recorded = json.loads((run / "carellm_run.json").read_text())
    assert recorded["intended_use"] == "research"
    assert recorded["data_licences"] == {"apache-2.0": 3, "cc-by-nc-4.0": 2}


def test_what_commercial_use_allows(tmp_path):
    allowed = write_jsonl(tmp_path / "ok.jsonl", _unified("apache-2.0", 2) + _unified("CC-BY-4.0", 1))
    assert check_licences([str(allowed)], "commercial") == {"apache-2.0": 2, "cc-by-4.0": 1}
    trl = write_jsonl(
        tmp_path / "trl.jsonl",
        [{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}],
    )
    with pytest.raises(InputError, match="1 under unknown"):
        check_licences([str(allowed), str(trl)], "commercial")  # no licence stated: not assumed
    assert check_licences([str(trl)], "research") == {"unknown": 1}


def test_an_unknown_use_is_refused(tmp_path):
    with pytest.raises(InputError, match="intended_use 'selling'"):
        load_recipe(SFTRecipe, RECIPES / "lora.yaml", {**TINY_RUN, "intended_use": "selling"})


def test_the_cli_says_why_without_a_traceback(mixed_licences, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "carellm", "train", "sft", "--recipe", str(RECIPES / "lora.yaml"),
         "--data", str(mixed_licences), "--model", str(tmp_path / "none"),
         "--output-dir", str(tmp_path / "r"),
         "deepspeed=null", "bf16=false", "intended_use=commercial"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "Refusing to train for commercial use" in result.stderr
