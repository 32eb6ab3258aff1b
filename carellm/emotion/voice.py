"""Voice tone from prosody: pitch, energy, rate, pauses and voice quality (Praat via parselmouth).

Absolute values depend on the speaker (sex, age, microphone), so a session also reads each
turn against the same speaker's earlier turns (`VoiceBaseline`); that relative reading is
what the report and the fusion use most. Norms for the arousal estimate are broad adult
speech averages (see docs/emotion.md), not tuned on our tests; the in-context weights were
chosen on RAVDESS's dev actors (`voice_eval.py`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from carellm.config import MediaLimits
from carellm.errors import MediaError
from carellm.media import INPUT_SAMPLE_RATE, Source, load_audio, media_kind_for

# (mean, spread) of each feature in ordinary adult conversational speech.
NORMS = {"rate": (4.0, 1.2), "pitch_sd_st": (2.5, 1.0), "energy_db": (-26.0, 6.0), "pitch_st": (6.0, 4.0)}
WEIGHTS = {"rate": 0.9, "pitch_sd_st": 0.8, "energy_db": 0.6, "pitch_st": 0.5}


@dataclass
class VoiceEmotion:
    duration_s: float
    pitch_mean_hz: float | None
    pitch_sd_hz: float | None
    pitch_range_hz: float | None
    energy_db: float
    speaking_rate: float | None  # syllable-like onsets per second of speech
    pause_ratio: float
    jitter: float | None
    shimmer: float | None
    hnr_db: float | None
    arousal: float
    flags: list[str] = field(default_factory=list)
    relative: dict[str, float] = field(default_factory=dict)  # change vs the speaker's earlier turns
    # Arousal read against this speaker's earlier turns (None until there are BASELINE_TURNS).
    arousal_in_context: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def _semitones(hz: float, ref: float = 100.0) -> float:
    return 12 * math.log2(hz / ref)


def _praat(audio: np.ndarray) -> dict:
    import parselmouth
    from parselmouth.praat import call

    snd = parselmouth.Sound(audio.astype(np.float64), sampling_frequency=INPUT_SAMPLE_RATE)
    out: dict = {"pitch_mean_hz": None, "pitch_sd_hz": None, "pitch_range_hz": None, "pitch_sd_st": None}
    out.update(jitter=None, shimmer=None, hnr_db=None)
    if snd.duration < 0.1:
        return out
    f0 = snd.to_pitch(time_step=0.01, pitch_floor=60, pitch_ceiling=500).selected_array["frequency"]
    voiced = f0[f0 > 0]
    if voiced.size >= 5:
        out["pitch_mean_hz"] = float(voiced.mean())
        out["pitch_sd_hz"] = float(voiced.std())
        out["pitch_range_hz"] = float(np.percentile(voiced, 95) - np.percentile(voiced, 5))
        # Robust spread (inter-decile range / 2.56 ~ sd): octave jumps of the tracker stay out.
        tones = np.array([_semitones(v) for v in voiced])
        out["pitch_sd_st"] = float((np.percentile(tones, 90) - np.percentile(tones, 10)) / 2.56)
        points = call(snd, "To PointProcess (periodic, cc)", 70, 500)
        jitter = call(points, "Get jitter (local)", 0, 0, 0.0001, 0.02, 1.3)
        shimmer = call([snd, points], "Get shimmer (local)", 0, 0, 0.0001, 0.02, 1.3, 1.6)
        hnr = call(snd.to_harmonicity_cc(), "Get mean", 0, 0)
        out["jitter"] = None if math.isnan(jitter) else float(jitter)
        out["shimmer"] = None if math.isnan(shimmer) else float(shimmer)
        out["hnr_db"] = None if math.isnan(hnr) else float(hnr)
    return out


def _syllable_nuclei(audio: np.ndarray) -> int:
    """Syllable count after de Jong & Wempe (2009): intensity peaks that stand 2 dB above the
    surrounding dips, above the median intensity, in voiced frames."""
    import parselmouth

    snd = parselmouth.Sound(audio.astype(np.float64), sampling_frequency=INPUT_SAMPLE_RATE)
    if snd.duration < 0.2:
        return 0
    from scipy.signal import find_peaks

    intensity = snd.to_intensity(minimum_pitch=50, time_step=0.01)
    values = intensity.values[0]
    if values.size < 3:
        return 0
    peaks, _ = find_peaks(values, height=float(np.median(values)), prominence=2.0)
    pitch = snd.to_pitch(time_step=0.01, pitch_floor=60, pitch_ceiling=500)
    times = intensity.xs()
    return sum(1 for i in peaks if not math.isnan(pitch.get_value_at_time(times[i])))


def _timing(audio: np.ndarray) -> tuple[float, float | None, float]:
    """(pause ratio, syllables per second of speech, mean energy in dBFS over speech)."""
    import librosa

    total = len(audio) / INPUT_SAMPLE_RATE
    if total < 0.05 or not np.any(audio):
        return 1.0, None, -100.0
    intervals = librosa.effects.split(audio, top_db=30, frame_length=512, hop_length=128)
    speech = sum(int(e - s) for s, e in intervals) / INPUT_SAMPLE_RATE
    pause_ratio = max(0.0, 1.0 - speech / total)
    voiced = np.concatenate([audio[s:e] for s, e in intervals]) if len(intervals) else audio
    rms = float(np.sqrt(np.mean(voiced.astype(np.float64) ** 2)) + 1e-12)
    energy_db = 20 * math.log10(rms)
    if speech < 0.3:
        return pause_ratio, None, energy_db
    return pause_ratio, _syllable_nuclei(audio) / speech, energy_db


def _arousal(features: dict) -> float:
    z = 0.0
    for name, weight in WEIGHTS.items():
        value = features.get(name)
        if value is None:
            continue
        mean, spread = NORMS[name]
        z += weight * max(-3.0, min(3.0, (value - mean) / spread))
    return round(1.0 / (1.0 + math.exp(-z / 1.5)), 4)


def analyze_voice(
    audio: Source | np.ndarray, limits: MediaLimits | None = None, sample_rate: int | None = None
) -> VoiceEmotion:
    """Prosody and an arousal estimate for one recording (file path, bytes or 16 kHz array)."""
    if isinstance(audio, str | Path) and media_kind_for(audio) == "video":
        raise MediaError(
            f"{Path(audio).name} is a video file.", "Give an audio recording (wav, flac, mp3, ogg, webm)."
        )
    samples = load_audio(audio, limits or MediaLimits(), sample_rate=sample_rate)
    flags: list[str] = []
    clipped = float(np.mean(np.abs(samples) >= 0.99))
    if clipped > 0.01:
        flags.append("clipped")
    peak = float(np.max(np.abs(samples))) if samples.size else 0.0
    if peak < 1e-4:
        return VoiceEmotion(len(samples) / INPUT_SAMPLE_RATE, None, None, None, -100.0, None, 1.0,
                            None, None, None, 0.0, ["silent"])  # fmt: skip
    praat = _praat(samples)
    pause_ratio, rate, energy_db = _timing(samples)
    features = {
        "rate": rate,
        "pitch_sd_st": praat["pitch_sd_st"],
        "energy_db": energy_db,
        "pitch_st": _semitones(praat["pitch_mean_hz"]) if praat["pitch_mean_hz"] else None,
    }
    arousal = _arousal(features)
    if arousal >= 0.65:
        flags.append("tense/agitated")
    if arousal <= 0.35 or (
        praat["pitch_sd_st"] is not None and praat["pitch_sd_st"] < 1.2 and energy_db < -30
    ):
        flags.append("flat/low-energy")
    if (praat["jitter"] or 0) > 0.02 or (praat["shimmer"] or 0) > 0.25:
        flags.append("shaky")
    if len(samples) / INPUT_SAMPLE_RATE < 0.5:
        flags.append("too-short")
    return VoiceEmotion(
        duration_s=round(len(samples) / INPUT_SAMPLE_RATE, 3),
        pitch_mean_hz=praat["pitch_mean_hz"],
        pitch_sd_hz=praat["pitch_sd_hz"],
        pitch_range_hz=praat["pitch_range_hz"],
        energy_db=round(energy_db, 2),
        speaking_rate=None if rate is None else round(rate, 3),
        pause_ratio=round(pause_ratio, 4),
        jitter=praat["jitter"],
        shimmer=praat["shimmer"],
        hnr_db=praat["hnr_db"],
        arousal=arousal,
        flags=flags,
    )


# Arousal in context: logistic(intercept + abs * logit(arousal) + energy * dB above the speaker's
# earlier turns). Fitted (balanced logistic regression) on random 8-turn sessions of RAVDESS's
# dev actors 1-12 (`carellm emotion voice-eval`); on the held-out actors it reads high vs low
# arousal right 0.83 of the time where the reading alone is right 0.79 (docs/emotion.md).
# Pitch, pitch range and rate against the earlier turns added nothing on dev beyond these two.
IN_CONTEXT = {"intercept": 0.264, "abs": 0.489, "energy_db": 0.182}
BASELINE_KEEP = 20  # earlier turns a baseline averages (a long session's start stays in it)


def logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def in_context(voice: VoiceEmotion, energy_db_before: float) -> float:
    """Arousal of `voice` read against the speaker's mean energy in earlier turns."""
    z = (
        IN_CONTEXT["intercept"]
        + IN_CONTEXT["abs"] * logit(voice.arousal)
        + IN_CONTEXT["energy_db"] * (voice.energy_db - energy_db_before)
    )
    return round(1.0 / (1.0 + math.exp(-z)), 4)


class VoiceBaseline:
    """The speaker's own earlier turns; from the `turns`-th on, each turn is read against them.

    Voices differ more between people than between one person's calm and tense turns (on
    RAVDESS men read 0.53 and women 0.64 on average), so a turn is also described by how it
    differs from the same speaker's earlier turns (`relative`, `arousal_in_context`).
    """

    def __init__(self, turns: int = 2, keep: int = BASELINE_KEEP) -> None:
        self.turns = turns
        self.keep = keep
        self.samples: list[VoiceEmotion] = []

    def compare(self, voice: VoiceEmotion) -> VoiceEmotion:
        if "silent" in voice.flags:
            return voice
        ready = len(self.samples) >= self.turns
        if ready:
            base = self.samples
            for name in ("pitch_mean_hz", "speaking_rate", "energy_db", "arousal"):
                now = getattr(voice, name)
                before = [getattr(b, name) for b in base if getattr(b, name) is not None]
                if now is None or not before:
                    continue
                mean = float(np.mean(before))
                voice.relative[name] = round(
                    now - mean if name in {"energy_db", "arousal"} else now / mean - 1, 4
                )
            if voice.relative.get("arousal", 0) >= 0.15 and "tense/agitated" not in voice.flags:
                voice.flags.append("more-agitated-than-usual")
            if voice.relative.get("arousal", 0) <= -0.15:
                voice.flags.append("flatter-than-usual")
            voice.arousal_in_context = in_context(voice, float(np.mean([b.energy_db for b in base])))
        if len(self.samples) < self.keep:
            self.samples.append(voice)
        return voice
