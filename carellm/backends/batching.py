"""Continuous batching for the fast thinker decoder: concurrent requests share decode steps.

A decode step reads every weight of the 7B thinker once whether it serves one row or 32
(docs/perf.md: the step is bound by weight reads), so serving requests one after another
wastes nearly all of the GPU. Here each request is prefilled on its own into a free row of
the static cache and then joins the running batch; every step advances all active rows
at once, and a row is freed the moment its request ends (EOS, its token limit, or the
client went away), so a new request never waits for a whole batch to finish.

Prefill is chunked: a new text prompt is run through the model a piece at a time, at most
`chunk_tokens` prompt tokens between two decode steps, so conversations already running keep
their pace while others arrive (before, every waiting request was prefilled whole before the
next step: 32 arrivals stalled every running reply for ~0.4 s, docs/perf.md). A prompt with
media is prefilled whole (its encoders and TMRoPE positions need all of it), in its turn.

One thread owns the decoder. It takes the backend's model lock for each prefill piece and each
step only, so spoken replies (which use the same model) interleave with decoding.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import torch

from carellm.backends.fast_decode import GraphSampler, PartialPrefill, ThinkerDecoder

log = logging.getLogger(__name__)

_END = object()
# Prompt tokens prefilled between two decode steps: a running reply's gap is a step plus one
# such piece while others are admitted (docs/perf.md, run 8).
PREFILL_CHUNK = 512


def step_width(last_row: int, slots: int) -> int:
    """Rows a step runs when `last_row` is the highest active one: a power of two (few graph
    shapes: 1, 2, 4, 8...), at most `slots`."""
    return min(slots, 1 << last_row.bit_length())


def step_widths(slots: int) -> list[int]:
    """Every width a scheduler with `slots` rows steps at: the shapes to make ready at start."""
    return sorted({step_width(row, slots) for row in range(slots)})


@dataclass(frozen=True)
class Sampling:
    """How one request picks its tokens: temperature 0 is greedy; `generator` seeds its draws."""

    temperature: float
    top_p: float = 1.0
    generator: torch.Generator | None = None
    min_new_tokens: int = 0


@dataclass
class _Request:
    inputs: dict
    max_new_tokens: int
    eos_ids: set[int]
    sampling: Sampling | None
    use_audio_in_video: bool
    should_stop: Callable[[], bool] | None
    out: queue.SimpleQueue = field(default_factory=queue.SimpleQueue)
    cancelled: threading.Event = field(default_factory=threading.Event)
    generated: list[int] = field(default_factory=list)

    @property
    def gone(self) -> bool:
        """The consumer left (or will take nothing more): nothing more to make for it."""
        return self.cancelled.is_set() or (self.should_stop is not None and self.should_stop())

    def finished(self, token: int) -> bool:
        return (
            token in self.eos_ids
            or len(self.generated) >= self.max_new_tokens
            or self.cancelled.is_set()
            or (self.should_stop is not None and self.should_stop())
        )


@dataclass
class _Admission:
    """A request holding a row while its prompt is prefilled (`part` None: prefilled whole)."""

    request: _Request
    row: int
    part: PartialPrefill | None


class DecodeScheduler:
    """Runs up to `slots` generations together over one `ThinkerDecoder`.

    With a `sampler` (rows = slots), every step's tokens are chosen for all rows at once on the
    device, each row with its request's temperature, top-p and seed; without one, rows are
    greedy over the raw logits. `chunk_tokens`: prompt tokens prefilled between two steps
    (None: every waiting prompt whole before the next step, the scheduler before chunking).
    """

    def __init__(
        self,
        decoder: ThinkerDecoder,
        slots: int,
        lock: threading.Lock,
        sampler: GraphSampler | None = None,
        chunk_tokens: int | None = PREFILL_CHUNK,
    ) -> None:
        if chunk_tokens is not None and chunk_tokens < 1:
            raise ValueError("chunk_tokens must be at least 1 (None: prefill whole prompts)")
        self.decoder, self.slots, self.lock, self.sampler = decoder, slots, lock, sampler
        self.chunk_tokens = chunk_tokens
        self.rows: list[_Request | None] = [None] * slots  # the requests decoding, by row
        self.admitting: list[_Admission] = []  # rows held by prompts being prefilled, oldest first
        self.next_ids = torch.zeros(slots, dtype=torch.long, device=decoder.device)
        self.waiting: queue.SimpleQueue[_Request] = queue.SimpleQueue()
        self.steps = 0  # decode steps run, and rows they advanced: the batching the tests check
        self.row_steps = 0
        self.widest = 0
        self.prefill_pieces = 0  # model calls that prefilled (part of) a prompt
        self.steps_beside_prefill = 0  # decode steps run while a prompt was part-way prefilled
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def generate(
        self,
        inputs: dict,
        max_new_tokens: int,
        eos_ids: set[int],
        sampling: Sampling | None = None,
        use_audio_in_video: bool = False,
        should_stop: Callable[[], bool] | None = None,
    ) -> Iterator[int]:
        """This request's tokens as they are made (EOS included); greedy ones are those
        `fast_decode.decode_tokens` yields. `sampling` needs the scheduler's sampler."""
        if sampling is not None and self.sampler is None:
            raise ValueError("this scheduler has no sampler: pass sampling=None (greedy)")
        request = _Request(inputs, max_new_tokens, eos_ids, sampling, use_audio_in_video, should_stop)
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

    def warm_up(self, lengths: list[int]) -> list[str]:
        """Make every step shape this scheduler will use ready before the first request: each
        width at each cache length (longest first, so the buffers end at the shortest, where
        requests start). The step shapes that run compiled are returned."""
        if any(self.rows) or self.admitting or self._thread is not None:
            raise RuntimeError("warm_up() is for a scheduler that has not served a request yet")
        compiled: list[str] = []
        with self.lock:
            for length in sorted(set(lengths), reverse=True):
                compiled += self.decoder.prepare(self.slots, length, step_widths(self.slots))
        return compiled

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
                self._take_waiting()
                self._prefill()
                if any(self.rows):
                    self._step()
            except Exception as exc:  # a failed step ends every request in it, not the server
                log.warning("batched decode failed: %s", type(exc).__name__)
                for row, request in enumerate(self.rows):
                    if request is not None:
                        request.out.put(exc)
                    self._free(row)

    def _free_row(self) -> int | None:
        held = {a.row for a in self.admitting}
        return next((r for r, req in enumerate(self.rows) if req is None and r not in held), None)

    def _take_waiting(self) -> None:
        """Give waiting requests free rows; blocks while there is nothing at all to do."""
        while (row := self._free_row()) is not None:
            try:
                block = not any(self.rows) and not self.admitting
                request = self.waiting.get(block=block, timeout=None if block else 0)
            except queue.Empty:
                return
            if request.gone:
                request.out.put(_END)
                continue
            part = None
            if self.chunk_tokens is not None:
                with self.lock:
                    part = self.decoder.begin_prefill(row, self.slots, request.inputs, request.max_new_tokens)
            self.admitting.append(_Admission(request, row, part))

    def _prefill(self) -> None:
        """Prefill the oldest admissions, `chunk_tokens` prompt tokens in all before the next step
        (every one whole without chunking; a prompt whole while no row decodes: nobody waits)."""
        budget = self.chunk_tokens if self.chunk_tokens is not None else float("inf")
        while self.admitting and (budget > 0 or not any(self.rows)):
            admission = self.admitting[0]
            request, row = admission.request, admission.row
            if request.gone:
                self.admitting.pop(0)
                request.out.put(_END)
                continue
            try:
                with self.lock:
                    used, logits = self._prefill_piece(admission, budget)
                    budget -= used
                    self.prefill_pieces += 1
                    if logits is None:
                        continue
                    token = self._first_token(row, request, logits)
            except Exception as exc:  # this request fails (e.g. out of memory); the others go on
                self.admitting.pop(0)
                request.out.put(exc)
                self.decoder.release(row)
                continue
            self.admitting.pop(0)
            self._emit(row, request, token)

    def _prefill_piece(self, admission: _Admission, budget: float) -> tuple[int, torch.Tensor | None]:
        """Prefill the next piece of `admission` (all of it when it cannot be chunked): the prompt
        tokens it took, and the first logits once the prompt is in its row (else None)."""
        request, row, part = admission.request, admission.row, admission.part
        logits: torch.Tensor | None
        if part is None:
            logits = self.decoder.start_row(
                row, self.slots, request.inputs, request.max_new_tokens, request.use_audio_in_video
            )
            return request.inputs["input_ids"].shape[1], logits
        before, left = part.done, part.length - part.done
        # No row decoding: nobody's pace to keep, so the whole prompt at once (fewer, larger calls).
        logits = self.decoder.prefill_some(
            part, left if not any(self.rows) else max(1, int(min(budget, left)))
        )
        return part.done - before, logits

    def _step(self) -> None:
        active = [row for row, request in enumerate(self.rows) if request is not None]
        width = step_width(active[-1], self.slots)
        if any(a.part is not None and a.part.done for a in self.admitting):
            self.steps_beside_prefill += 1
        with self.lock:
            logits = self.decoder.step(self.next_ids[:width])
            if self.sampler is not None:  # one set of kernels for every row's choice
                self.sampler.choose_rows(logits, self.next_ids[:width])
            else:
                self.next_ids[:width].copy_(logits.argmax(-1))
            tokens = self.next_ids[:width].tolist()  # the step's one wait for the GPU
        self.steps += 1
        self.row_steps += len(active)
        self.widest = max(self.widest, len(active))
        for row in active:
            request = self.rows[row]
            assert request is not None
            self._emit(row, request, tokens[row])

    def _first_token(self, row: int, request: _Request, logits: torch.Tensor) -> int:
        """The token from the prefill's logits; sets the row's sampling up for its request."""
        if self.sampler is None:
            return int(logits.argmax(-1)[0])
        s = request.sampling or Sampling(temperature=0.0)
        self.sampler.reset(
            request.inputs["input_ids"], s.min_new_tokens, row, s.temperature, s.top_p, s.generator
        )
        self.sampler.choose_rows(logits, self.next_ids[row : row + 1], start=row)
        return int(self.next_ids[row])

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
        if self.sampler is not None:
            self.sampler.release(row)
        self.rows[row] = None
