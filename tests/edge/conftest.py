"""The tiny checkpoint exported to MNN once per run (8-bit, no talker: llmexport cannot export a
code2wav of the tiny shapes, see docs/edge.md); every edge test reads the same folder."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def mnn_tiny_dir(tiny_model_dir, tmp_path_factory) -> Path:
    from carellm.edge.export import export_mnn

    out = tmp_path_factory.mktemp("mnn") / "tiny-8bit"
    export_mnn(str(tiny_model_dir), out, quant_bit=8, talker=False)
    return out


@pytest.fixture(scope="session")
def mnn_backend(mnn_tiny_dir):
    from carellm.backends.mnn import MNNBackend
    from carellm.config import Settings

    return MNNBackend.load(Settings(model=str(mnn_tiny_dir), backend="mnn"))
