"""`carellm export mnn` on the tiny checkpoint: the folder, its card, and clear refusals."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from carellm.backends.mnn import MNNBackend
from carellm.config import Settings
from carellm.edge.export import CARD, export_mnn
from carellm.errors import CareLLMError, ConfigError, InputError, ModelNotFoundError


def test_the_export_holds_the_thinker_and_encoders_and_a_card_that_says_what_is_missing(
    mnn_tiny_dir, tiny_model_dir
):
    card = json.loads((mnn_tiny_dir / CARD).read_text(encoding="utf-8"))
    assert card["source"] == str(tiny_model_dir) and card["quant_bit"] == 8
    assert card["exported"] == ["thinker", "vision encoder", "audio encoder"]
    assert card["not_exported"] == {"talker": "--no-talker"}
    assert card["packages"]["MNN"].startswith("3.6") and card["packages"]["llmexport"] == "0.0.5"
    config = json.loads((mnn_tiny_dir / "llm_config.json").read_text(encoding="utf-8"))
    assert config["has_talker"] is False and config["is_audio"] and config["is_visual"]


def test_the_export_never_installs_or_reports_anything(mnn_tiny_dir):
    """MNN's converter would pip-install aliyun-log-python-sdk and send telemetry; the runner stops it."""
    from importlib.metadata import PackageNotFoundError, version

    with pytest.raises(PackageNotFoundError):
        version("aliyun-log-python-sdk")
    assert "aliyun" not in (mnn_tiny_dir / "export.log").read_text(encoding="utf-8")


def test_the_talker_of_the_tiny_checkpoint_is_refused_with_what_to_do(tiny_model_dir, tmp_path):
    with pytest.raises(CareLLMError) as err:
        export_mnn(str(tiny_model_dir), tmp_path / "t", quant_bit=8, talker=True)
    assert "talker" in str(err.value) and "--no-talker" in str(err.value)


def test_a_missing_checkpoint_or_a_bad_bit_width_is_a_clear_error(tmp_path):
    with pytest.raises(ModelNotFoundError):
        export_mnn(str(tmp_path / "nowhere"), tmp_path / "out")
    with pytest.raises(InputError, match="--quant-bit 3"):
        export_mnn(str(tmp_path), tmp_path / "out", quant_bit=3)


@pytest.mark.parametrize("damage", ["missing folder", "missing weights", "corrupt graph", "corrupt config"])
def test_a_missing_or_corrupt_export_is_a_clear_error(mnn_tiny_dir, tmp_path, damage):
    folder = tmp_path / "copy"
    if damage != "missing folder":
        shutil.copytree(mnn_tiny_dir, folder)
    if damage == "missing weights":
        (folder / "llm.mnn.weight").unlink()
    elif damage == "corrupt graph":
        (folder / "llm.mnn").write_bytes(b"\x00" * 64)
    elif damage == "corrupt config":
        (folder / "llm_config.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        MNNBackend.load(Settings(model=str(folder), backend="mnn"))
    assert str(folder) in str(err.value) and "carellm export mnn" in str(err.value)


def test_the_cli_says_a_corrupt_export_without_a_traceback(mnn_tiny_dir, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(mnn_tiny_dir, folder)
    (folder / "llm.mnn").write_bytes(b"\x00" * 64)
    run = subprocess.run(
        [sys.executable, "-m", "carellm", "chat", "--backend", "mnn", "--model", str(folder), "-m", "hello"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode != 0
    assert "MNN could not load the model" in run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
