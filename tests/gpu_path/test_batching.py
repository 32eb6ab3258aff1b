"""Continuous batching: concurrent requests share decode steps and each gets its own tokens.

Tiny model on CPU, fast path forced on, no graph capture: the scheduler, the per-row cache
indices and positions are the same code that runs on the GPU.
"""

from __future__ import annotations

import threading

import pytest
import torch

from carellm.backends.base import GenerationOptions, Message
from carellm.backends.omni import OmniBackend
from carellm.config import Settings
from carellm.media import MediaItem

GREEDY = GenerationOptions(max_new_tokens=20, temperature=0.0)


@pytest.fixture(scope="module")
def plain(tiny_model_dir):
    return OmniBackend.load(Settings(model=str(tiny_model_dir), seed=0, fast=False))


@pytest.fixture
def batched(tiny_model_dir):
    return OmniBackend.load(Settings(model=str(tiny_model_dir), seed=0, fast=True, decode_slots=4))


def _messages(text: str, media: list[MediaItem] | None = None) -> list[Message]:
    return [Message("system", "You are a kind listener."), Message("user", text, media=media or [])]


PROMPTS = [
    _messages("I feel stressed about my exams."),
    _messages("My sister and I argued again last night and I could not sleep at all."),
    _messages("Work is fine."),
    _messages("I keep thinking about what my friend said to me on the bus, over and over, every day."),
]


def _text(backend: OmniBackend, messages: list[Message], options: GenerationOptions = GREEDY) -> str:
    return "".join(chunk.text for chunk in backend.stream(messages, options))


def _together(backend: OmniBackend, prompts: list, options: list[GenerationOptions]) -> list[str]:
    """Each prompt in its own thread, all started at once (what the server's workers do)."""
    out: list[str] = [""] * len(prompts)
    go = threading.Barrier(len(prompts))

    def one(i: int) -> None:
        go.wait()
        out[i] = _text(backend, prompts[i], options[i])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(prompts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return out


def test_concurrent_requests_are_decoded_together_with_the_tokens_each_gets_alone(plain, batched):
    alone = [_text(plain, p) for p in PROMPTS]
    together = _together(batched, PROMPTS, [GREEDY] * len(PROMPTS))
    assert together == alone
    assert batched._batcher.widest >= 2, "requests never shared a step"
    assert batched._batcher.row_steps > batched._batcher.steps


def test_a_request_joining_mid_generation_changes_no_one_s_tokens(plain, batched):
    """Different lengths: rows start and finish at different steps; freed rows are reused."""
    options = [GenerationOptions(max_new_tokens=n, temperature=0.0) for n in (30, 5, 12, 3)]
    alone = [_text(plain, p, o) for p, o in zip(PROMPTS, options, strict=True)]
    assert _together(batched, PROMPTS, options) == alone
    assert _together(batched, PROMPTS[::-1], options[::-1]) == alone[::-1]


def test_a_multimodal_request_batched_with_text_keeps_its_own_positions(plain, batched, media_dir):
    """Audio and image shift one row's positions (TMRoPE deltas) and not the other's."""
    media = [
        MediaItem("audio", str(media_dir / "speech.wav")),
        MediaItem("image", str(media_dir / "face.png")),
    ]
    prompts = [_messages("How do I sound?", media), PROMPTS[0]]
    alone = [_text(plain, p) for p in prompts]
    assert _together(batched, prompts, [GREEDY, GREEDY]) == alone


def test_a_long_prompt_admitted_next_to_a_short_one_grows_the_cache_without_harm(plain, batched):
    long_prompt = _messages("Tell me how to relax. " * 120)  # past the first 512-slot cache bucket
    prompts = [PROMPTS[0], long_prompt]
    alone = [_text(plain, p) for p in prompts]
    assert _together(batched, prompts, [GREEDY, GREEDY]) == alone
    assert batched._decoders["thinker"].max_len > 512


def test_a_client_that_goes_away_frees_its_row(batched):
    stream = batched.stream(PROMPTS[1], GenerationOptions(max_new_tokens=200, temperature=0.0))
    next(stream)
    stream.close()
    assert _text(batched, PROMPTS[0])  # the others still run
    scheduler = batched._batcher
    assert all(row is None for row in scheduler.rows)
    assert int(batched._decoders["thinker"].active.sum()) == 0


def test_sampling_with_a_seed_is_reproducible_whatever_runs_beside_it(batched):
    sampled = GenerationOptions(max_new_tokens=16, temperature=0.8, top_p=0.9, seed=7)
    alone = _text(batched, PROMPTS[0], sampled)
    beside = _together(batched, [PROMPTS[0], PROMPTS[3]], [sampled, GREEDY])
    assert beside[0] == alone


def test_the_server_admits_as_many_generations_as_the_backend_batches(batched, tiny_model_dir):
    from carellm.counseling.counselor import Counselor
    from carellm.serve.metrics import Metrics
    from carellm.serve.settings import ServeSettings
    from carellm.serve.turns import ChatService

    counselor = Counselor(batched, Settings(model=str(tiny_model_dir), fast=True, decode_slots=4))
    service = ChatService(counselor, ServeSettings(), "carellm", Metrics())
    assert batched.concurrency == 4 and service.queue.max_active == 4
    assert OmniBackend.load(Settings(model=str(tiny_model_dir))).concurrency == 1  # CPU default: one


def test_no_batching_without_the_fast_path(plain):
    assert plain.concurrency == 1
    assert _text(plain, PROMPTS[0]) and plain._batcher is None
    assert torch.is_grad_enabled()  # nothing leaked inference mode into the caller
