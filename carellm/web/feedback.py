"""Thumbs, comments and corrections of replies. The web page writes through `FeedbackSink`, so
the store (or anything else) can take over from the JSONL file without the page changing; a
reviewer's corrected reply needs a sink that keeps it with its turn (`CorrectionSink`: the store)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from carellm.errors import ConfigError


@dataclass
class Feedback:
    """One rating of one reply. The latest record for a (session_id, turn_index) wins."""

    session_id: str
    turn_index: int
    rating: int  # +1 helpful, -1 not helpful, 0 rating withdrawn
    comment: str | None = None
    lang: str | None = None
    source: str = "web"
    created_at: float = field(default_factory=time.time)


class FeedbackSink(Protocol):
    def record_feedback(self, feedback: Feedback) -> None: ...


@runtime_checkable
class CorrectionSink(Protocol):
    """A sink that also keeps a reviewer's better reply with its turn (the session store does;
    `carellm feedback export --to dpo` pairs it with the reply rated down)."""

    def record_correction(self, session_id: str, turn_index: int, text: str) -> None: ...


def takes_corrections(sink: FeedbackSink) -> bool:
    return isinstance(sink, CorrectionSink)


class JsonlFeedbackSink:
    """Appends one JSON object per line; safe for the page's concurrent handlers."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self._lock = threading.Lock()

    def record_feedback(self, feedback: Feedback) -> None:
        line = json.dumps(asdict(feedback), ensure_ascii=False) + "\n"
        try:
            with self._lock:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as fh:
                    fh.write(line)
        except OSError as exc:
            raise ConfigError(
                f"Could not save feedback to {self.path}: {exc.strerror}.",
                "Set CARELLM_WEB_FEEDBACK_FILE to a writable path.",
            ) from exc

    def read(self) -> list[Feedback]:
        if not self.path.is_file():
            return []
        rows = self.path.read_text(encoding="utf-8").splitlines()
        return [Feedback(**json.loads(row)) for row in rows if row.strip()]


class StoreFeedbackSink:
    """Ratings into the session store (next to the turns they rate), and the JSONL file as well."""

    def __init__(self, store, also: FeedbackSink | None = None) -> None:
        self.store = store
        self.also = also

    def record_feedback(self, feedback: Feedback) -> None:
        if self.also is not None:
            self.also.record_feedback(feedback)
        self.store.save_feedback(
            feedback.session_id, feedback.turn_index, feedback.rating, feedback.comment or ""
        )

    def record_correction(self, session_id: str, turn_index: int, text: str) -> None:
        """The same store call as `carellm feedback correct`."""
        self.store.save_correction(session_id, turn_index, text)
