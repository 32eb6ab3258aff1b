"""LLaMA-Factory: sharegpt format + dataset_info.json (LLaMA-Factory data/README.md).

Each line: {"conversations": [{"from": "human"|"gpt", "value": ...}], "system"?: str,
"images"?/"audios"?/"videos"?: [paths]}. Human turns sit at odd positions and gpt turns at
even ones, as the README requires; a turn that carries media starts with one `<image>`,
`<audio>` or `<video>` tag per file, in the same order as the path lists. The
dataset_info.json entry per split names the columns and tags, so `dataset: carellm_train`
(with `dataset_dir` pointing here) is all a training config needs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from carellm.data.exporters import ExportReport, SplitWriters, has_reply, media_columns, split_of
from carellm.data.schema import Conversation

ROLE_TAGS = {"user": "human", "assistant": "gpt"}


def to_sharegpt(conv: Conversation, kinds: tuple[str, ...] = ()) -> dict:
    columns, tags = media_columns(conv, kinds)
    record: dict = {"conversations": [], "system": ""}
    for message, tag in zip(conv.messages, tags, strict=True):
        if message.role == "system":
            record["system"] = message.content
            continue
        record["conversations"].append({"from": ROLE_TAGS[message.role], "value": tag + message.content})
    record.update(columns)
    return record


def export(records: Iterable[Conversation], out: Path, report: ExportReport) -> None:
    columns: dict[str, set[str]] = {}
    with SplitWriters(out, report) as writers:
        for conv in records:
            if not has_reply(conv):
                report.skip("no assistant turn (classification record)")
                continue
            record = to_sharegpt(conv, report.media_kinds)
            split = split_of(conv)
            columns.setdefault(split, set()).update(k for k in record if k != "conversations")
            writers.write(split, json.dumps(record, ensure_ascii=False))
    info = {}
    for split, extra in sorted(columns.items()):
        cols = {"messages": "conversations", **{c: c for c in sorted(extra)}}
        info[f"carellm_{split}"] = {
            "file_name": f"{split}.jsonl",
            "formatting": "sharegpt",
            "columns": cols,
            "tags": {
                "role_tag": "from",
                "content_tag": "value",
                "user_tag": "human",
                "assistant_tag": "gpt",
                "system_tag": "system",
            },
        }
    (out / "dataset_info.json").write_text(
        json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    report.files.append("dataset_info.json")
