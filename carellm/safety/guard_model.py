"""The reply guard's learned part: a linear model over the crisis layer's hashed n-grams.

Trained by `carellm safety train-guard` on labelled replies from public sources (doctors' and
chatbots' replies that diagnose or prescribe, unsafe chatbot replies, counsellors' replies as the
allowed side; data/GUARD_CARD.md). Same features and file format as the crisis model
(`risk_model.RiskModel`: weights in an .npz, calibration and thresholds in a .json), its own idf
and weights. It can only block: a reply the patterns pass is replaced when the model's calibrated
probability reaches the threshold chosen on the dev split. Loaded on first use, once per process.
"""

from __future__ import annotations

import threading
from pathlib import Path

from carellm.safety.risk_model import RiskModel, read_model

DATA = Path(__file__).with_name("data")
GUARD_WEIGHTS = DATA / "guard_model.npz"
GUARD_CONFIG = DATA / "guard_model.json"
GUARD_MANIFEST = DATA / "guard_manifest.txt"

_LOCK = threading.Lock()
_LOADED: dict[tuple[Path, Path], RiskModel | None] = {}


def load_guard_model(weights: Path = GUARD_WEIGHTS, config: Path = GUARD_CONFIG) -> RiskModel | None:
    """The shipped guard model (None when its files are absent: the patterns still hold), loaded
    once per process and thread-safe; its own cache, so the crisis model's stays where it is."""
    key = (weights, config)
    with _LOCK:
        if key not in _LOADED:
            _LOADED[key] = read_model(weights, config) if weights.is_file() and config.is_file() else None
        return _LOADED[key]


def forget_loaded() -> None:
    """Drop the loaded model (after training writes new files)."""
    with _LOCK:
        _LOADED.clear()


def block_probability(model: RiskModel, reply: str, lang: str) -> float:
    """Calibrated probability that `reply` breaks a rule, read as language `lang` (zh or en)."""
    return float(model.probabilities([reply], lang)[0])


def blocks(model: RiskModel, probability: float, lang: str) -> bool:
    limits = model.thresholds.get(lang) or model.thresholds["en"]
    return probability >= limits["block"]
