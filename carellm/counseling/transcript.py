"""The transcript row format, written once: a live session and the store both make rows here.

One JSON-ready object per message, the format `carellm emotion report --file` reads and
`/save FILE` writes. Part of counseling's contracts (docs/architecture.md): the store imports it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class TranscriptTurn:
    """One exchange as a transcript shows it; `media` is (kind, name) per attachment, in order."""

    user_text: str
    reply_text: str
    lang: str | None
    risk: str
    media: list[tuple[str, str]] = field(default_factory=list)


def transcript_rows(
    turns: Iterable[TranscriptTurn], summary: Sequence[str] = (), summary_lang: str | None = None
) -> list[dict[str, Any]]:
    """Summary lines (older turns folded away), then a user row and an assistant row per turn."""
    rows: list[dict[str, Any]] = [{"role": "summary", "text": line, "lang": summary_lang} for line in summary]
    for turn in turns:
        row: dict[str, Any] = {
            "role": "user",
            "text": turn.user_text,
            "lang": turn.lang,
            "safety_level": turn.risk,
        }
        if turn.media:
            row["media"] = [name for _, name in turn.media]
            audio = [name for kind, name in turn.media if kind == "audio"]
            if audio:
                row["audio"] = audio[0]
        rows.append(row)
        rows.append({"role": "assistant", "text": turn.reply_text, "lang": turn.lang})
    return rows
