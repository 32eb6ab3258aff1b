"""Shared by the exporters: the report, the chat-record filter and media tags."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from carellm.data.io import read_conversations
from carellm.data.schema import Conversation, Message

MEDIA = (("audio", "<audio>", "audios"), ("image", "<image>", "images"), ("video", "<video>", "videos"))


@dataclass
class ExportReport:
    files: list[str] = field(default_factory=list)
    written: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


def chat_records(path: Path, report: ExportReport) -> Iterator[Conversation]:
    """Conversations that can train a chat model: at least one assistant turn."""
    for conv in read_conversations(path):
        if not any(m.role == "assistant" for m in conv.messages):
            report.skipped["no assistant turn"] += 1
            continue
        yield conv


def tagged_content(message: Message, media: dict[str, list[str]]) -> str:
    """Content with one <audio>/<image>/<video> tag per attached file, paths collected in
    order: both LLaMA-Factory and ms-swift pair the n-th tag with the n-th path."""
    tags = ""
    for field_name, tag, column in MEDIA:
        paths = getattr(message, field_name) or []
        media.setdefault(column, []).extend(paths)
        tags += tag * len(paths)
    return tags + message.content


def has_media(conv: Conversation) -> bool:
    return any(m.audio or m.image or m.video for m in conv.messages)


def plain_messages(conv: Conversation, report: ExportReport) -> list[dict[str, str]]:
    """role/content only, for text-only formats (TRL, OpenAI); media are counted as dropped."""
    if has_media(conv):
        report.skipped["media dropped (text-only format)"] += 1
    return [{"role": m.role, "content": m.content} for m in conv.messages]
