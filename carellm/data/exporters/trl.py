"""TRL: the conversational dataset format, {"messages": [{"role", "content"}, ...]}.

SFTTrainer applies the model's chat template to it. Images follow TRL's vision format:
an "images" column and `{"type": "image"}` parts in the content of the turn that shows
them. TRL has no audio/video column, so those files are left out and counted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from carellm.data.exporters import ExportReport, SplitWriters, has_reply, split_of
from carellm.data.schema import Conversation


def to_trl(conv: Conversation, report: ExportReport | None = None, typed: bool = False) -> dict:
    """`typed`: the file has images somewhere, so every record uses typed content parts and
    an "images" column (Arrow needs one type per column across the file)."""
    images = [m.image for m in conv.messages if m.image]
    messages: list[dict[str, Any]] = []
    for message in conv.messages:
        if report is not None and (message.audio or message.video):
            report.skip("audio/video file left out (TRL has no column for it)")
        if typed:
            parts = [{"type": "image"}] if message.image else []
            parts.append({"type": "text", "text": message.content})
            messages.append({"role": message.role, "content": parts})
        else:
            messages.append({"role": message.role, "content": message.content})
    return {"messages": messages, **({"images": images} if typed else {})}


def export(records: Iterable[Conversation], out: Path, report: ExportReport) -> None:
    with SplitWriters(out, report) as writers:
        for conv in records:
            if not has_reply(conv):
                report.skip("no assistant turn (classification record)")
                continue
            writers.write(
                split_of(conv),
                json.dumps(to_trl(conv, report, "image" in report.media_kinds), ensure_ascii=False),
            )
