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
    device = next(token2wav.parameters()).device  # CPU in CI; the GPU where the model loads there
    speaker = omni_backend.model.speaker_map["Chelsie"]
    cond = speaker["cond"].float().to(device).expand(1, -1)
    ref_mel = speaker["ref_mel"].float().to(device).expand(1, -1, -1)
    torch.manual_seed(0)
    return token2wav, cond, ref_mel, draw_noise(token2wav, MAX_CODES, device)


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
    assert not omni_backend._lock.acquire(blocking=False)  # plain path: the utterance holds the model
    stream.close()
    for lock in (omni_backend._lock, omni_backend._speech_lock):
        assert lock.acquire(blocking=False)
        lock.release()


def test_nothing_is_spoken_for_an_empty_reply(omni_backend):
    assert list(omni_backend.speak_stream(_messages(), "  ", "Chelsie")) == []
    assert omni_backend.speak(_messages(), "", "Chelsie") is None


# ---------------------------------------------------------------------------- graph-ready pieces
def test_rk4_without_host_syncs_gives_transformers_solver_numbers():
    from transformers.models.qwen2_5_omni.modeling_qwen2_5_omni import RungeKutta4ODESolver

    from carellm.backends.stream_speech import flow_times, integrate_rk4

    weights = torch.randn(6, 6, generator=torch.Generator().manual_seed(1))

    def velocity(t, x):
        return torch.tanh(x @ weights) * (1 + t)

    x0 = torch.randn(2, 5, 6, generator=torch.Generator().manual_seed(2))
    times = flow_times(10, "cpu", torch.float32)
    ours = integrate_rk4(velocity, times, x0)
    theirs = RungeKutta4ODESolver(function=velocity, initial_value=x0).integrate(times)[-1]
    assert torch.equal(ours, theirs)


def test_vocode_is_bigvgans_forward_without_the_copy_to_cpu(voice):
    from carellm.backends.stream_speech import vocode

    token2wav = voice[0]
    mel = torch.randn(1, 30, token2wav.config.dit_config.mel_dim, generator=torch.Generator().manual_seed(3))
    mel = mel.to(voice[3].device)
    with torch.inference_mode():
        ours = vocode(token2wav, mel)
        theirs = token2wav.code2wav_bigvgan_model(mel.permute(0, 2, 1))
    assert torch.equal(ours.cpu(), theirs.reshape(-1))


needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA graphs need a GPU")


@pytest.fixture(scope="module")
def cuda_voice(omni_backend):
    import copy

    token2wav = copy.deepcopy(omni_backend.model.token2wav).float().cuda()
    speaker = omni_backend.model.speaker_map["Chelsie"]
    cond = speaker["cond"].float().cuda().expand(1, -1)
    ref_mel = speaker["ref_mel"].float().cuda().expand(1, -1, -1)
    torch.manual_seed(0)
    return token2wav, cond, ref_mel, draw_noise(token2wav, MAX_CODES, "cuda")


@needs_cuda
def test_graph_replayed_windows_give_the_eager_numbers(cuda_voice):
    """Every shape, replayed in turns (the graphs share one memory pool), gives the eager output."""
    from carellm.backends.stream_speech import WindowGraphs, sample_mel, vocode

    token2wav, cond, ref_mel, noise = cuda_voice
    plan = ChunkPlan.for_model(token2wav)
    graphs = WindowGraphs(token2wav)
    dit_frames = [plan.chunk + plan.future, plan.past + plan.chunk + plan.future, plan.block + 6]
    vocoder_frames = [plan.chunk, plan.chunk + 2 * plan.vocoder_context, 30]
    mel_dim = token2wav.config.dit_config.mel_dim
    with torch.inference_mode():
        for _ in range(2):  # capture, then replays interleaved with the other shapes'
            for frames in dit_frames:
                codes = torch.tensor([_codes(frames // 2)], device="cuda")
                replayed = graphs.sample_mel(codes, cond, ref_mel, noise[:, :frames])
                eager = sample_mel(token2wav, codes, cond, ref_mel, noise[:, :frames])
                torch.testing.assert_close(replayed, eager, rtol=1e-4, atol=1e-4)
            for frames in vocoder_frames:
                mel = torch.randn(1, frames, mel_dim, device="cuda")
                torch.testing.assert_close(graphs.vocode(mel), vocode(token2wav, mel), rtol=1e-4, atol=1e-4)
    assert len(graphs._graphs) == len(dit_frames) + len(vocoder_frames)


@needs_cuda
def test_streaming_with_graphs_is_the_eager_stream(cuda_voice):
    from carellm.backends.stream_speech import WindowGraphs

    token2wav, cond, ref_mel, noise = cuda_voice
    codes = _codes(150)  # first window, middle windows and a ragged last one
    eager = np.concatenate(list(stream_waveform(token2wav, codes, cond, ref_mel, noise)))
    graphs = WindowGraphs(token2wav)
    replayed = np.concatenate(list(stream_waveform(token2wav, codes, cond, ref_mel, noise, graphs=graphs)))
    np.testing.assert_allclose(replayed, eager, rtol=0, atol=1e-4)
