"""Chunked prefill: a prompt that arrives while others decode is prefilled a piece at a time
between their steps, and every request still gets the tokens `generate` gives it.

Tiny model on CPU, float32, the scheduler driven directly with a small chunk (8 prompt tokens)
so the test prompts are split into many pieces; greedy throughout.
"""

from __future__ import annotations

import threading

import pytest
import torch

from carellm.backends.base import Message
from carellm.backends.batching import DecodeScheduler
from carellm.backends.fast_decode import ThinkerDecoder
from carellm.backends.omni import OmniBackend
from carellm.config import Settings
from carellm.media import MediaItem

CHUNK = 8


@pytest.fixture(scope="module")
def backend(tiny_model_dir):
    return OmniBackend.load(Settings(model=str(tiny_model_dir), seed=0, fast=True, audio_output=False))


def _inputs(backend: OmniBackend, text: str, media: list[MediaItem] | None = None) -> dict:
    messages = [Message("system", "You are a kind listener."), Message("user", text, media=media or [])]
    return backend.prepare(messages).tensors


def _generate(backend: OmniBackend, inputs: dict, n: int) -> list[int]:
    """`generate`'s greedy tokens (EOS included, as the scheduler yields it)."""
    with torch.inference_mode():
        out = backend.model.thinker.generate(**inputs, max_new_tokens=n, do_sample=False)
    return out[0, inputs["input_ids"].shape[1] :].tolist()


def _eos(backend: OmniBackend) -> set[int]:
    return backend._eos_ids()


def _running_then_arriving(scheduler: DecodeScheduler, backend, first: dict, second: dict, n1: int, n2: int,
                           stop=None) -> tuple[list[int], list[int]]:  # fmt: skip
    """`first` decoding, then `second` submitted once `first` has its first token."""
    out: dict[str, list[int]] = {"first": [], "second": []}
    started = threading.Event()

    def run_first() -> None:
        for token in scheduler.generate(first, n1, _eos(backend)):
            out["first"].append(token)
            started.set()
        started.set()

    thread = threading.Thread(target=run_first)
    thread.start()
    assert started.wait(timeout=120)
    out["second"] = list(scheduler.generate(second, n2, _eos(backend), should_stop=stop))
    thread.join(timeout=300)
    return out["first"], out["second"]


def _scheduler(backend: OmniBackend, chunk: int | None) -> DecodeScheduler:
    decoder = ThinkerDecoder(backend.model.thinker, use_graph=False)
    return DecodeScheduler(decoder, 2, threading.Lock(), chunk_tokens=chunk)


def _rel(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a - b).norm() / b.norm())


@pytest.mark.parametrize("chunk", [1, CHUNK, 50])
def test_pieces_fill_a_row_as_one_whole_prefill_does(backend, chunk):
    """Logits, cache and the next step within float32 rounding of the model's own whole prefill."""
    prompt = _inputs(backend, "Tell me how to relax after a long day at work. " * 6)
    whole, pieces = (ThinkerDecoder(backend.model.thinker, use_graph=False) for _ in range(2))
    with torch.inference_mode():
        expected = whole.start_row(1, 2, prompt, 8)
        part = pieces.begin_prefill(1, 2, prompt, 8)
        assert part is not None
        calls = 1
        while (logits := pieces.prefill_some(part, chunk)) is None:
            calls += 1
        assert calls == -(-part.length // chunk)
        assert _rel(logits, expected) < 1e-5
        length = part.length
        assert _rel(pieces.k_cache[:, 1, :, :length], whole.k_cache[:, 1, :, :length]) < 1e-5
        assert torch.equal(pieces.pos, whole.pos) and torch.equal(pieces.index, whole.index)
        token = expected.argmax(-1)
        ids = torch.cat([torch.zeros_like(token), token])  # row 0 holds no request
        assert _rel(pieces.step(ids)[1], whole.step(ids)[1]) < 1e-5


def test_a_prompt_prefilled_in_pieces_between_steps_gives_generate_s_tokens(backend):
    running = _inputs(backend, "I feel stressed about my exams.")
    arriving = _inputs(backend, "Tell me how to relax after a long day at work. " * 6)
    length = arriving["input_ids"].shape[1]
    expected = _generate(backend, running, 200), _generate(backend, arriving, 20)
    assert len(expected[0]) == 200, "the running reply must outlast the arriving prompt's prefill"

    chunked = _scheduler(backend, CHUNK)
    assert _running_then_arriving(chunked, backend, running, arriving, 200, 20) == expected
    pieces = -(-length // CHUNK)
    assert chunked.prefill_pieces >= 1 + pieces  # the running prompt whole (nothing decoded yet), then pieces
    assert chunked.steps_beside_prefill >= pieces - 1, "the running reply waited for the whole prefill"

    whole = _scheduler(backend, None)  # the scheduler before chunking: the same tokens
    assert _running_then_arriving(whole, backend, running, arriving, 200, 20) == expected
    assert whole.prefill_pieces == 2 and whole.steps_beside_prefill == 0


def test_a_prompt_with_media_is_prefilled_whole_beside_chunked_text(backend, media_dir):
    running = _inputs(backend, "Work is fine, but I sleep badly.")
    media = [
        MediaItem("audio", str(media_dir / "speech.wav")),
        MediaItem("image", str(media_dir / "face.png")),
    ]
    arriving = _inputs(backend, "How do I sound?", media)
    expected = _generate(backend, running, 120), _generate(backend, arriving, 20)
    scheduler = _scheduler(backend, CHUNK)
    assert _running_then_arriving(scheduler, backend, running, arriving, 120, 20) == expected
    assert scheduler.prefill_pieces == 2  # one piece each: the text prompt came first, to an idle scheduler


def test_a_request_that_stops_during_its_prefill_frees_its_row(backend):
    running = _inputs(backend, "I keep thinking about what my friend said.")
    arriving = _inputs(backend, "Tell me how to relax after a long day at work. " * 6)
    asked = {"n": 0}

    def stop() -> bool:  # the client leaves after the arriving prompt's third piece
        asked["n"] += 1
        return asked["n"] > 3

    scheduler = _scheduler(backend, CHUNK)
    first, second = _running_then_arriving(scheduler, backend, running, arriving, 200, 20, stop)
    assert second == [] and first == _generate(backend, running, 200)
    assert not scheduler.admitting and all(row is None for row in scheduler.rows)
    assert 1 <= scheduler.prefill_pieces - 1 <= 3  # stopped part-way, never admitted
