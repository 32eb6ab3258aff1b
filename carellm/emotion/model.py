"""The shipped text-emotion head: a multinomial logistic regression on the crisis layer's features.

One encoder, two heads: a message is encoded once (`carellm.safety.features.hashed_counts`,
CRC32-hashed character 1-4-grams and English word 1-2-grams, cached per text) and read by the
crisis model and by this one; each head keeps only its own idf and weights. Trained on real
zh + en posts (docs/emotion.md) by `carellm emotion train`; weights in `data/emotion_model.npz`
(float16, features x labels so one message gathers contiguous rows), settings and the labels
each language was trained on in `data/emotion_model.json`. numpy only at run time.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from carellm.safety.features import hashed_counts, weighted

DATA = Path(__file__).with_name("data")
WEIGHTS_FILE = DATA / "emotion_model.npz"
CONFIG_FILE = DATA / "emotion_model.json"
MANIFEST_FILE = DATA / "manifest.txt"


@dataclass(frozen=True)
class EmotionModel:
    labels: tuple[str, ...]
    coef: np.ndarray  # (N_FEATURES, len(labels)), float32 once loaded
    intercept: np.ndarray  # (len(labels),)
    idf: np.ndarray  # (N_FEATURES,)
    known: dict[str, tuple[str, ...]]  # lang -> labels it saw enough real examples of
    meta: dict

    def logits(self, text: str) -> np.ndarray:
        index, counts = hashed_counts(text)
        return weighted(index, counts, self.idf) @ self.coef[index] + self.intercept

    def probabilities(self, text: str, lang: str) -> dict[str, float]:
        """Probabilities over the labels `lang` was trained on (the others are left out, not 0:
        the caller decides who speaks for them)."""
        known = self.known.get(lang) or self.known["en"]
        z = self.logits(text)
        keep = np.array([label in known for label in self.labels])
        z = np.where(keep, z, -np.inf)
        p = np.exp(z - z[keep].max())
        p /= p.sum()
        return {label: float(v) for label, v, k in zip(self.labels, p, keep, strict=True) if k}


_LOCK = threading.Lock()


@lru_cache(maxsize=4)
def _load(weights: Path, config: Path) -> EmotionModel:
    saved = np.load(weights)
    meta = json.loads(config.read_text(encoding="utf-8"))
    return EmotionModel(
        labels=tuple(meta["labels"]),
        coef=saved["coef"].astype(np.float32),
        intercept=saved["intercept"].astype(np.float32),
        idf=saved["idf"].astype(np.float32),
        known={lang: tuple(labels) for lang, labels in meta["known"].items()},
        meta=meta,
    )


def load_emotion_model(weights: Path | None = None, config: Path | None = None) -> EmotionModel | None:
    """The shipped model, loaded once per process (thread-safe); None when its files are missing
    (a checkout without them): text emotion then falls back to the lexicon."""
    weights = weights or WEIGHTS_FILE
    config = config or CONFIG_FILE
    if not weights.is_file() or not config.is_file():
        return None
    with _LOCK:
        return _load(weights, config)
