"""Voice tone from real synthetic speech (espeak-ng) and sox effects."""

from __future__ import annotations

import numpy as np
import pytest

from carellm.config import MediaLimits
from carellm.emotion import analyze_voice
from carellm.emotion.voice import VoiceBaseline
from carellm.errors import MediaError, MediaTooLargeError


def test_agitated_speech_is_more_aroused_than_flat_speech(voices):
    agitated, calm, flat = (analyze_voice(voices[k]) for k in ("agitated", "calm", "flat"))
    assert agitated.arousal > calm.arousal > flat.arousal
    assert "tense/agitated" in agitated.flags and "flat/low-energy" in flat.flags


def test_faster_speech_is_faster_and_more_aroused(voices):
    fast, slow = analyze_voice(voices["fast"]), analyze_voice(voices["slow"])
    assert fast.speaking_rate > slow.speaking_rate and fast.arousal > slow.arousal


def test_prosody_fields_are_measured(voices):
    v = analyze_voice(voices["calm"])
    assert 60 < v.pitch_mean_hz < 400 and v.pitch_sd_hz > 0 and v.pitch_range_hz > 0
    assert 0 <= v.pause_ratio < 1 and v.jitter is not None and v.shimmer is not None and v.hnr_db is not None


@pytest.mark.parametrize("name", ["telephone", "tremolo", "mp3"])
def test_other_recordings_are_handled(voices, name):
    assert 0 <= analyze_voice(voices[name]).arousal <= 1


def test_silence_clipping_and_very_short_clips(voices):
    assert analyze_voice(voices["silence"]).flags == ["silent"]
    assert "clipped" in analyze_voice(voices["clipped"]).flags
    assert "too-short" in analyze_voice(voices["short"]).flags


def test_an_array_works_too():
    t = np.arange(16000) / 16000
    assert analyze_voice((0.3 * np.sin(2 * np.pi * 180 * t)).astype(np.float32)).duration_s == 1.0


def test_not_audio_and_too_long_are_clear_errors(tmp_path, voices):
    fake = tmp_path / "notes.wav"
    fake.write_text("hello")
    with pytest.raises(MediaError):
        analyze_voice(fake)
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    with pytest.raises(MediaError, match="is a video file"):
        analyze_voice(video)
    with pytest.raises(MediaTooLargeError, match="CARELLM_MEDIA_MAX_AUDIO_SECONDS"):
        analyze_voice(voices["calm"], MediaLimits(max_audio_seconds=1))


def test_a_turn_is_compared_with_the_speakers_first_turns(voices):
    baseline = VoiceBaseline(turns=2)
    for _ in range(2):
        baseline.compare(analyze_voice(voices["calm"]))
    later = baseline.compare(analyze_voice(voices["agitated"]))
    assert (
        later.relative["arousal"] > 0.15 and "more-agitated-than-usual" in later.flags
    ) or "tense/agitated" in later.flags


def test_a_turn_is_read_against_the_speakers_earlier_turns(voices):
    baseline = VoiceBaseline(turns=2)
    first = [baseline.compare(analyze_voice(voices["flat"])) for _ in range(2)]
    assert all(v.arousal_in_context is None for v in first)  # nothing to compare with yet
    louder = baseline.compare(analyze_voice(voices["agitated"]))
    assert louder.relative["energy_db"] > 3 and louder.arousal_in_context > louder.arousal
    again = baseline.compare(analyze_voice(voices["flat"]))
    assert again.arousal_in_context is not None and again.arousal_in_context < louder.arousal_in_context
