"""What the store hands back: plain dataclasses, decrypted, ready for the CLI, export and resume."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class StoredMedia:
    kind: str
    name: str  # what the user attached (a path, or "<audio data>")
    path: Path | None  # the stored copy; None when the attachment was raw bytes
    sealed: bool


@dataclass
class StoredTurn:
    index: int
    lang: str
    user_text: str
    reply_text: str
    model_text: str
    user_level: str
    user_categories: list[str]
    reply_reason: str
    emotion: dict | None
    started_at: float
    finished_at: float
    audio_seconds: float
    media: list[StoredMedia] = field(default_factory=list)
    speech_transcript: str | None = None  # the user's speech as the safety layer read it
    speech_read: bool | None = None  # None: no speech in the turn; False: speech the layer could not read
    fresh: bool = False  # the conversation started afresh here (a new session or `carellm.reset`)

    def to_dict(self) -> dict[str, Any]:
        row = asdict(self)
        row["media"] = [{"kind": m.kind, "name": m.name} for m in self.media]
        return row


@dataclass
class SessionInfo:
    id: str
    created_at: float
    updated_at: float
    lang: str | None
    turns: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Feedback:
    turn_index: int
    rating: int
    comment: str
    at: float


@dataclass
class ReplacedReply:
    """A reply the person had replaced by another (the web page's "try another reply"): ratings
    of the turn given before `at` were of this reply."""

    turn_index: int
    reply_text: str
    model_text: str
    reply_reason: str
    at: float


@dataclass
class Correction:
    """A reviewer's better reply to one stored turn."""

    turn_index: int
    text: str
    at: float
