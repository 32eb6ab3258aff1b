"""OmniBackend on the tiny checkpoint: every input modality, streamed text, 24 kHz speech."""

from __future__ import annotations

import numpy as np
import pytest

from carellm.backends.base import Backend, GenerationOptions, Message
from carellm.errors import CareLLMError, MediaError
from carellm.media import MediaItem

OPTIONS = GenerationOptions(max_new_tokens=8, seed=0)


def _turn(*media: MediaItem, text: str = "How do I look today?") -> list[Message]:
    return [Message("system", "You are kind."), Message("user", text, list(media))]


def _stream_text(backend, messages) -> tuple[str, int]:
    chunks = [c for c in backend.stream(messages, OPTIONS) if c.kind != "end"]
    assert all(c.kind == "text" for c in chunks)
    return "".join(c.text for c in chunks), len(chunks)


def test_backend_satisfies_the_protocol(omni_backend):
    assert isinstance(omni_backend, Backend)
    assert omni_backend.can_speak and omni_backend.speaks_separately


def test_text_is_streamed_in_pieces(omni_backend):
    chunks = list(
        omni_backend.stream(_turn(text="hello there"), GenerationOptions(max_new_tokens=48, seed=0))
    )
    text = chunks[:-1] if chunks[-1].kind == "end" else chunks
    assert len(text) > 1 and all(c.kind == "text" and c.text for c in text)


def test_a_reply_cut_by_max_new_tokens_ends_with_an_end_chunk_saying_length(omni_backend):
    chunks = list(omni_backend.stream(_turn(text="hello there"), GenerationOptions(max_new_tokens=3, seed=0)))
    assert (chunks[-1].kind, chunks[-1].finish_reason) == ("end", "length")
    assert [c.kind for c in chunks[:-1]] == ["text"] * (len(chunks) - 1)


@pytest.mark.parametrize("name", ["speech.wav", "speech.flac", "speech.mp3", "speech.ogg", "speech.webm"])
def test_audio_input_formats(omni_backend, media_dir, name):
    messages = _turn(MediaItem("audio", media_dir / name))
    prepared = omni_backend.prepare(messages)
    assert "input_features" in prepared.tensors
    assert _stream_text(omni_backend, messages)[0]


@pytest.mark.parametrize("name", ["face.png", "face.jpg", "face.webp"])
def test_image_input_formats(omni_backend, media_dir, name):
    messages = _turn(MediaItem("image", media_dir / name))
    assert "pixel_values" in omni_backend.prepare(messages).tensors
    assert _stream_text(omni_backend, messages)[0]


@pytest.mark.parametrize("name", ["clip.mp4", "clip.webm"])
def test_video_input(omni_backend, media_dir, name):
    messages = _turn(MediaItem("video", media_dir / name))
    assert "pixel_values_videos" in omni_backend.prepare(messages).tensors
    assert _stream_text(omni_backend, messages)[0]


def test_video_with_its_own_audio_track(omni_backend, media_dir):
    messages = _turn(MediaItem("video", media_dir / "clip.mp4", use_audio_in_video=True))
    prepared = omni_backend.prepare(messages)
    assert prepared.use_audio_in_video and "input_features" in prepared.tensors
    assert _stream_text(omni_backend, messages)[0]


def test_video_audio_cannot_be_mixed_with_separate_audio(omni_backend, media_dir):
    messages = _turn(
        MediaItem("audio", media_dir / "speech.wav"),
        MediaItem("video", media_dir / "clip.mp4", use_audio_in_video=True),
    )
    with pytest.raises(MediaError, match="cannot be mixed"):
        omni_backend.prepare(messages)


@pytest.mark.parametrize(
    ("kind", "name"), [("audio", "speech.wav"), ("image", "face.png"), ("video", "clip.mp4")]
)
def test_token_estimate_is_close_to_the_real_prompt_length(omni_backend, media_dir, kind, name):
    messages = _turn(MediaItem(kind, media_dir / name))
    real = omni_backend.prepare(messages).tensors["input_ids"].shape[1]
    assert abs(omni_backend.count_tokens(messages) - real) <= 0.2 * real


@pytest.mark.parametrize("voice", ["Chelsie", "Ethan"])
def test_speaks_an_approved_reply_at_24khz(omni_backend, media_dir, voice):
    messages = _turn(MediaItem("image", media_dir / "face.png"))
    wav = omni_backend.speak(messages, "That sounds really hard. I am here with you.", voice)
    assert isinstance(wav, np.ndarray) and wav.ndim == 1 and wav.dtype == np.float32
    assert len(wav) > 2400 and np.isfinite(wav).all()


def test_unknown_voice_is_a_clear_error(omni_backend):
    with pytest.raises(CareLLMError, match="Unknown voice"):
        omni_backend.speak(_turn(), "hi", "Bob")


def test_talker_can_be_left_out_to_save_memory(tiny_model_dir):
    from carellm.backends.omni import OmniBackend
    from carellm.config import Settings

    backend = OmniBackend.load(Settings(model=str(tiny_model_dir), audio_output=False))
    assert not backend.can_speak
    assert backend.speak(_turn(), "hello", "Chelsie") is None
    assert _stream_text(backend, _turn())[0]
