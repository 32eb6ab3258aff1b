"""The emotion suite: CareLLM's text-emotion analysis (carellm.emotion, the same call a session
makes) against labelled files, GoEmotions' TSV or the data pipeline's unified schema (JSONL with
`messages` and `labels.emotion`), read by the emotion trainer's reader. GoEmotions' 28 labels
map onto CareLLM's seven (labels.GOEMOTIONS_TO_PRIMARY; a row's first label is its truth).

Scores: per language, macro-F1 over the labels the rows carry with its 95% bootstrap interval,
and F1 per label. No replies and no judge are involved.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from carellm.emotion.classifier import read_training_file
from carellm.emotion.labels import GOEMOTIONS_TO_PRIMARY, PRIMARY
from carellm.emotion.training import macro_f1, macro_f1_interval
from carellm.language import detect_lang


def _primary(labels: list[str]) -> str:
    return GOEMOTIONS_TO_PRIMARY.get(labels[0], labels[0])


def label_f1(truth: list[str], guess: list[str], label: str) -> float:
    return macro_f1(truth, guess, (label,))


def evaluate_file(path: Path, seed: int = 0) -> dict[str, Any]:
    """Per language: n, macro-F1 [value, low, high], F1 per label, and each row's result."""
    from carellm.emotion.text import analyze_texts

    texts, labels = read_training_file(path)
    langs: list[str | None] = [detect_lang(t) for t in texts]
    truth = [_primary(ls) for ls in labels]
    guess = [e.primary for e in analyze_texts(texts, langs)]
    out: dict[str, Any] = {"file": path.name, "n": len(texts), "by_lang": {}}
    for lang in sorted({str(g) for g in langs}):
        idx = [i for i, g in enumerate(langs) if g == lang]
        t, g = [truth[i] for i in idx], [guess[i] for i in idx]
        present = tuple(k for k in PRIMARY if k in set(t))
        out["by_lang"][lang] = {
            "n": len(idx),
            "macro_f1": macro_f1_interval(t, g, present, seed),
            "f1": {k: round(label_f1(t, g, k), 4) for k in present},
            "truth_counts": dict(Counter(t)),
        }
    out["accuracy"] = round(float(np.mean([a == b for a, b in zip(truth, guess, strict=True)])), 4)
    out["rows"] = [
        {"id": f"{path.name}:{i}", "lang": langs[i], "truth": truth[i], "guess": guess[i]}
        for i in range(len(texts))
    ]
    return out
