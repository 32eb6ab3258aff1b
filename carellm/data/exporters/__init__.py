"""Exporters from the CareLLM schema to the formats fine-tuning tools read.

Each module has `export(files, out_dir) -> ExportReport`. Records without an assistant
turn (classification records such as GoEmotions) are skipped by the chat exporters and
counted, never dropped silently.
"""

from __future__ import annotations

from pathlib import Path

from carellm.data.exporters import hf, llamafactory, openai, swift, trl
from carellm.data.exporters.common import ExportReport
from carellm.data.io import dataset_files
from carellm.errors import InputError

EXPORTERS = {"llamafactory": llamafactory, "swift": swift, "trl": trl, "openai": openai, "hf": hf}


def export(target: str, source: Path, out_dir: Path) -> ExportReport:
    if target not in EXPORTERS:
        raise InputError(f"Unknown export target {target!r}.", f"Use one of: {', '.join(EXPORTERS)}.")
    out_dir.mkdir(parents=True, exist_ok=True)
    return EXPORTERS[target].export(dataset_files(source), out_dir)


__all__ = ["EXPORTERS", "ExportReport", "export"]
