"""Continuous batching for the fast thinker decoder: concurrent requests share decode steps.

A decode step reads every weight of the 7B thinker once whether it serves one row or 32
(docs/perf.md: the step is bound by weight reads), so serving requests one after another
wastes nearly all of the GPU. Here each request is prefilled on its own into a free row of
the static cache and then joins the running batch; every step advances all active rows
at once, and a row is freed the moment its request ends (EOS, its token limit, or the
client went away), so a new request never waits for a whole batch to finish.

One thread owns the decoder. It takes the backend's model lock for each prefill and each
step only, so spoken replies (which use the same model) interleave with decoding.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import torch

from carellm.backends.fast_decode import ThinkerDecoder

log = logging.getLogger(__name__)

Picker = Callable[[torch.Tensor, list[int], torch.Tensor], torch.Tensor]
_END = object()


@dataclass
class _Request:
    inputs: dict
    max_new_tokens: int
    eos_ids: set[int]
    pick: Picker | None
    use_audio_in_video: bool
    should_stop: Callable[[], bool] | None
    out: queue.SimpleQueue = field(default_factory=queue.SimpleQueue)
    cancelled: threading.Event = field(default_factory=threading.Event)
    generated: list[int] = field(default_factory=list)

    def finished(self, token: int) -> bool:
        return (
            token in self.eos_ids
            or len(self.generated) >= self.max_new_tokens
            or self.cancelled.is_set()
            or (self.should_stop is not None and self.should_stop())
        )


class DecodeScheduler:
    """Runs up to `slots` generations together over one `ThinkerDecoder`."""

    def __init__(self, decoder: ThinkerDecoder, slots: int, lock: threading.Lock) -> None:
        self.decoder, self.slots, self.lock = decoder, slots, lock
        self.rows: list[_Request | None] = [None] * slots
        self.next_ids = torch.zeros(slots, dtype=torch.long, device=decoder.device)
        self.waiting: queue.SimpleQueue[_Request] = queue.SimpleQueue()
        self.steps = 0  # decode steps run, and rows they advanced: the batching the tests check
        self.row_steps = 0
        self.widest = 0
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def generate(
        self,
        inputs: dict,
        max_new_tokens: int,
        eos_ids: set[int],
        pick: Picker | None = None,
        use_audio_in_video: bool = False,
        should_stop: Callable[[], bool] | None = None,
    ) -> Iterator[int]:
        """The same tokens `fast_decode.decode_tokens` yields for this request (EOS included)."""
        request = _Request(inputs, max_new_tokens, eos_ids, pick, use_audio_in_video, should_stop)
        self.waiting.put(request)
        self._ensure_thread()
        try:
            while True:
                item = request.out.get()
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            request.cancelled.set()  # the consumer left (closed stream): free the row at the next step

    # ------------------------------------------------------------------ the loop
    def _ensure_thread(self) -> None:
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="carellm-decode-batch", daemon=True)
                self._thread.start()

    @torch.inference_mode()  # the thread's whole life: the decoder's buffers are inference tensors
    def _run(self) -> None:
        while True:
            try:
                self._admit()
                if any(self.rows):
                    self._step()
            except Exception as exc:  # a failed step ends every request in it, not the server
                log.warning("batched decode failed: %s", type(exc).__name__)
                for row, request in enumerate(self.rows):
                    if request is not None:
                        request.out.put(exc)
                    self._free(row)

    def _admit(self) -> None:
        """Prefill waiting requests into free rows; blocks while there is nothing at all to do."""
        while None in self.rows:
            try:
                block = not any(self.rows)
                request = self.waiting.get(block=block, timeout=None if block else 0)
            except queue.Empty:
                return
            if request.cancelled.is_set():
                request.out.put(_END)
                continue
            row = self.rows.index(None)
            try:
                with self.lock:
                    logits = self.decoder.start_row(
                        row, self.slots, request.inputs, request.max_new_tokens, request.use_audio_in_video
                    )
                    token = self._choose(request, logits)
            except Exception as exc:  # this request fails (e.g. out of memory); the others go on
                request.out.put(exc)
                self.decoder.release(row)
                continue
            self._emit(row, request, token)

    def _step(self) -> None:
        active = [row for row, request in enumerate(self.rows) if request is not None]
        width = min(self.slots, 1 << active[-1].bit_length())  # few graph shapes: 1, 2, 4, 8...
        with self.lock:
            logits = self.decoder.step(self.next_ids[:width])
            chosen = logits.argmax(-1)
            for row in active:
                request = self.rows[row]
                if request is not None and request.pick is not None:
                    chosen[row] = self._pick(request, logits[row : row + 1])
            self.next_ids[:width].copy_(chosen)
            tokens = chosen.tolist()  # the step's one wait for the GPU
        self.steps += 1
        self.row_steps += len(active)
        self.widest = max(self.widest, len(active))
        for row in active:
            request = self.rows[row]
            assert request is not None
            self._emit(row, request, tokens[row])

    def _choose(self, request: _Request, logits: torch.Tensor) -> int:
        if request.pick is None:
            return int(logits.argmax(-1)[0])
        return int(self._pick(request, logits))

    @staticmethod
    def _pick(request: _Request, logits: torch.Tensor) -> torch.Tensor:
        assert request.pick is not None
        return request.pick(logits, request.generated, request.inputs["input_ids"]).view(-1)[0]

    def _emit(self, row: int, request: _Request, token: int) -> None:
        request.generated.append(token)
        if not request.cancelled.is_set():
            request.out.put(token)
        if request.finished(token):
            self._free(row)  # before the end is announced: a caller that saw it finds the row free
            request.out.put(_END)
        else:
            if self.rows[row] is None:  # just admitted
                self.next_ids[row] = token
            self.rows[row] = request

    def _free(self, row: int) -> None:
        self.decoder.release(row)
        self.rows[row] = None
