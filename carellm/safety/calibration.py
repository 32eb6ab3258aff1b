"""Turning a model's raw score into a probability that can be read as one.

The learned model may raise a message to `high` (the crisis response) only above a calibrated
probability, so the mapping is fitted on the development split (never on train or test) and
shipped as a monotone table: raw score -> probability, linear in between.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

RELIABILITY_BINS = 10


@dataclass(frozen=True)
class Calibration:
    """A monotone map from raw score to probability (isotonic regression's steps, interpolated)."""

    raw: tuple[float, ...]
    probability: tuple[float, ...]

    def __call__(self, scores: ArrayLike) -> np.ndarray:
        return np.interp(np.asarray(scores, dtype=float), self.raw, self.probability)

    def to_dict(self) -> dict:
        return {"raw": list(self.raw), "probability": list(self.probability)}

    @classmethod
    def from_dict(cls, data: dict) -> Calibration:
        return cls(tuple(data["raw"]), tuple(data["probability"]))


def fit_isotonic(scores: ArrayLike, labels: ArrayLike) -> Calibration:
    """Isotonic regression of the label on the score, kept as its breakpoints."""
    from sklearn.isotonic import IsotonicRegression

    x = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=float)
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(x, y)
    raw = np.asarray(iso.X_thresholds_, dtype=float)
    prob = np.asarray(iso.y_thresholds_, dtype=float)
    return Calibration(tuple(np.round(raw, 6)), tuple(np.round(prob, 6)))


def reliability(probabilities: ArrayLike, labels: ArrayLike, bins: int = RELIABILITY_BINS) -> dict:
    """Per bin of predicted probability: how many, the mean prediction, the observed rate; and the ECE."""
    p = np.asarray(probabilities, dtype=float)
    y = np.asarray(labels, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    rows = []
    ece = 0.0
    for b in range(bins):
        members = index == b
        n = int(members.sum())
        if not n:
            continue
        mean_p, rate = float(p[members].mean()), float(y[members].mean())
        ece += n / max(p.size, 1) * abs(mean_p - rate)
        rows.append(
            {
                "bin": [round(edges[b], 2), round(edges[b + 1], 2)],
                "n": n,
                "mean_predicted": round(mean_p, 4),
                "observed": round(rate, 4),
            }
        )
    return {"bins": rows, "ece": round(ece, 4)}
