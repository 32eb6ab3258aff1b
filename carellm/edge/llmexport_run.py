"""Run MNN's `llmexport` (PyPI 0.0.5) on a Qwen2.5-Omni checkpoint, as a child process.

`carellm.edge.export` starts this module with llmexport's own arguments. Three things in the
published packages need mending first, each without editing them on disk:

- llmexport imports its helpers as a top-level `utils` package (`from utils.model import ...`),
  so `import llmexport` fails with "No module named 'utils'": its folder goes on `sys.path`.
- Its Qwen2.5-Omni module map is transformers 4's (`thinker.model.layers`, `thinker.visual`);
  transformers 5 moved the text model to `thinker.model.language_model` and the encoders under
  `thinker.model`. Without the new paths it stops with "'NoneType' object has no attribute
  'children'".
- MNN's converter (`MNN.tools.mnnconvert`) imports `MNN.tools.utils.log`, which runs
  `pip install -U aliyun-log-python-sdk` into the current environment (it downgraded protobuf
  below what onnx needs) and then sends each conversion's details and the machine id to an
  Aliyun log service. CareLLM never lets it: a stand-in module with no logger is put in its place.

`--no-talker` (ours) drops the talker and code2wav before the export starts.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import types

TRANSFORMERS5_OMNI_PATHS = {
    "embed": "thinker.model.language_model.embed_tokens",
    "blocks": "thinker.model.language_model.layers",
    "final_layernorm": "thinker.model.language_model.norm",
    "visual": "thinker.model.visual",
    "audio": "thinker.model.audio_tower",
}


def _no_telemetry() -> None:
    """A `MNN.tools.utils.log` that logs nothing (the converter checks for None)."""
    stand_in = types.ModuleType("MNN.tools.utils.log")
    stand_in.mnn_logger = None  # type: ignore[attr-defined]
    sys.modules["MNN.tools.utils.log"] = stand_in


def _importable_llmexport() -> None:
    spec = importlib.util.find_spec("llmexport")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("llmexport is not installed: pip install 'carellm[edge]'")
    sys.path.insert(0, next(iter(spec.submodule_search_locations)))


def _transformers5_omni_map() -> None:
    from utils import model_mapper  # llmexport's, found through the path above

    original = model_mapper.ModelMapper.regist_qwen_omni

    def regist_qwen_omni(self) -> None:
        original(self)
        self.mapper["qwen2_5_omni"]["model"].update(TRANSFORMERS5_OMNI_PATHS)

    model_mapper.ModelMapper.regist_qwen_omni = regist_qwen_omni


def _drop_talker() -> None:
    import llmexport  # its llmexport.py module: the path above comes first

    original = llmexport.LlmExporter.export

    def export(self, export_type):
        self.talker = None
        self.model.talker = None
        return original(self, export_type)

    llmexport.LlmExporter.export = export


def main(argv: list[str]) -> None:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    _no_telemetry()
    _importable_llmexport()
    _transformers5_omni_map()
    if "--no-talker" in argv:
        argv = [a for a in argv if a != "--no-talker"]
        _drop_talker()
    import llmexport

    sys.argv = ["llmexport", *argv]
    llmexport.main()


if __name__ == "__main__":
    main(sys.argv[1:])
