"""Where compiled decode steps are kept, when a start may use them, and the setting that decides."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from carellm.backends.compile_cache import MARKER, StepCache, cache_key, open_step_cache
from carellm.config import Settings

FIELDS = {"part": "ThinkerDecoder", "hidden": 3584, "layers": 28, "dtype": "torch.bfloat16", "fp8": False,
          "torch": "2.11.0+cu130", "gpu": "NVIDIA H100 80GB HBM3", "capability": "9.0"}  # fmt: skip


@pytest.mark.parametrize("value", ["auto", "on", "off"])
def test_the_compile_setting_is_read_from_the_environment(monkeypatch, value):
    monkeypatch.setenv("CARELLM_COMPILE", value)
    assert Settings().compile == value


def test_compile_is_auto_unless_set_and_refuses_other_words(monkeypatch):
    monkeypatch.delenv("CARELLM_COMPILE", raising=False)
    assert Settings().compile == "auto"
    monkeypatch.setenv("CARELLM_COMPILE", "always")
    with pytest.raises(ValidationError, match="compile"):
        Settings()


def test_the_cache_folder_is_a_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("CARELLM_CACHE_DIR", str(tmp_path))
    assert Settings().cache_dir == tmp_path


@pytest.mark.parametrize(
    "change",
    [{"hidden": 2048}, {"layers": 36}, {"dtype": "torch.float16"}, {"fp8": True}, {"torch": "2.12.0+cu130"},
     {"gpu": "NVIDIA H200"}, {"capability": "8.0"}],
)  # fmt: skip
def test_any_change_of_model_shape_dtype_torch_or_gpu_gives_another_key(change):
    assert cache_key(FIELDS | change) != cache_key(FIELDS)


def test_the_key_does_not_depend_on_the_order_of_the_fields():
    assert cache_key(dict(reversed(list(FIELDS.items())))) == cache_key(FIELDS)


def test_a_new_cache_is_cold_and_auto_compiles_nothing(tmp_path):
    cache = StepCache.open("auto", tmp_path, FIELDS)
    assert cache.directory == tmp_path / cache_key(FIELDS)
    assert not cache.compiles and not cache.wants("b1-len512-n1")


def test_a_recorded_step_shape_is_warm_for_the_next_start_and_only_that_one(tmp_path):
    StepCache.open("on", tmp_path, FIELDS).record("b1-len512-n1")
    again = StepCache.open("auto", tmp_path, FIELDS)
    assert again.compiles
    assert again.wants("b1-len512-n1")
    assert not again.wants("b8-len1024-n2")  # another shape would compile cold: captured uncompiled


def test_on_compiles_every_shape_and_off_none(tmp_path):
    StepCache.open("on", tmp_path, FIELDS).record("b1-len512-n1")
    assert StepCache.open("on", tmp_path, FIELDS).wants("b8-len1024-n2")
    off = StepCache.open("off", tmp_path, FIELDS)
    assert off.directory is None and not off.compiles and not off.wants("b1-len512-n1")


def test_another_gpu_or_torch_finds_its_own_empty_folder(tmp_path):
    StepCache.open("on", tmp_path, FIELDS).record("b1-len512-n1")
    for other in (FIELDS | {"gpu": "NVIDIA H200"}, FIELDS | {"torch": "2.12.0+cu130"}):
        cache = StepCache.open("auto", tmp_path, other)
        assert cache.directory != tmp_path / cache_key(FIELDS)
        assert not cache.compiles


def test_a_marker_written_for_other_fields_does_not_count(tmp_path):
    made = StepCache.open("on", tmp_path, FIELDS)
    made.record("b1-len512-n1")
    assert made.directory is not None
    marker = json.loads((made.directory / MARKER).read_text())
    assert marker == {"fields": FIELDS, "variants": ["b1-len512-n1"]}
    marker["fields"]["layers"] = 36  # e.g. copied by hand next to another model's artefacts
    (made.directory / MARKER).write_text(json.dumps(marker))
    assert not StepCache.open("auto", tmp_path, FIELDS).compiles


def test_an_unreadable_marker_means_a_cold_cache(tmp_path):
    made = StepCache.open("on", tmp_path, FIELDS)
    made.record("b1-len512-n1")
    assert made.directory is not None
    (made.directory / MARKER).write_text("{not json")
    assert not StepCache.open("auto", tmp_path, FIELDS).compiles


def test_recording_keeps_the_shapes_already_there(tmp_path):
    StepCache.open("on", tmp_path, FIELDS).record("b1-len512-n1")
    StepCache.open("on", tmp_path, FIELDS).record("b8-len1024-n2")
    assert StepCache.open("auto", tmp_path, FIELDS).warm == {"b1-len512-n1", "b8-len1024-n2"}


def test_activating_points_inductor_at_the_keyed_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("TORCHINDUCTOR_CACHE_DIR", raising=False)
    cache = StepCache.open("on", tmp_path, FIELDS)
    cache.activate()
    import os

    assert os.environ["TORCHINDUCTOR_CACHE_DIR"] == str(tmp_path / cache_key(FIELDS))
    other = StepCache.open("on", tmp_path, FIELDS | {"layers": 36})  # another model in the same process
    other.activate()
    assert os.environ["TORCHINDUCTOR_CACHE_DIR"] == str(tmp_path / cache_key(FIELDS | {"layers": 36}))


def test_a_cache_folder_the_user_chose_for_inductor_is_kept(monkeypatch, tmp_path):
    monkeypatch.setenv("TORCHINDUCTOR_CACHE_DIR", str(tmp_path / "mine"))
    StepCache.open("on", tmp_path, FIELDS).activate()
    import os

    assert os.environ["TORCHINDUCTOR_CACHE_DIR"] == str(tmp_path / "mine")


@pytest.fixture(scope="module")
def thinker(tiny_model_dir):
    from carellm.backends.omni import OmniBackend

    return OmniBackend.load(Settings(model=str(tiny_model_dir), fast=True, audio_output=False)).model.thinker


def test_the_decoder_key_holds_its_shapes_dtype_and_software(thinker, tmp_path):
    from carellm.backends.fast_decode import ThinkerDecoder

    decoder = ThinkerDecoder(thinker)
    cache = open_step_cache(decoder, "on", tmp_path)
    assert cache.directory is not None and cache.directory.parent == tmp_path / "compile"
    cfg = thinker.config.get_text_config()
    assert cache.fields["layers"] == cfg.num_hidden_layers and cache.fields["hidden"] == cfg.hidden_size
    assert cache.fields["dtype"] == "torch.float32" and cache.fields["fp8"] is False
    assert {"torch", "triton", "device", "step_source"} <= cache.fields.keys()
    fp8 = ThinkerDecoder(thinker, fp8=True)
    assert open_step_cache(fp8, "on", tmp_path).directory != cache.directory


def test_auto_never_compiles_on_cpu(thinker, tmp_path):
    from carellm.backends.fast_decode import ThinkerDecoder

    decoder = ThinkerDecoder(thinker)
    StepCache.open("on", tmp_path / "compile", {**open_step_cache(decoder, "on", tmp_path).fields}).record(
        "b1-len512-n1"
    )  # even with a warm marker for these very fields
    cache = open_step_cache(decoder, "auto", tmp_path)
    decoder.use_compile(cache)
    assert cache.mode == "off" and decoder._compiled_step is None


def test_inductors_own_default_folder_is_replaced(monkeypatch, tmp_path):
    from torch._inductor.runtime.cache_dir_utils import default_cache_dir

    monkeypatch.setenv("TORCHINDUCTOR_CACHE_DIR", default_cache_dir())  # what Inductor sets on first use
    cache = StepCache.open("on", tmp_path, FIELDS)
    cache.activate()
    import os

    assert os.environ["TORCHINDUCTOR_CACHE_DIR"] == str(cache.directory)
