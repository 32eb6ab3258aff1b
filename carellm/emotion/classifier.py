"""A project-trained emotion classifier: logistic regression on MiniLM sentence embeddings.

`carellm emotion train --data FILE --out DIR` fits it on GoEmotions-format data (the
dataset's TSV: text, comma-separated label ids, id; or JSONL with `text` and `labels` as
GoEmotions names/ids) or on CareLLM's unified schema (`labels.emotion`). It is saved as
plain numpy/JSON files in DIR and loaded by path (`CARELLM_EMOTION_MODEL` or `--model`).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from carellm.emotion.labels import GOEMOTIONS, GOEMOTIONS_TO_PRIMARY, PRIMARY
from carellm.errors import InputError

WEIGHTS = "weights.npz"
CARD = "model_card.json"


def _label_names(raw) -> list[str]:
    if isinstance(raw, str):
        raw = [x for x in raw.replace(";", ",").split(",") if x.strip()]
    names = []
    for item in raw if isinstance(raw, list) else [raw]:
        item = str(item).strip()
        if item.isdigit() and int(item) < len(GOEMOTIONS):
            names.append(GOEMOTIONS[int(item)])
        elif item in GOEMOTIONS or item in PRIMARY:
            names.append(item)
        else:
            raise ValueError(f"unknown label {item!r}")
    return names


def read_training_file(path: Path) -> tuple[list[str], list[list[str]]]:
    """Texts and label lists; errors name the line so the file can be fixed."""
    if not path.is_file():
        raise InputError(f"No training file at {path}.", "Give a GoEmotions .tsv or a .jsonl file.")
    texts: list[str] = []
    labels: list[list[str]] = []
    with path.open(encoding="utf-8") as fh:
        if path.suffix == ".tsv":
            rows: Iterator[tuple[int, Any]] = (
                (n, {"text": r[0], "labels": r[1]})
                for n, r in enumerate(csv.reader(fh, delimiter="\t"), 1)
                if r
            )
        else:
            rows = ((n, json.loads(line)) for n, line in enumerate(fh, 1) if line.strip())
        try:
            for number, row in rows:
                text = row.get("text")
                raw = row.get("labels")
                if text is None and "messages" in row:  # unified schema: first user message
                    text = next((m["content"] for m in row["messages"] if m.get("role") == "user"), None)
                if isinstance(raw, dict):
                    raw = raw.get("emotion")
                if not text or raw in (None, "", []):
                    raise InputError(
                        f"{path}:{number}: needs text and labels.", "See docs/emotion.md for the formats."
                    )
                try:
                    labels.append(_label_names(raw))
                except ValueError as exc:
                    raise InputError(
                        f"{path}:{number}: {exc}.", f"Use GoEmotions names/ids or {', '.join(PRIMARY)}."
                    ) from exc
                texts.append(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{path}: line {exc.lineno} is not valid JSON.", "Fix or remove that line."
            ) from exc
    if len(texts) < 10:
        raise InputError(
            f"{path} has only {len(texts)} examples.", "Train on at least 10 (hundreds are better)."
        )
    return texts, labels


@dataclass
class EmotionClassifier:
    labels: list[str]
    coef: np.ndarray  # (n_labels, 384)
    intercept: np.ndarray  # (n_labels,)

    def predict(self, texts: list[str]) -> np.ndarray:
        from carellm.embeddings import embed

        z = embed(texts) @ self.coef.T + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def primary_scores(self, text: str) -> tuple[dict[str, float], dict[str, float]]:
        """(scores over the seven primary labels, scores over GoEmotions labels if trained on them)."""
        return self.primary_scores_many([text])[0]

    def primary_scores_many(self, texts: list[str]) -> list[tuple[dict[str, float], dict[str, float]]]:
        """Batched: one embedding pass for many texts (~10x faster per text than one at a time)."""
        return [self._to_scores(row) for row in self.predict(texts)]

    def _to_scores(self, row: np.ndarray) -> tuple[dict[str, float], dict[str, float]]:
        probs = dict(zip(self.labels, row.tolist(), strict=True))
        primary = {k: 0.0 for k in PRIMARY}
        for label, p in probs.items():
            target = label if label in PRIMARY else GOEMOTIONS_TO_PRIMARY.get(label)
            if target:
                primary[target] = max(primary[target], p)
        goemotions = (
            {k: probs.get(k, 0.0) for k in GOEMOTIONS}
            if set(self.labels) & set(GOEMOTIONS) - set(PRIMARY)
            else {}
        )
        return primary, goemotions

    def save(self, out: Path, card: dict) -> Path:
        out.mkdir(parents=True, exist_ok=True)
        np.savez(out / WEIGHTS, coef=self.coef, intercept=self.intercept)
        (out / CARD).write_text(
            json.dumps({**card, "labels": self.labels}, indent=2, ensure_ascii=False), encoding="utf-8"
        )
        return out

    @classmethod
    def load(cls, path: str | Path) -> EmotionClassifier:
        path = Path(path).expanduser()
        if not (path / WEIGHTS).is_file() or not (path / CARD).is_file():
            raise InputError(
                f"No emotion model in {path}.", "Train one: carellm emotion train --data FILE --out DIR"
            )
        weights = np.load(path / WEIGHTS)
        card = json.loads((path / CARD).read_text(encoding="utf-8"))
        return cls(card["labels"], weights["coef"], weights["intercept"])


def train(data: Path, out: Path, c: float = 4.0) -> dict:
    """Fit one-vs-rest logistic regressions; returns the model card (also saved in `out`)."""
    from sklearn.linear_model import LogisticRegression

    from carellm.embeddings import embed

    texts, label_lists = read_training_file(data)
    names = sorted({n for ls in label_lists for n in ls})
    x = embed(texts)
    coefs, intercepts = [], []
    for name in names:
        y = np.array([name in ls for ls in label_lists])
        if y.all() or not y.any():
            coefs.append(np.zeros(x.shape[1]))
            intercepts.append(5.0 if y.all() else -5.0)
            continue
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000).fit(x, y)
        coefs.append(model.coef_[0])
        intercepts.append(float(model.intercept_[0]))
    clf = EmotionClassifier(names, np.array(coefs, dtype=np.float32), np.array(intercepts, dtype=np.float32))
    card = {
        "model": "all-MiniLM-L6-v2 embeddings + one-vs-rest logistic regression",
        "trained_on": str(data),
        "examples": len(texts),
        "label_counts": {n: sum(n in ls for ls in label_lists) for n in names},
        "C": c,
    }
    clf.save(out, card)
    return card
