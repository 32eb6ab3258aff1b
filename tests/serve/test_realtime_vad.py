"""The realtime voice activity detector (silero-vad) on real espeak-ng speech: where turns end
depends on the configured silence, and PCM16 at any rate is read the same."""

from __future__ import annotations

import base64
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import soundfile as sf
from scipy.signal import resample_poly

from carellm.errors import InputError
from carellm.serve.realtime.audio import (
    SpeechStarted,
    SpeechStopped,
    VadConfig,
    VoiceActivity,
    decode_pcm16,
    one_torch_thread,
)


@pytest.fixture(scope="module")
def two_phrases(media_dir) -> np.ndarray:
    """16 kHz: quiet, a sentence, one second of quiet, the sentence again, quiet."""
    audio, rate = sf.read(str(media_dir / "speech.wav"), dtype="float32")
    speech = resample_poly(audio, 16_000, rate).astype(np.float32)
    quiet = lambda s: np.zeros(int(16_000 * s), dtype=np.float32)  # noqa: E731
    return np.concatenate([quiet(0.5), speech, quiet(1.0), speech, quiet(2.5)])


def events_for(audio: np.ndarray, config: VadConfig) -> list:
    """The detector's events for `audio` fed in 100 ms chunks, as a client appends them, on a
    thread set up as the server's detector threads are."""

    def run() -> list:
        vad = VoiceActivity(config)
        found = []
        for start in range(0, len(audio), 1600):
            found += vad.feed(audio[start : start + 1600])
        return found

    with ThreadPoolExecutor(1, initializer=one_torch_thread) as pool:
        return pool.submit(run).result()


def test_a_pause_shorter_than_the_silence_setting_does_not_end_the_turn(two_phrases):
    short = events_for(two_phrases, VadConfig(silence_ms=500))
    long = events_for(two_phrases, VadConfig(silence_ms=1500))
    assert [type(e) for e in short] == [SpeechStarted, SpeechStopped] * 2
    assert [type(e) for e in long] == [SpeechStarted, SpeechStopped]
    # The one long turn holds both phrases: about as much audio as the two short turns and the pause.
    one = long[1].audio
    assert len(one) > len(short[1].audio) + len(short[3].audio)


def test_speech_starts_with_its_prefix_and_stops_after_the_quiet(two_phrases):
    started, stopped, *_ = events_for(two_phrases, VadConfig(silence_ms=500, prefix_ms=300))
    assert 100 <= started.audio_start_ms <= 600  # the speech begins at 500 ms; 300 ms of prefix before it
    assert stopped.audio_end_ms - started.audio_start_ms == pytest.approx(len(stopped.audio) / 16, abs=40)


def test_a_steady_tone_is_not_speech():
    t = np.arange(16_000 * 3) / 16_000
    tone = (np.sin(2 * np.pi * 440 * t) * 0.3).astype(np.float32)
    assert events_for(tone, VadConfig()) == []


@pytest.mark.parametrize("rate", [8_000, 16_000, 24_000, 48_000])
def test_pcm16_at_any_rate_becomes_16_khz(rate):
    seconds = 0.5
    tone = (np.sin(np.arange(int(rate * seconds)) * 2 * np.pi * 440 / rate) * 0.5 * 32767).astype("<i2")
    samples = decode_pcm16(base64.b64encode(tone.tobytes()).decode(), rate)
    assert len(samples) == int(16_000 * seconds) and samples.dtype == np.float32
    assert 0.4 < float(np.abs(samples).max()) < 0.6


def test_bad_pcm_is_refused_with_what_to_send():
    with pytest.raises(InputError, match="odd number"):
        decode_pcm16(base64.b64encode(b"abc").decode(), 24_000)
