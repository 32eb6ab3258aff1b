"""`carellm export mnn`: a Qwen2.5-Omni checkpoint → an MNN folder the `mnn` backend runs.

MNN's exporter (`llmexport`, run by `llmexport_run` in a child process: it loads the whole
checkpoint, and its memory is given back when it exits) writes the thinker (`llm.mnn`, weights
quantised to `quant_bit`), the vision and audio encoders (`visual.mnn`, `audio.mnn`), the
tokenizer and `config.json` / `llm_config.json`. CareLLM then writes `carellm_card.json`: the
source checkpoint, the quantisation, and what was and was not exported, with why.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from carellm.errors import CareLLMError, ConfigError, InputError

CARD = "carellm_card.json"
# What each exported part is called in the export folder.
PARTS = {
    "thinker": "llm.mnn",
    "vision encoder": "visual.mnn",
    "audio encoder": "audio.mnn",
    "talker": "talker.mnn",
}
# llmexport's error when the talker's code2wav does not have the released model's shapes: its
# DiT export builds dummy inputs of the released sizes (80 mel bins, 1024 channels).
CODE2WAV_SHAPES = "mat1 and mat2 shapes cannot be multiplied"


@dataclass
class ExportCard:
    """What `carellm_card.json` says about an export."""

    source: str
    quant_bit: int
    exported: list[str]
    not_exported: dict[str, str] = field(default_factory=dict)
    packages: dict[str, str] = field(default_factory=dict)
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def write(self, folder: Path) -> Path:
        path = folder / CARD
        path.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path


def _package_versions() -> dict[str, str]:
    out = {}
    for name in ("MNN", "llmexport", "transformers", "torch"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def checkpoint_folder(model: str) -> Path:
    """The checkpoint's local folder (a hub id through the local cache); clear errors otherwise."""
    from carellm.backends.loading import resolve_model

    model_id, local_only = resolve_model(model)
    path = Path(model_id)
    if not path.is_dir():
        from huggingface_hub import snapshot_download

        path = Path(snapshot_download(model_id, local_files_only=local_only))
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    if config.get("model_type") != "qwen2_5_omni":
        raise InputError(
            f"{model} is a {config.get('model_type', 'unknown')} model, not Qwen2.5-Omni.",
            "carellm export mnn converts Qwen2.5-Omni checkpoints (a merged fine-tune included).",
        )
    return path


def _check_packages() -> None:
    missing = [name for name in ("MNN", "llmexport") if _missing(name)]
    if missing:
        raise ConfigError(
            f"carellm export mnn needs {' and '.join(missing)}.", "Install them: pip install 'carellm[edge]'"
        )


def _missing(name: str) -> bool:
    try:
        version(name)
    except PackageNotFoundError:
        return True
    return False


def run_exporter(source: Path, out: Path, quant_bit: int, talker: bool, log: Path) -> int:
    """llmexport in a child process, its output to `log`; its exit status."""
    args = [sys.executable, "-m", "carellm.edge.llmexport_run", "--path", str(source.resolve())]
    args += ["--dst_path", str(out.resolve()), "--export", "mnn", "--quant_bit", str(quant_bit)]
    if not talker:
        args.append("--no-talker")
    env = dict(os.environ, HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    with log.open("w", encoding="utf-8") as sink:
        # In `out`: MNN's converter writes its own `.export.log` into the working folder.
        done = subprocess.run(args, stdout=sink, stderr=subprocess.STDOUT, env=env, cwd=out, check=False)
    return done.returncode


def _last_error(log: Path) -> str:
    """The exporter's own last error line (its traceback stays in the log)."""
    lines = [
        ln.strip() for ln in log.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()
    ]
    errors = [ln for ln in lines if "Error" in ln and not ln.startswith("File ")]
    return errors[-1] if errors else (lines[-1] if lines else "no output")


def export_mnn(model: str, out: Path, quant_bit: int = 4, talker: bool = True) -> ExportCard:
    """Export `model` to `out` and write its card; raises with what to do when a part fails."""
    if quant_bit not in (4, 8):
        raise InputError(f"--quant-bit {quant_bit} is not supported.", "Use 4 (smallest) or 8 (closest).")
    _check_packages()
    source = checkpoint_folder(model)
    out.mkdir(parents=True, exist_ok=True)
    log = out / "export.log"
    status = run_exporter(source, out, quant_bit, talker, log)
    if status != 0:
        error = _last_error(log)
        if talker and CODE2WAV_SHAPES in error:
            raise CareLLMError(
                f"MNN's exporter cannot export this checkpoint's talker ({error}): its code2wav "
                "export only takes the released models' shapes.",
                "Export the rest with --no-talker (replies are then text only).",
            )
        raise CareLLMError(f"MNN's exporter failed: {error}", f"Its full output is in {log}.")
    not_exported: dict[str, str] = {}
    if not talker:
        not_exported["talker"] = "--no-talker"
        _say_no_talker(out)
    exported = [part for part, name in PARTS.items() if (out / name).is_file()]
    for part in ("thinker", "vision encoder", "audio encoder"):
        if part not in exported:
            not_exported[part] = "the exporter wrote no file for it"
    card = ExportCard(str(model), quant_bit, exported, not_exported, _package_versions())
    card.write(out)
    return card


def _say_no_talker(out: Path) -> None:
    """llmexport marks every Omni export `has_talker` (it reads the flag off the loaded model), and
    MNN then fails to load a thinker without the talker's output: set it to what was exported."""
    path = out / "llm_config.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    config["has_talker"] = False
    path.write_text(json.dumps(config, indent=4, ensure_ascii=False), encoding="utf-8")
