"""LLaMA-Factory: sharegpt JSONL + dataset_info.json, one dataset entry per input file.

Field by field as LLaMA-Factory's data/README.md documents sharegpt: `conversations` of
{from: human|gpt, value}, `system` column, `<audio>`/`<image>`/`<video>` tags in the text
and the paths in `audios`/`images`/`videos` columns.
"""

from __future__ import annotations

import json
from pathlib import Path

from carellm.data.exporters.common import MEDIA, ExportReport, chat_records, tagged_content
from carellm.data.io import JsonlWriter

_FROM = {"user": "human", "assistant": "gpt"}


def dataset_entry(file_name: str) -> dict:
    return {
        "file_name": file_name,
        "formatting": "sharegpt",
        "columns": {"messages": "conversations", "system": "system", **{c: c for _, _, c in MEDIA}},
        "tags": {"role_tag": "from", "content_tag": "value", "user_tag": "human", "assistant_tag": "gpt"},
    }


def export(files: list[Path], out_dir: Path) -> ExportReport:
    report = ExportReport()
    info = {}
    for path in files:
        name = f"carellm_{path.stem}"
        with JsonlWriter(out_dir / f"{name}.jsonl") as writer:
            for conv in chat_records(path, report):
                media: dict[str, list[str]] = {c: [] for _, _, c in MEDIA}
                system = next((m.content for m in conv.messages if m.role == "system"), "")
                turns = [
                    {"from": _FROM[m.role], "value": tagged_content(m, media)}
                    for m in conv.messages
                    if m.role != "system"
                ]
                writer.write({"conversations": turns, "system": system, **media})
        report.written += writer.count
        report.files.append(writer.path.name)
        info[name] = dataset_entry(writer.path.name)
    (out_dir / "dataset_info.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    report.files.append("dataset_info.json")
    return report
