"""Exporters: CareLLM JSONL -> the files each fine-tuning tool reads, one file per split.

Every exporter streams the input once. Records go to the split in `meta.split` (set by
`carellm data clean`; "train" when absent). Relative media paths are resolved against
the input file's folder, so the exported files work from wherever the trainer runs.
Records a format cannot hold are skipped and counted, never dropped silently.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carellm.data.io import JsonlWriter, Reject, iter_conversations
from carellm.data.schema import Conversation
from carellm.errors import InputError

TARGETS = ("llamafactory", "swift", "trl", "openai", "hf")
MEDIA_TAGS = {"image": "<image>", "audio": "<audio>", "video": "<video>"}
MEDIA_COLUMNS = {"image": "images", "audio": "audios", "video": "videos"}
_MEDIA_FIELD = re.compile(r'"(audio|image|video)"\s*:\s*"')


@dataclass
class ExportReport:
    target: str
    out: Path
    files: list[str] = field(default_factory=list)
    records: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    bad_lines: int = 0
    media_kinds: tuple[str, ...] = ()  # media kinds present anywhere in the input

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "out": str(self.out),
            "files": self.files,
            "records": self.records,
            "skipped": self.skipped,
            "bad_input_lines": self.bad_lines,
        }


def read_for_export(path: Path, report: ExportReport) -> Iterator[Conversation]:
    """Valid conversations with absolute media paths; invalid lines are counted."""
    base = path.resolve().parent
    for _, item in iter_conversations(path):
        if isinstance(item, Reject):
            report.bad_lines += 1
            continue
        for message in item.messages:
            for kind, value in message.media().items():
                if "://" not in value and not Path(value).is_absolute():
                    setattr(message, kind, str(base / value))
        yield item


def media_kinds(path: Path) -> tuple[str, ...]:
    """Which media kinds the file uses, from a quick scan of the raw lines.

    Every exported record then carries the same columns (empty lists where a record has no
    media): `datasets`, which LLaMA-Factory, ms-swift and TRL all load JSON with, infers one
    schema per file and fails on a record with columns the first ones lacked.
    """
    found: set[str] = set()
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if '"audio"' in line or '"image"' in line or '"video"' in line:
                found.update(_MEDIA_FIELD.findall(line))
    return tuple(kind for kind in MEDIA_TAGS if kind in found)


def media_columns(conv: Conversation, kinds: tuple[str, ...]) -> tuple[dict[str, list[str]], list[str]]:
    """({"images": [...], ...} for every kind in `kinds`, tags to prefix to each message)."""
    columns: dict[str, list[str]] = {MEDIA_COLUMNS[k]: [] for k in kinds}
    tags = []
    for message in conv.messages:
        tag = ""
        for kind, path in message.media().items():
            columns.setdefault(MEDIA_COLUMNS[kind], []).append(path)
            tag += MEDIA_TAGS[kind]
        tags.append(tag)
    return columns, tags


def split_of(conv: Conversation) -> str:
    return str(conv.meta.get("split") or "train")


def has_reply(conv: Conversation) -> bool:
    return any(m.role == "assistant" for m in conv.messages)


class SplitWriters:
    """One JSONL writer per split, opened on first use."""

    def __init__(self, out: Path, report: ExportReport, suffix: str = ".jsonl") -> None:
        self.out, self.report, self.suffix = out, report, suffix
        self.writers: dict[str, JsonlWriter] = {}

    def write(self, split: str, line: str) -> None:
        writer = self.writers.get(split)
        if writer is None:
            writer = self.writers[split] = JsonlWriter(self.out / f"{split}{self.suffix}")
        writer.write(line)
        self.report.records[split] = self.report.records.get(split, 0) + 1

    def close(self, ok: bool = True) -> None:
        for split, writer in self.writers.items():
            writer.close(ok)
            self.report.files.append(f"{split}{self.suffix}")

    def __enter__(self) -> SplitWriters:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(exc_type is None)


def export(target: str, path: Path, out: Path) -> ExportReport:
    if target not in TARGETS:
        raise InputError(f"Unknown export target {target!r}.", f"Use one of: {', '.join(TARGETS)}.")
    if not path.is_file():
        raise InputError(f"No such file: {path}", "Give a CareLLM JSONL file (from `carellm data convert`).")
    out.mkdir(parents=True, exist_ok=True)
    module = importlib.import_module(f"carellm.data.exporters.{target}")
    report = ExportReport(target, out, media_kinds=media_kinds(path))
    module.export(read_for_export(path, report), out, report)
    if not report.records and report.bad_lines:
        raise InputError(f"{path} holds no valid CareLLM record.", "Run `carellm data convert` first.")
    return report
