"""Streaming speech: chunked token2wav and `OmniBackend.speak_stream` (tiny model, CPU)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from carellm.backends.base import Message
from carellm.backends.stream_speech import ChunkPlan, draw_noise, full_waveform, stream_waveform

MAX_CODES = 200


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """One intra-op thread: the talker's thread and token2wav would otherwise oversubscribe."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def voice(omni_backend):
    """token2wav, the speaker's conditioning and reference mel, one fixed noise draw."""
    token2wav = omni_backend.model.token2wav.float()
    speaker = omni_backend.model.speaker_map["Chelsie"]
    cond = speaker["cond"].float().expand(1, -1)
    ref_mel = speaker["ref_mel"].float().expand(1, -1, -1)
    torch.manual_seed(0)
    return token2wav, cond, ref_mel, draw_noise(token2wav, MAX_CODES, "cpu")


def _codes(n: int) -> list[int]:
    return torch.randint(0, 8192, (n,), generator=torch.Generator().manual_seed(n)).tolist()


def _stream(voice, codes) -> list[np.ndarray]:
    token2wav, cond, ref_mel, noise = voice
    return list(stream_waveform(token2wav, codes, cond, ref_mel, noise))


def test_plan_follows_the_dit_blocks_and_the_vocoder_hop(voice):
    plan = ChunkPlan.for_model(voice[0])
    assert (plan.block, plan.repeats, plan.hop) == (24, 2, 240)
    assert plan.chunk % plan.block == plan.past % plan.block == plan.future % plan.block == 0


# 1 code; one window short of, at and just past the first window's reach (48 codes = 96 frames);
# several windows with a ragged tail.
@pytest.mark.parametrize("n", [1, 47, 48, 49, 113])
def test_pieces_concatenate_to_the_whole_utterance(voice, n):
    pieces = _stream(voice, _codes(n))
    assert sum(len(p) for p in pieces) == n * 2 * 240
    assert all(p.dtype == np.float32 and np.isfinite(p).all() for p in pieces)


def test_first_piece_arrives_before_the_last_code_is_made(voice):
    codes, pulled = _codes(150), []

    def talker():
        for code in codes:
            pulled.append(code)
            yield code

    token2wav, cond, ref_mel, noise = voice
    pieces = stream_waveform(token2wav, talker(), cond, ref_mel, noise)
    first = next(pieces)
    plan = ChunkPlan.for_model(token2wav)
    assert len(pulled) == (plan.chunk + plan.future) // plan.repeats < len(codes)
    assert len(first) == (plan.chunk - plan.vocoder_context) * plan.hop
    pieces.close()


def test_an_utterance_within_one_window_is_the_unchunked_waveform(voice):
    codes = _codes(40)
    whole = full_waveform(voice[0], codes, *voice[1:])
    chunked = np.concatenate(_stream(voice, codes))
    np.testing.assert_allclose(chunked, whole, rtol=0, atol=1e-5 * np.abs(whole).max())


def test_a_longer_utterance_stays_close_to_the_unchunked_waveform(voice):
    """A guard on the window arithmetic: a window fed the wrong codes or noise gives ~0 dB."""
    codes = _codes(150)
    whole = full_waveform(voice[0], codes, *voice[1:])
    chunked = np.concatenate(_stream(voice, codes))
    snr_db = 10 * np.log10((whole**2).sum() / ((whole - chunked) ** 2).sum())
    assert snr_db > 20


def _messages() -> list[Message]:
    return [Message("system", "You are a kind listener."), Message("user", "Hello.")]


def test_speak_stream_pieces_match_speak_from_the_same_seed(omni_backend):
    """Same codes and noise: the chunked pieces have speak's length and stay close to it."""
    torch.manual_seed(0)
    pieces = list(omni_backend.speak_stream(_messages(), "Thank you.", "Chelsie"))
    torch.manual_seed(0)
    whole = omni_backend.speak(_messages(), "Thank you.", "Chelsie")
    chunked = np.concatenate(pieces)
    assert len(pieces) > 1 and chunked.shape == whole.shape
    assert 10 * np.log10((whole**2).sum() / ((whole - chunked) ** 2).sum()) > 20


def test_unchunked_speak_stream_is_one_piece_equal_to_speak(omni_backend):
    torch.manual_seed(0)
    pieces = list(omni_backend.speak_stream(_messages(), "Thank you.", "Chelsie", chunked=False))
    torch.manual_seed(0)
    whole = omni_backend.speak(_messages(), "Thank you.", "Chelsie")
    assert len(pieces) == 1
    np.testing.assert_array_equal(pieces[0], whole)


def test_closing_speak_stream_early_stops_the_talker_and_frees_the_model(omni_backend):
    stream = omni_backend.speak_stream(_messages(), "Thank you.", "Chelsie")
    assert len(next(stream)) > 0
    stream.close()
    assert omni_backend._lock.acquire(blocking=False)
    omni_backend._lock.release()


def test_nothing_is_spoken_for_an_empty_reply(omni_backend):
    assert list(omni_backend.speak_stream(_messages(), "  ", "Chelsie")) == []
    assert omni_backend.speak(_messages(), "", "Chelsie") is None
