"""The learned part of the crisis layer: a linear model over hashed character and word n-grams.

Trained on real, labelled public posts in Chinese and English (`corpus/`, CARD.md) by
`carellm safety train`; the weights ship in `data/risk_model.npz` (no vocabulary to store:
features are hashed) and the calibration and thresholds in `data/risk_model.json`.
It loads in well under a second and scores a message in about a millisecond on one core,
so the layer needs neither the LLM nor a sentence encoder.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from carellm.safety.calibration import Calibration
from carellm.safety.features import MAX_CHARS, N_FEATURES, clip, features, hashed_counts, weighted

__all__ = [  # the encoder lives in features.py (shared with the emotion head); its names stay here
    "CHUNK_CHARS",
    "CONFIG_FILE",
    "LONG_CHARS",
    "MAX_CHARS",
    "N_FEATURES",
    "WEIGHTS_FILE",
    "RiskModel",
    "chunks",
    "features",
    "hashed_counts",
    "load_risk_model",
    "weighted",
]

DATA = Path(__file__).with_name("data")
WEIGHTS_FILE = DATA / "risk_model.npz"
CONFIG_FILE = DATA / "risk_model.json"
LONG_CHARS = 280  # a tweet's length: above it, a text is a post, with its own check-in threshold
CHUNK_CHARS = 400  # a long post is also read in pieces of about this size (a wish stated mid-story)
_SENTENCE_END = re.compile(r"(?<=[.!?。！？；;…\n])\s*")


def chunks(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Consecutive sentence groups of about `size` characters (one piece for a short text)."""
    if len(text) <= size:
        return [text]
    pieces, current = [], ""
    for sentence in _SENTENCE_END.split(clip(text)):
        if current and len(current) + len(sentence) > size:
            pieces.append(current)
            current = ""
        current += sentence + " "
    if current.strip():
        pieces.append(current)
    return pieces


@dataclass(frozen=True)
class RiskModel:
    coef: np.ndarray
    intercept: float
    idf: np.ndarray
    calibration: dict[str, Calibration]  # per language: the raw scores mean different things
    thresholds: dict[str, dict[str, float]]  # lang -> {"medium": p, "high": p}
    meta: dict

    def raw_scores(self, texts: list[str]) -> np.ndarray:
        scores = np.empty(len(texts))
        for i, text in enumerate(texts):
            index, counts = hashed_counts(text)
            scores[i] = weighted(index, counts, self.idf) @ self.coef[index] + self.intercept
        return scores

    def read_scores(self, texts: list[str]) -> np.ndarray:
        """Raw scores as the layer reads texts: a long one whole and in pieces, its highest score."""
        pieces: list[str] = []
        owner: list[int] = []
        for i, text in enumerate(texts):
            parts = chunks(text)
            group = [text, *parts] if len(parts) > 1 else [text]
            pieces += group
            owner += [i] * len(group)
        best = np.full(len(texts), -np.inf)
        np.maximum.at(best, np.asarray(owner, dtype=np.int64), self.raw_scores(pieces))
        return best

    def probabilities(self, texts: list[str], lang: str) -> np.ndarray:
        """Calibrated probability of risk for each text, read as language `lang` (zh or en)."""
        return self.calibration[lang if lang in self.calibration else "en"](self.read_scores(texts))

    def level(self, probability: float, lang: str, chars: int = 0) -> str:
        """none / medium / high for a calibrated probability (patterns alone decide imminent).

        A post of LONG_CHARS or more has its own check-in threshold: forum posts that state the
        wish once in a long story score lower than a short message that says only that.
        """
        limits = self.thresholds.get(lang) or self.thresholds["en"]
        if probability >= limits["high"]:
            return "high"
        if probability >= limits["medium_long" if chars >= LONG_CHARS else "medium"]:
            return "medium"
        return "none"


_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _load(weights: Path = WEIGHTS_FILE, config: Path = CONFIG_FILE) -> RiskModel:
    return read_model(weights, config)


def read_model(weights: Path, config: Path) -> RiskModel:
    """A saved linear model over the shared features (the crisis layer's, or the reply guard's)."""
    saved = np.load(weights)
    meta = json.loads(config.read_text(encoding="utf-8"))
    return RiskModel(
        coef=saved["coef"].astype(np.float32),
        intercept=float(saved["intercept"]),
        idf=saved["idf"].astype(np.float32),
        calibration={lang: Calibration.from_dict(c) for lang, c in meta["calibration"].items()},
        thresholds=meta["thresholds"],
        meta=meta,
    )


def load_risk_model() -> RiskModel:
    """The shipped model, loaded once per process (thread-safe)."""
    with _LOCK:
        return _load()
