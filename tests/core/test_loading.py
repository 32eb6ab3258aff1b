"""Missing weights give one message that says what to do, and never a long hang."""

from __future__ import annotations

import pytest

from carellm.backends.loading import resolve_model
from carellm.backends.omni import OmniBackend
from carellm.config import Settings
from carellm.errors import ModelNotFoundError


def test_missing_local_folder(tmp_path):
    with pytest.raises(ModelNotFoundError) as info:
        OmniBackend.load(Settings(model=str(tmp_path / "nope")))
    hint = info.value.hint
    assert "hf download" in hint and "--model" in hint
    assert "carellm dev make-tiny-model ./tiny && carellm chat --model ./tiny" in hint  # a real command


def test_folder_without_config_is_not_a_model(tmp_path):
    with pytest.raises(ModelNotFoundError, match=r"no config\.json"):
        resolve_model(str(tmp_path))


def test_uncached_hub_id_without_network_fails_fast(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    with pytest.raises(ModelNotFoundError) as info:
        resolve_model("Qwen/Qwen2.5-Omni-7B")
    assert "hf download Qwen/Qwen2.5-Omni-7B" in info.value.hint
