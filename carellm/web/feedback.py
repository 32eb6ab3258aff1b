"""Thumbs up/down and comments on replies, kept for the evaluation work.

The page writes through `FeedbackSink`, so the store package can provide the persistent
implementation; `JsonlFeedbackSink` appends one JSON line per event under the data folder.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from carellm.errors import ConfigError

Rating = Literal["up", "down"]


@dataclass
class Feedback:
    """One rating or comment on one reply (`turn_index` counts from 0 within the session)."""

    session_id: str
    turn_index: int
    rating: Rating | None = None
    comment: str | None = None
    lang: str | None = None
    source: str = "web"
    created_at: float = field(default_factory=time.time)


class FeedbackSink(Protocol):
    def record_feedback(self, feedback: Feedback) -> None: ...


class JsonlFeedbackSink:
    """Appends feedback to a JSONL file; a lock keeps lines whole when several tabs rate at once."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path).expanduser()
        self._lock = threading.Lock()

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> JsonlFeedbackSink:
        return cls(Path(data_dir) / "feedback" / "feedback.jsonl")

    def record_feedback(self, feedback: Feedback) -> None:
        line = json.dumps(asdict(feedback), ensure_ascii=False) + "\n"
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as fh:
                    fh.write(line)
            except OSError as exc:
                raise ConfigError(
                    f"Could not save feedback to {self.path}: {exc.strerror}.",
                    "Set CARELLM_DATA_DIR to a writable folder.",
                ) from exc

    def read(self) -> list[Feedback]:
        if not self.path.is_file():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [Feedback(**json.loads(line)) for line in lines if line.strip()]
