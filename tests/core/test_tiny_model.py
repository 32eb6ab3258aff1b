"""The tiny checkpoint loads through the same from_pretrained path as the released weights."""

from __future__ import annotations

import json

import pytest

from carellm.dev.tiny_model import is_tiny_model, make_tiny_model
from carellm.errors import CareLLMError


def test_tiny_checkpoint_has_every_file_the_real_one_has(tiny_model_dir):
    names = {p.name for p in tiny_model_dir.iterdir()}
    for required in (
        "config.json",
        "model.safetensors",
        "tokenizer_config.json",
        "preprocessor_config.json",
        "spk_dict.pt",
        "generation_config.json",
    ):
        assert required in names
    assert is_tiny_model(tiny_model_dir)
    assert json.loads((tiny_model_dir / "carellm_tiny.json").read_text())["parameters"] < 50_000_000


def test_tiny_checkpoint_loads_with_the_stock_transformers_classes(tiny_model_dir):
    from transformers import Qwen2_5OmniForConditionalGeneration

    from carellm.backends.processor import load_processor

    model = Qwen2_5OmniForConditionalGeneration.from_pretrained(tiny_model_dir)
    processor = load_processor(tiny_model_dir)
    assert model.has_talker and set(model.speaker_map) == {"Chelsie", "Ethan"}
    for token in ("<|AUDIO|>", "<|IMAGE|>", "<|VIDEO|>", "<|audio_bos|>", "<|vision_bos|>", "<|im_end|>"):
        assert processor.tokenizer.convert_tokens_to_ids(token) != processor.tokenizer.unk_token_id
    text = processor.apply_chat_template(
        [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
        add_generation_prompt=True,
        tokenize=False,
    )
    assert text.endswith("<|im_start|>assistant\n")


def test_refuses_to_write_into_a_folder_with_other_files(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(CareLLMError, match="not empty"):
        make_tiny_model(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "keep me"
