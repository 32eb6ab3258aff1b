"""The learned part of the crisis layer: catches phrasings the patterns do not know.

Two logistic regressions trained on the project's own labelled sentences
(`data/train.jsonl`, zh + en, written for this purpose; see docs/safety.md):
  - character n-grams (1-4) of the normalised text: language-agnostic, fits in ~0.1 s at
    first use, sub-millisecond per message;
  - all-MiniLM-L6-v2 sentence embeddings (optional, English-centred): weights are
    precomputed by `python -m carellm.safety.classifier` into `data/minilm_lr.json`.
The averaged probability can only raise a message to `medium` (a check-in with resources is
appended); it never triggers the full crisis response on its own. The thresholds were picked
by 5-fold cross-validation on the training file only: the lowest threshold whose combined
(patterns + classifier) false-positive rate stays <= 0.05 (tightened from 0.10 after an
independent check on everyday sentences showed cross-validation underestimates it).
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from carellm.safety.normalize import normalize

DATA = Path(__file__).with_name("data")
TRAIN_FILE = DATA / "train.jsonl"
MINILM_FILE = DATA / "minilm_lr.json"
# Chosen by cross-validation on train.jsonl (see module docstring and docs/safety.md).
THRESHOLD_BOTH = 0.60  # mean of the two models' probabilities
THRESHOLD_NGRAM_ONLY = 0.65  # when sentence-transformers is not installed


def _training_rows() -> list[dict]:
    with TRAIN_FILE.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def training_digest() -> str:
    return hashlib.sha256(TRAIN_FILE.read_bytes()).hexdigest()[:16]


@lru_cache(maxsize=1)
def _ngram_model():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = _training_rows()
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True)
    features = vectorizer.fit_transform([normalize(r["text"]) for r in rows])
    labels = np.array([r["label"] == "crisis" for r in rows])
    model = LogisticRegression(C=10, class_weight="balanced", max_iter=3000).fit(features, labels)
    return vectorizer, model


@lru_cache(maxsize=1)
def _minilm_weights() -> tuple[np.ndarray, float] | None:
    try:
        import sentence_transformers  # noqa: F401
    except ImportError:
        return None
    if not MINILM_FILE.is_file():
        return None
    saved = json.loads(MINILM_FILE.read_text(encoding="utf-8"))
    if saved.get("train_digest") != training_digest():
        return None  # stale: rebuild with `python -m carellm.safety.classifier`
    return np.asarray(saved["coef"], dtype=np.float32), float(saved["intercept"])


_CATEGORY_HINTS = [
    ("abuse", ("hits me", "beats me", "abuse", "raped", "molest", "家暴", "打我", "性侵", "猥亵", "虐待")),
    ("harm_to_others", ("kill him", "kill her", "kill them", "hurt them", "杀了他", "弄死", "报复")),
    ("self_harm", ("cut", "cutting", "burn myself", "self harm", "self-harm", "划", "割", "自残", "自伤")),
]


def guess_category(text: str) -> str:
    """The classifier says 'risk', not which kind; a keyword hint names it, suicide otherwise."""
    norm = normalize(text)
    for category, hints in _CATEGORY_HINTS:
        if any(h in norm for h in hints):
            return category
    return "suicide"


def semantic_available() -> bool:
    return _minilm_weights() is not None


def crisis_probability(text: str, semantic: bool = True) -> tuple[float, float]:
    """(probability, threshold) that `text` expresses risk, from the learned models."""
    if len(text) > 4000:
        text = text[:2000] + " " + text[-2000:]
    vectorizer, model = _ngram_model()
    p_ngram = float(model.predict_proba(vectorizer.transform([normalize(text)]))[0, 1])
    weights = _minilm_weights() if semantic else None
    if weights is None:
        return p_ngram, THRESHOLD_NGRAM_ONLY
    from carellm.embeddings import embed

    coef, intercept = weights
    z = float(embed([text])[0] @ coef + intercept)
    p_minilm = 1.0 / (1.0 + np.exp(-z))
    return (p_ngram + p_minilm) / 2, THRESHOLD_BOTH


def build_minilm_weights() -> Path:
    """Fit the embedding model on train.jsonl and save its weights (run after editing the data)."""
    from sklearn.linear_model import LogisticRegression

    from carellm.embeddings import embed

    rows = _training_rows()
    embeddings = embed([r["text"] for r in rows])
    labels = np.array([r["label"] == "crisis" for r in rows])
    model = LogisticRegression(C=4, class_weight="balanced", max_iter=3000).fit(embeddings, labels)
    MINILM_FILE.write_text(
        json.dumps(
            {
                "model": "all-MiniLM-L6-v2 + logistic regression (C=4, balanced)",
                "train_digest": training_digest(),
                "coef": [round(float(x), 6) for x in model.coef_[0]],
                "intercept": float(model.intercept_[0]),
            }
        ),
        encoding="utf-8",
    )
    _minilm_weights.cache_clear()
    return MINILM_FILE


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    print(build_minilm_weights())
