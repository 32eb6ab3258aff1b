"""`carellm serve` makes the batch scheduler's decode steps ready before it accepts a request.

Tiny model on CPU with the fast path forced on and 2 decode slots (step widths 1 and 2). With
CARELLM_COMPILE=on the start compiles every width into the compile cache, so the first request
compiles nothing; either way the replies are the tokens plain `generate` gives.
"""

from __future__ import annotations

import json

import pytest
import torch

from carellm.backends.batching import step_width, step_widths
from carellm.backends.compile_cache import MARKER, cached_lengths
from carellm.backends.omni import OmniBackend
from carellm.counseling.counselor import Counselor

from .conftest import API_KEY

ASK = dict(
    messages=[{"role": "user", "content": "I can't sleep before my exams."}], temperature=0, max_tokens=12
)


def test_the_widths_made_ready_are_every_width_a_step_runs_at():
    for slots in (1, 2, 6, 8, 32):
        assert step_widths(slots) == sorted({step_width(row, slots) for row in range(slots)})
    assert step_widths(8) == [1, 2, 4, 8] and step_widths(6) == [1, 2, 4, 6] and step_widths(1) == [1]


def test_the_lengths_made_ready_are_those_cached_for_this_many_slots():
    cached = {"b8-len1024-n1", "b8-len1024-n8", "b8-len2048-n2", "b1-len512-n1", "b8-lenX-n1"}
    assert cached_lengths(cached, 8) == {1024, 2048}
    assert cached_lengths(cached, 1) == {512}
    assert cached_lengths(cached, 4) == set()


def _fast_counselor(counselor, tmp_path, compile_mode: str) -> tuple[Counselor, OmniBackend]:
    settings = counselor.settings.model_copy(
        update={"fast": True, "decode_slots": 2, "compile": compile_mode, "cache_dir": tmp_path}
    )
    backend = OmniBackend.load(settings.model_copy(update={"audio_output": False}))
    return Counselor(backend, settings, gate=counselor.gate), backend


def _reply(url: str) -> str:
    from openai import OpenAI

    client = OpenAI(base_url=f"{url}/v1", api_key=API_KEY, max_retries=0, timeout=300)
    return client.chat.completions.create(model="carellm", **ASK).choices[0].message.content or ""


@pytest.fixture(scope="module")
def plain_reply(server) -> str:
    """The same request to the server over plain `generate` (CPU default: no fast path)."""
    return _reply(server.url)


def test_a_compiling_start_compiles_every_step_shape_before_the_first_request(
    counselor, start_server, tmp_path, plain_reply
):
    fast, backend = _fast_counselor(counselor, tmp_path, "on")
    assert backend._batcher is None
    srv = start_server(app_counselor=fast, rate_limit_per_minute=1000)
    decoder = backend._batcher.decoder
    shapes = {"b2-len1024-n1", "b2-len1024-n2"}  # a 512-token prompt and 12 new tokens: 1024 slots
    assert decoder.step_cache.warm == shapes
    marker = json.loads((decoder.step_cache.directory / MARKER).read_text())
    assert set(marker["variants"]) == shapes  # on disk: an `auto` start after this one loads them
    compiled = torch._dynamo.utils.counters["stats"]["unique_graphs"]
    assert _reply(srv.url) == plain_reply
    assert torch._dynamo.utils.counters["stats"]["unique_graphs"] == compiled, "the request compiled a step"
    assert backend._batcher.steps > 0  # it ran on the warmed scheduler


def test_an_auto_start_makes_the_scheduler_before_the_first_request(
    counselor, start_server, tmp_path, plain_reply
):
    fast, backend = _fast_counselor(counselor, tmp_path, "auto")  # auto never compiles on a CPU
    srv = start_server(app_counselor=fast, rate_limit_per_minute=1000)
    decoder = backend._batcher.decoder
    assert (decoder.batch, decoder.max_len) == (2, 1024) and decoder.step_cache.mode == "off"
    assert _reply(srv.url) == plain_reply
