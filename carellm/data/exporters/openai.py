"""OpenAI chat fine-tuning JSONL: only the `messages` key, text only, >=1 assistant turn."""

from __future__ import annotations

from pathlib import Path

from carellm.data.exporters.common import ExportReport, chat_records, plain_messages
from carellm.data.io import JsonlWriter


def export(files: list[Path], out_dir: Path) -> ExportReport:
    report = ExportReport()
    for path in files:
        with JsonlWriter(out_dir / f"{path.stem}.jsonl") as writer:
            for conv in chat_records(path, report):
                writer.write({"messages": plain_messages(conv, report)})
        report.written += writer.count
        report.files.append(writer.path.name)
    return report
