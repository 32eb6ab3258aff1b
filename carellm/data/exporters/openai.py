"""OpenAI fine-tuning JSONL: {"messages": [{"role", "content"}]} per line, text only.

OpenAI's chat fine-tuning needs at least one assistant message per example; local media
files cannot be referenced, so they are left out and counted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from carellm.data.exporters import ExportReport, SplitWriters, has_reply, split_of
from carellm.data.schema import Conversation


def export(records: Iterable[Conversation], out: Path, report: ExportReport) -> None:
    with SplitWriters(out, report) as writers:
        for conv in records:
            if not has_reply(conv):
                report.skip("no assistant turn (classification record)")
                continue
            if any(m.media() for m in conv.messages):
                report.skip("media file left out (local files cannot be uploaded in JSONL)")
            messages = [{"role": m.role, "content": m.content} for m in conv.messages]
            writers.write(split_of(conv), json.dumps({"messages": messages}, ensure_ascii=False))
