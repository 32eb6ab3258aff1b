"""ms-swift standard format: `messages` (role/content) with `<audio>`/`<image>`/`<video>`
tags in the content and the paths in `audios`/`images`/`videos`."""

from __future__ import annotations

from pathlib import Path

from carellm.data.exporters.common import MEDIA, ExportReport, chat_records, tagged_content
from carellm.data.io import JsonlWriter


def export(files: list[Path], out_dir: Path) -> ExportReport:
    report = ExportReport()
    for path in files:
        with JsonlWriter(out_dir / f"{path.stem}.jsonl") as writer:
            for conv in chat_records(path, report):
                media: dict[str, list[str]] = {}
                messages = [{"role": m.role, "content": tagged_content(m, media)} for m in conv.messages]
                writer.write({"messages": messages, **{c: media[c] for _, _, c in MEDIA if media.get(c)}})
        report.written += writer.count
        report.files.append(writer.path.name)
    return report
