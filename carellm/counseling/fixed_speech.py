"""Speech of the safety layer's fixed texts, made once per text and voice and kept.

The crisis response is the same words every time it is given in one language and locale, and
it is the reply that must not wait: on a CPU the talker needs seconds for each second of audio,
on a GPU still about half a second before the first piece. So the first time it is spoken (or
when an interface prepares it at startup) its audio is kept, and every later crisis turn plays
the kept pieces at once. Only a complete utterance is kept: one cut short (the turn abandoned,
the budget spent) is spoken again next time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import numpy as np

# make(): the utterance's 24 kHz pieces as the backend speaks them.
MakeSpeech = Callable[[], Iterator[np.ndarray]]


class FixedSpeech:
    """Kept audio of fixed texts, keyed by (text, voice). Thread-safe: sessions share one."""

    def __init__(self, max_entries: int = 64) -> None:
        self._kept: dict[tuple[str, str], list[np.ndarray]] = {}
        self._lock = threading.Lock()
        self._max = max_entries

    def has(self, text: str, voice: str) -> bool:
        with self._lock:
            return (text.strip(), voice) in self._kept

    def speak(self, text: str, voice: str, make: MakeSpeech) -> Iterator[np.ndarray]:
        """The kept pieces of `text` in `voice`, or `make()`'s pieces as they come (kept once all
        of them came)."""
        key = (text.strip(), voice)
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None:
            yield from kept
            return
        pieces: list[np.ndarray] = []
        for piece in make():
            pieces.append(piece)
            yield piece
        with self._lock:
            if len(self._kept) >= self._max:
                self._kept.pop(next(iter(self._kept)))  # the oldest: a crisis text seldom changes
            self._kept[key] = pieces

    def prepare(self, text: str, voice: str, make: MakeSpeech) -> None:
        """Make and keep `text`'s speech now (at startup or on a thread), unless already kept."""
        if not self.has(text, voice):
            for _ in self.speak(text, voice, make):
                pass
