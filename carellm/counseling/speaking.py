"""A reply's speech, made on its own thread under one budget of seconds.

The talker is slow (on a CPU, seconds for each second of audio), so a turn that spoke its first
sentence in line stopped the text on screen until that sentence was said. Here the session hands
each approved piece of the reply (the early first sentence, then the rest, or a replacement) to
`Speaker.say`; a worker thread speaks them in order through the backend, and the session takes
the audio as it comes: `ready()` between text pieces (never waits), `drain()` once all the text
is out.

One budget bounds the whole reply: each utterance is asked for what is left of it and pieces
are cut at it, so `max_speech_seconds` is the longest spoken reply, not the longest piece (with
a cap per piece, a reply said as opening + rest could run to twice the cap).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from carellm.media import OUTPUT_SAMPLE_RATE

# speak(text, max_seconds): 24 kHz pieces of `text` spoken, at most `max_seconds` of them.
SpeakFn = Callable[[str, float], Iterator[np.ndarray]]


def within_budget(pieces: Iterable[np.ndarray], max_samples: int) -> Iterator[np.ndarray]:
    """`pieces` up to `max_samples` samples in all (the last one cut); stops pulling once full."""
    left = max_samples
    for piece in pieces:
        if left <= 0:
            return
        piece = piece[:left]
        left -= len(piece)
        if len(piece):
            yield piece


@dataclass(frozen=True)
class _Said:
    """The worker finished one text (`epoch` says which `say` round it belonged to)."""

    epoch: int


class Speaker:
    """Speaks approved text on a worker thread; audio comes back in order, within one budget.

    Not thread-safe on the consumer side: one session turn drives it. `close()` always, even when
    the turn is abandoned: it stops the utterance under way and waits for the worker.
    """

    def __init__(self, speak: SpeakFn, max_seconds: float, sample_rate: int = OUTPUT_SAMPLE_RATE) -> None:
        self._speak = speak
        self._rate = sample_rate
        self._budget = int(max_seconds * sample_rate)
        self._texts: queue.Queue[tuple[int, str] | None] = queue.Queue()
        self._out: queue.Queue[tuple[int, np.ndarray | _Said | BaseException]] = queue.Queue()
        self._lock = threading.Lock()
        self._epoch = 0  # bumped by withdraw(): older texts and audio are dropped
        self._delivered = 0  # samples handed to the session
        self._queued = 0  # samples made in this epoch and not yet handed over
        self._pending = 0  # texts of this epoch not yet finished
        self._thread: threading.Thread | None = None

    @property
    def busy(self) -> bool:
        """Something said is still being spoken."""
        return self._pending > 0

    def say(self, text: str) -> None:
        """Speak `text` after whatever was said before it (returns at once)."""
        if not text.strip():
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="carellm-speech", daemon=True)
            self._thread.start()
        self._pending += 1
        self._texts.put((self._epoch, text))

    def ready(self) -> Iterator[np.ndarray]:
        """The audio made so far and not yet taken, without waiting."""
        while True:
            try:
                epoch, item = self._out.get_nowait()
            except queue.Empty:
                return
            yield from self._take(epoch, item)

    def drain(self) -> Iterator[np.ndarray]:
        """All the audio of what was said, as it is made (waits for the worker)."""
        while self._pending > 0:
            epoch, item = self._out.get()
            yield from self._take(epoch, item)
        yield from self.ready()

    def withdraw(self) -> None:
        """Nothing said so far is spoken any further: the utterance under way stops at its next
        piece, and audio made but not taken is dropped (the reply it belongs to was replaced)."""
        with self._lock:
            self._epoch += 1
            self._queued = 0
        self._pending = 0

    def close(self) -> None:
        """Stop speaking and wait for the worker (it finishes at most the piece it is making)."""
        if self._thread is None:
            return
        self.withdraw()
        self._texts.put(None)
        self._thread.join()
        self._thread = None
        while not self._out.empty():
            self._out.get_nowait()  # withdrawn audio

    # ------------------------------------------------------------------ the two sides
    def _take(self, epoch: int, item: np.ndarray | _Said | BaseException) -> Iterator[np.ndarray]:
        if epoch != self._epoch:
            return  # withdrawn
        if isinstance(item, BaseException):
            self._pending = 0
            raise item
        if isinstance(item, _Said):
            self._pending -= 1
            return
        with self._lock:
            item = item[: max(0, self._budget - self._delivered)]
            self._delivered += len(item)
            self._queued = max(0, self._queued - len(item))
        if len(item):
            yield item

    def _left(self, epoch: int) -> int:
        """Samples the worker may still make for `epoch` (0 once it has been withdrawn)."""
        with self._lock:
            if epoch != self._epoch:
                return 0
            return self._budget - self._delivered - self._queued

    def _work(self) -> None:
        while (job := self._texts.get()) is not None:
            epoch, text = job
            try:
                self._utter(epoch, text)
            except BaseException as exc:  # handed to the session, raised where it takes audio
                self._out.put((epoch, exc))
            else:
                self._out.put((epoch, _Said(epoch)))

    def _utter(self, epoch: int, text: str) -> None:
        left = self._left(epoch)
        if left <= 0:
            return
        pieces = self._speak(text, left / self._rate)
        try:
            for piece in pieces:
                with self._lock:
                    if epoch != self._epoch:
                        return  # withdrawn mid-utterance: stop the talker here
                    piece = piece[: max(0, self._budget - self._delivered - self._queued)]
                    self._queued += len(piece)
                if len(piece):
                    self._out.put((epoch, piece))
                if self._left(epoch) <= 0:
                    return  # the reply's budget is spent
        finally:
            close = getattr(pieces, "close", None)
            if close is not None:
                close()  # frees the engine (its locks, its talker thread) in this thread
