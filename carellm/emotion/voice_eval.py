"""How well the prosody reading tells high from low arousal on real, labelled, acted speech.

The set is RAVDESS's audio-only speech (24 actors x 60 clips, `03-01-EE-II-SS-RR-AA.wav`;
docs/emotion.md has its card). Each emotion maps to a side of the circumplex (Russell 1980):
happy, angry, fearful, surprised are high arousal; neutral, calm, sad are low; disgust sits
between and is left out. Actors 1-12 are the dev part (the decision threshold is chosen
there), actors 13-24 the held-out part (read once, for the card), six men and six women in
each, so no speaker is on both sides.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from carellm.emotion.voice import VoiceBaseline, VoiceEmotion, analyze_voice, logit
from carellm.errors import InputError
from carellm.safety.metrics import bootstrap

HIGH = {"03": "happy", "05": "angry", "06": "fearful", "08": "surprised"}
LOW = {"01": "neutral", "02": "calm", "04": "sad"}
DEV_ACTORS = range(1, 13)
SESSIONS_PER_ACTOR = 10  # random sessions of SESSION_TURNS clips each, per actor
SESSION_TURNS = 8
_NAME = re.compile(r"^03-01-(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)\.wav$")


@dataclass(frozen=True)
class Clip:
    path: Path
    actor: int
    emotion: str
    strong: bool  # RAVDESS intensity 02
    high: bool  # high arousal


def read_ravdess(folder: Path) -> list[Clip]:
    """Every labelled speech clip under `folder` (any depth); disgust and repeated bytes left out."""
    clips, seen = [], set()
    for path in sorted(folder.rglob("*.wav")):
        match = _NAME.match(path.name)
        if not match or match[1] not in HIGH | LOW:
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest in seen:  # one recording published under two names (actor 7)
            continue
        seen.add(digest)
        emotion = HIGH.get(match[1]) or LOW[match[1]]
        clips.append(Clip(path, int(match[5]), emotion, match[2] == "02", match[1] in HIGH))
    if not clips:
        raise InputError(
            f"No RAVDESS speech clips (03-01-EE-II-SS-RR-AA.wav) under {folder}.",
            "Point --data at the folder of Actor_01 ... Actor_24 (docs/emotion.md says where to find it).",
        )
    return clips


def auc(scores: list[float], high: list[bool]) -> float:
    """Area under the ROC curve: the chance a high-arousal clip scores above a low one."""
    from scipy.stats import rankdata

    s, y = np.asarray(scores, float), np.asarray(high, bool)
    n1, n0 = int(y.sum()), int((~y).sum())
    if not n1 or not n0:
        return float("nan")
    ranks = rankdata(s)
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def choose_threshold(scores: list[float], high: list[bool]) -> float:
    """The cut between low and high that is right most often (ties: the one nearest 0.5)."""
    s, y = np.asarray(scores), np.asarray(high, bool)
    candidates = np.unique(np.round(s, 3))
    right = [float(np.mean((s >= t) == y)) for t in candidates]
    best = max(right)
    return float(
        min((t for t, r in zip(candidates, right, strict=True) if r == best), key=lambda t: abs(t - 0.5))
    )


def _part(clips: list[Clip], read: list[VoiceEmotion], threshold: float, seed: int = 0) -> dict[str, Any]:
    scores = [v.arousal for v in read]
    high = [c.high for c in clips]
    out: dict[str, Any] = {
        "n": len(clips),
        "n_high": int(sum(high)),
        "auc": round(auc(scores, high), 4),
        "accuracy": bootstrap(
            [(s >= threshold) == h for s, h in zip(scores, high, strict=True)], seed=seed
        ).to_list(),
        "accuracy_at_0.5": round(
            float(np.mean([(s >= 0.5) == h for s, h in zip(scores, high, strict=True)])), 4
        ),
    }
    for sex, odd in (("men", 1), ("women", 0)):
        idx = [i for i, c in enumerate(clips) if c.actor % 2 == odd]
        out[sex] = {
            "accuracy": round(float(np.mean([(scores[i] >= threshold) == high[i] for i in idx])), 4),
            "mean_arousal": round(float(np.mean([scores[i] for i in idx])), 4),
        }
    for flag, side in (("tense/agitated", True), ("flat/low-energy", False)):
        fired = [c.high == side for c, v in zip(clips, read, strict=True) if flag in v.flags]
        out[f"flag {flag}"] = {"fired": len(fired), "right": int(sum(fired))}
    out["mean_arousal_by_emotion"] = {
        e: round(float(np.mean([v.arousal for c, v in zip(clips, read, strict=True) if c.emotion == e])), 4)
        for e in sorted({c.emotion for c in clips})
    }
    return out


def sessions(clips: list[Clip], read: list[VoiceEmotion], seed: int) -> list[dict[str, Any]]:
    """Turns of random sessions (one actor's clips in a random order) read through a real
    VoiceBaseline, from the turn it is ready on: what a session sees of one speaker."""
    rng = np.random.default_rng(seed)
    turns = []
    for actor in sorted({c.actor for c in clips}):
        mine = [i for i, c in enumerate(clips) if c.actor == actor]
        for _ in range(SESSIONS_PER_ACTOR):
            baseline = VoiceBaseline()
            for i in rng.choice(mine, min(SESSION_TURNS, len(mine)), replace=False):
                earlier = [s.energy_db for s in baseline.samples]
                voice = baseline.compare(copy.deepcopy(read[i]))
                if voice.arousal_in_context is not None:
                    turns.append(
                        {
                            "high": clips[i].high,
                            "arousal": voice.arousal,
                            "in_context": voice.arousal_in_context,
                            "energy_up_db": voice.energy_db - float(np.mean(earlier)),
                        }
                    )
    return turns


def fit_in_context(turns: list[dict[str, Any]]) -> dict[str, float]:
    """The weights of voice.IN_CONTEXT, refitted on these turns (balanced logistic regression)."""
    from sklearn.linear_model import LogisticRegression

    x = np.array([[logit(t["arousal"]), t["energy_up_db"]] for t in turns])
    y = np.array([t["high"] for t in turns])
    fitted = LogisticRegression(C=1.0, class_weight="balanced").fit(x, y)
    return {
        "intercept": round(float(fitted.intercept_[0]), 3),
        "abs": round(float(fitted.coef_[0][0]), 3),
        "energy_db": round(float(fitted.coef_[0][1]), 3),
    }


def _in_sessions(turns: list[dict[str, Any]], threshold: float) -> dict[str, Any]:
    high = [t["high"] for t in turns]
    alone = [t["arousal"] for t in turns]
    ctx = [t["in_context"] for t in turns]
    return {
        "turns": len(turns),
        "reading_alone": {
            "auc": round(auc(alone, high), 4),
            "accuracy": bootstrap(
                [(a >= threshold) == h for a, h in zip(alone, high, strict=True)]
            ).to_list(),
        },
        "in_context": {
            "auc": round(auc(ctx, high), 4),
            "accuracy": bootstrap([(c >= 0.5) == h for c, h in zip(ctx, high, strict=True)]).to_list(),
        },
    }


def evaluate(folder: Path, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Read every clip, choose on the dev actors, report both parts, clip by clip and in sessions."""
    clips = read_ravdess(folder)
    read = []
    for i, clip in enumerate(clips):
        read.append(analyze_voice(clip.path))
        if i % 200 == 199:
            log(f"  {i + 1} of {len(clips)} clips read")
    dev = [i for i, c in enumerate(clips) if c.actor in DEV_ACTORS]
    test = [i for i, c in enumerate(clips) if c.actor not in DEV_ACTORS]
    threshold = choose_threshold([read[i].arousal for i in dev], [clips[i].high for i in dev])
    dev_turns = sessions([clips[i] for i in dev], [read[i] for i in dev], seed=1)
    test_turns = sessions([clips[i] for i in test], [read[i] for i in test], seed=2)
    return {
        "threshold_chosen_on_dev": threshold,
        "dev": _part([clips[i] for i in dev], [read[i] for i in dev], threshold),
        "test": _part([clips[i] for i in test], [read[i] for i in test], threshold),
        "in_context_weights_refitted_on_dev": fit_in_context(dev_turns),
        "sessions_dev": _in_sessions(dev_turns, threshold),
        "sessions_test": _in_sessions(test_turns, threshold),
        "speakers": {
            "dev": sorted({clips[i].actor for i in dev}),
            "test": sorted({clips[i].actor for i in test}),
        },
    }
