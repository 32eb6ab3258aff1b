"""Recipes map 1:1 onto the typed configs; unknown keys and bad data are clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from carellm.errors import InputError
from carellm.train.config import DPORecipe, SFTRecipe, load_recipe, parse_overrides
from carellm.train.data import read_conversations, read_preference_pairs

RECIPES = Path(__file__).parents[2] / "recipes"
CPU = {"bf16": False, "deepspeed": None}


def test_lora_recipe_defaults_from_the_issue():
    r = load_recipe(SFTRecipe, RECIPES / "lora.yaml", CPU)
    assert (r.method, r.lora_r, r.lora_alpha, r.lora_dropout, r.learning_rate) == ("lora", 8, 16, 0.05, 1e-4)
    assert r.per_device_train_batch_size * r.gradient_accumulation_steps == 16
    assert r.num_train_epochs == 3 and r.dataset_kwargs["skip_prepare_dataset"]


def test_every_sft_recipe_loads_and_dpo_has_beta():
    methods = {
        n: load_recipe(SFTRecipe, RECIPES / f"{n}.yaml", CPU).method
        for n in ("lora", "qlora", "full", "multimodal")
    }
    assert methods == {"lora": "lora", "qlora": "qlora", "full": "full", "multimodal": "full"}
    mm = load_recipe(SFTRecipe, RECIPES / "multimodal.yaml", CPU)
    assert mm.train_audio_encoder and not mm.train_vision_encoder
    assert load_recipe(DPORecipe, RECIPES / "dpo.yaml", CPU).beta == 0.1


def test_overrides_are_read_as_yaml_and_win():
    r = load_recipe(
        SFTRecipe, RECIPES / "lora.yaml", {**CPU, **parse_overrides(["learning_rate=5e-5", "lora_r=4"])}
    )
    assert (r.learning_rate, r.lora_r) == (5e-5, 4)


def test_an_unknown_key_is_an_error_that_suggests_the_field():
    with pytest.raises(InputError, match="'lora_alpah' is not a SFTRecipe field") as err:
        load_recipe(SFTRecipe, RECIPES / "lora.yaml", {**CPU, "lora_alpah": 4})
    assert "'lora_alpha'" in err.value.hint


def test_a_dpo_field_in_an_sft_recipe_is_an_error():
    with pytest.raises(InputError, match="'beta' is not a SFTRecipe field"):
        load_recipe(SFTRecipe, RECIPES / "dpo.yaml", CPU)


def test_an_override_without_equals_is_an_error():
    with pytest.raises(InputError, match="key=value"):
        parse_overrides(["learning_rate"])


def _write(path: Path, rows: list) -> Path:
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8"
    )
    return path


def test_bad_data_names_the_line(tmp_path):
    good = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
    with pytest.raises(InputError, match=r"bad.jsonl:2 is not JSON"):
        read_conversations(_write(tmp_path / "bad.jsonl", [good, "{oops"]))
    with pytest.raises(InputError, match=r":1: no assistant reply"):
        read_conversations(
            _write(tmp_path / "noreply.jsonl", [{"messages": [{"role": "user", "content": "hi"}]}])
        )
    with pytest.raises(InputError, match=r":1 is not a preference pair"):
        read_preference_pairs(_write(tmp_path / "pairs.jsonl", [good]))


def test_unified_records_get_the_inference_system_prompt(tmp_path):
    from carellm.counseling.prompts import system_prompt

    record = {
        "id": "1", "source": "test", "license": "cc-by-4.0", "lang": "zh",
        "messages": [
            {"role": "user", "content": "我很难过", "audio": "a.wav"},
            {"role": "assistant", "content": "我在听。"},
        ],
    }  # fmt: skip
    (messages,) = read_conversations(_write(tmp_path / "u.jsonl", [record]))
    assert messages[0].role == "system" and messages[0].text == system_prompt("zh")
    assert messages[1].media[0].source == str(tmp_path / "a.wav")


def test_feedback_dpo_pairs_load_unchanged(tmp_path):
    from carellm.data.feedback import ExportSummary, RatedTurn, dpo_line, dpo_pairs

    turns = [
        RatedTurn(
            "s", 0, "en", "I feel low", "Cheer up!", "Cheer up!", rating=-1, correction="That sounds hard."
        )
    ]
    path = _write(tmp_path / "dpo.jsonl", [dpo_line(p) for p in dpo_pairs([turns], ExportSummary())])
    (pair,) = read_preference_pairs(path)
    assert (pair.chosen, pair.rejected, pair.prompt[-1].text) == (
        "That sounds hard.",
        "Cheer up!",
        "I feel low",
    )
    assert pair.prompt[0].role == "system"
