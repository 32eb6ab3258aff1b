"""Recall, false alarms and precision with bootstrap intervals, and the curves behind them.

Used for every figure docs/safety.md reports, so each number there is computed one way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

BOOTSTRAP_ROUNDS = 1000


@dataclass(frozen=True)
class Interval:
    value: float
    low: float
    high: float

    def to_list(self) -> list[float]:
        return [round(self.value, 4), round(self.low, 4), round(self.high, 4)]


def _rate(hits: np.ndarray) -> float:
    return float(hits.mean()) if hits.size else float("nan")


def bootstrap(values: ArrayLike, rounds: int = BOOTSTRAP_ROUNDS, seed: int = 0) -> Interval:
    """A proportion with its 95% percentile-bootstrap interval (NaN for an empty sample)."""
    hits = np.asarray(values, dtype=bool)
    if not hits.size:
        nan = float("nan")
        return Interval(nan, nan, nan)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, hits.size, size=(rounds, hits.size))
    means = hits[draws].mean(axis=1)
    return Interval(_rate(hits), float(np.quantile(means, 0.025)), float(np.quantile(means, 0.975)))


def detection_report(flagged: ArrayLike, crisis: ArrayLike, seed: int = 0) -> dict:
    """Recall on crisis rows, false-positive rate on safe rows, precision; each with a 95% interval."""
    flagged_a = np.asarray(flagged, dtype=bool)
    crisis_a = np.asarray(crisis, dtype=bool)
    return {
        "n_crisis": int(crisis_a.sum()),
        "n_safe": int((~crisis_a).sum()),
        "recall": bootstrap(flagged_a[crisis_a], seed=seed).to_list(),
        "fpr": bootstrap(flagged_a[~crisis_a], seed=seed).to_list(),
        "precision": bootstrap(crisis_a[flagged_a], seed=seed).to_list(),
    }


def pr_curve(scores: ArrayLike, crisis: ArrayLike) -> dict[str, list[float]]:
    """Precision and recall at each distinct score, highest threshold first."""
    s = np.asarray(scores, dtype=float)
    y = np.asarray(crisis, dtype=bool)
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    tp = np.cumsum(y)
    fp = np.cumsum(~y)
    last = np.r_[np.nonzero(np.diff(s))[0], s.size - 1]  # the last index of each distinct score
    total = max(int(y.sum()), 1)
    return {
        "threshold": s[last].round(4).tolist(),
        "precision": (tp[last] / (tp[last] + fp[last])).round(4).tolist(),
        "recall": (tp[last] / total).round(4).tolist(),
    }


def average_precision(scores: ArrayLike, crisis: ArrayLike) -> float:
    curve = pr_curve(scores, crisis)
    recall = np.r_[0.0, curve["recall"]]
    return float(np.sum(np.diff(recall) * np.asarray(curve["precision"])))
