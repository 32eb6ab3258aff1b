"""`carellm train merge`: a tuned thinker and the base talker in one checkpoint the Omni backend runs."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from carellm.backends.base import GenerationOptions, Message
from carellm.errors import InputError
from carellm.train.config import SFTRecipe, load_recipe
from carellm.train.merge import merge
from carellm.train.sft import run_sft
from tests.train.test_sft import RECIPES, TINY_RUN


def _weights(path) -> dict[str, torch.Tensor]:
    from safetensors.torch import load_file

    return load_file(path / "model.safetensors")


def test_merged_lora_checkpoint_chats_and_speaks(tiny_model_dir, eight_conversations, tmp_path):
    from carellm.backends.omni import OmniBackend
    from carellm.config import Settings

    run = tmp_path / "run"
    overrides = {
        **TINY_RUN,
        "model": str(tiny_model_dir),
        "data": str(eight_conversations),
        "output_dir": str(run),
    }
    run_sft(
        load_recipe(SFTRecipe, RECIPES / "lora.yaml", {**overrides, "max_steps": 2, "learning_rate": 1e-2})
    )
    out = merge(run, tmp_path / "merged")

    base, merged = _weights(tiny_model_dir), _weights(out)
    assert merged.keys() == base.keys()  # no peft names left, nothing missing
    q = "thinker.model.layers.0.self_attn.q_proj.weight"  # the checkpoint's own key names
    assert not torch.equal(base[q], merged[q])
    for name in base:
        if not name.startswith("thinker.model."):
            assert torch.equal(base[name], merged[name]), name  # talker, token2wav, towers: the base's

    backend = OmniBackend.load(Settings(model=str(out), seed=0, max_speech_seconds=2))
    messages = [Message("user", "I feel low today.")]
    text = "".join(
        c.text for c in backend.stream(messages, GenerationOptions(max_new_tokens=8, temperature=0))
    )
    assert text.strip()
    wav = backend.speak(messages, "I am here with you.", "Chelsie")
    assert isinstance(wav, np.ndarray) and len(wav) > 2400 and np.isfinite(wav).all()


def test_merge_needs_a_training_run(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="does not say which model"):
        merge(tmp_path / "empty", tmp_path / "out")
