"""ms-swift: its standard `messages` format (ms-swift docs, "Custom Dataset").

Each line: {"messages": [{"role": "system"|"user"|"assistant", "content": ...}],
"images"?/"audios"?/"videos"?: [paths]}, with `<image>`/`<audio>`/`<video>` tags in the
content where the media go. Train with `--dataset train.jsonl --val_dataset validation.jsonl`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from carellm.data.exporters import ExportReport, SplitWriters, has_reply, media_columns, split_of
from carellm.data.schema import Conversation


def to_swift(conv: Conversation, kinds: tuple[str, ...] = ()) -> dict:
    columns, tags = media_columns(conv, kinds)
    messages = [
        {"role": m.role, "content": tag + m.content} for m, tag in zip(conv.messages, tags, strict=True)
    ]
    return {"messages": messages, **columns}


def export(records: Iterable[Conversation], out: Path, report: ExportReport) -> None:
    with SplitWriters(out, report) as writers:
        for conv in records:
            if not has_reply(conv):
                report.skip("no assistant turn (classification record)")
                continue
            writers.write(split_of(conv), json.dumps(to_swift(conv, report.media_kinds), ensure_ascii=False))
