"""Per-turn fusion of text and voice, and the session's emotional trajectory."""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, field

import numpy as np

from carellm.counseling.hooks import is_flagged
from carellm.emotion.labels import PRIMARY
from carellm.emotion.text import TextEmotion, analyze_text, from_scores
from carellm.emotion.voice import VoiceBaseline, VoiceEmotion, analyze_voice

TREND_SLOPE = 0.05  # valence change per turn that counts as improving/worsening
SHIFT = 0.5  # valence jump between consecutive turns that counts as a notable shift


@dataclass
class TurnEmotion:
    turn: int
    primary: str
    scores: dict[str, float]
    valence: float
    arousal: float
    text: TextEmotion
    voice: VoiceEmotion | None = None
    safety_level: str = "none"
    keywords: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def fuse(turn: int, text: TextEmotion, voice: VoiceEmotion | None, safety_level: str = "none") -> TurnEmotion:
    """Text decides what the emotion is; voice says how activated it is (and nudges the scores)."""
    scores = dict(text.scores)
    arousal = text.arousal
    if voice is not None and "silent" not in voice.flags:
        # Against the speaker's earlier turns once there are some (docs/emotion.md: RAVDESS).
        heard = voice.arousal if voice.arousal_in_context is None else voice.arousal_in_context
        arousal = round(0.5 * text.arousal + 0.5 * heard, 4)
        tilt = voice.arousal - 0.5 + voice.relative.get("arousal", 0.0)
        if tilt > 0.1:
            scores["anxiety"] += 0.3 * tilt
        elif tilt < -0.1:
            scores["sadness"] += 0.3 * -tilt
        fused = from_scores(scores)
        scores, primary, valence = fused.scores, fused.primary, fused.valence
    else:
        primary, valence = text.primary, text.valence
    return TurnEmotion(
        turn, primary, scores, valence, arousal, text, voice, safety_level, list(text.keywords)
    )


class SessionEmotionTracker:
    """An EmotionObserver for the counseling session: analyses each user turn and keeps the timeline."""

    def __init__(self, classifier=None, backend=None) -> None:
        self.classifier = classifier
        self.backend = backend
        self.baseline = VoiceBaseline()
        self.timeline: list[TurnEmotion] = []

    def observe(
        self, text: str, lang: str, audio: np.ndarray | None, safety_level: str = "none"
    ) -> TurnEmotion:
        text_emotion = analyze_text(text, lang, self.classifier, self.backend)
        voice = self.baseline.compare(analyze_voice(audio)) if audio is not None and len(audio) else None
        turn = fuse(len(self.timeline), text_emotion, voice, safety_level)
        self.timeline.append(turn)
        return turn

    def trajectory(self) -> dict:
        return trajectory(self.timeline)

    def to_dict(self) -> dict:
        return {"timeline": [t.to_dict() for t in self.timeline], "trajectory": self.trajectory()}


def trajectory(timeline: list[TurnEmotion]) -> dict:
    """Dominant emotions, trend and notable shifts over a session."""
    if not timeline:
        return {"turns": 0, "dominant": [], "trend": "no turns yet", "shifts": []}
    mean = {k: float(np.mean([t.scores[k] for t in timeline])) for k in PRIMARY}
    dominant = [
        k for k in sorted(mean, key=lambda k: mean[k], reverse=True) if k != "neutral" and mean[k] > 0.1
    ][:3]
    valence = np.array([t.valence for t in timeline])
    if len(timeline) < 3:
        trend = "too few turns"
    else:
        slope = float(np.polyfit(np.arange(len(valence)), valence, 1)[0])
        trend = "improving" if slope > TREND_SLOPE else "worsening" if slope < -TREND_SLOPE else "steady"
    shifts = [
        {
            "turn": t.turn,
            "from": p.primary,
            "to": t.primary,
            "valence_change": round(t.valence - p.valence, 3),
        }
        for p, t in itertools.pairwise(timeline)
        if abs(t.valence - p.valence) >= SHIFT
    ]
    return {
        "turns": len(timeline),
        "dominant": dominant,
        "mean_scores": {k: round(v, 4) for k, v in mean.items()},
        "mean_valence": round(float(valence.mean()), 4),
        "mean_arousal": round(float(np.mean([t.arousal for t in timeline])), 4),
        "trend": trend,
        "shifts": shifts,
        "flagged_turns": [t.turn for t in timeline if is_flagged(t.safety_level)],
    }
