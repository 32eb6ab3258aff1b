"""Train, choose and measure the shipped emotion model (`carellm emotion train`).

Fitted on the train split; the regularisation, the class weighting and the lexicon's share
are chosen on the dev split (mean of the per-language macro-F1); the test split is read once,
at the end, for the figures in docs/emotion.md. The hand-written set
(tests/data/emotion/labelled.jsonl) is never trained or tuned on: it is only measured.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from carellm.emotion.corpus import HANDWRITTEN
from carellm.emotion.labels import GOEMOTIONS, PRIMARY
from carellm.emotion.model import CONFIG_FILE, MANIFEST_FILE, WEIGHTS_FILE, EmotionModel
from carellm.errors import InputError
from carellm.safety.corpus.build import read_split, split_of
from carellm.safety.features import N_FEATURES, features, hashed_counts
from carellm.safety.manifest import text_digest, write_manifest
from carellm.safety.metrics import BOOTSTRAP_ROUNDS, bootstrap

# The first model's full grid (none/balanced x C 4/16/64, docs/emotion.md) never chose unweighted
# rows or C=64; with 80k rows a fit takes minutes on the shared CPU, so only these are tried.
C_GRID = (4.0, 16.0)
WEIGHTINGS = ("balanced",)  # per (language, label) cell; "none": each row the same
LEXICON_SHARES = (0.0, 0.15, 0.3)
MAX_ITER = 200
MIN_ROWS = 200  # fewer real training rows than this in a language: the label is the lexicon's there
LANGS = ("en", "zh")


def read_splits(data: Path) -> dict[str, list[dict]]:
    """train/dev/test rows of a folder written by `carellm emotion build-data`."""
    missing = [name for name in ("train", "dev", "test") if not (data / f"{name}.jsonl").is_file()]
    if missing:
        raise InputError(
            f"{data} has no {', '.join(m + '.jsonl' for m in missing)}.",
            "Build it first: carellm emotion build-data --out DIR (or pass --cache to `train`).",
        )
    return {name: read_split(data / f"{name}.jsonl") for name in ("train", "dev", "test")}


def _idf(counts) -> np.ndarray:
    df = np.bincount(counts.indices, minlength=N_FEATURES)
    return np.log((1 + counts.shape[0]) / (1 + df)).astype(np.float32) + 1.0


def _weighted(counts, idf: np.ndarray):
    from sklearn.preprocessing import normalize as l2

    return l2(counts.multiply(idf.reshape(1, -1)).tocsr())


def _cell_weights(rows: list[dict], how: str) -> np.ndarray:
    """'balanced': each (language, label) cell weighs the same in total (joy is 40% of the rows)."""
    if how == "none":
        return np.ones(len(rows))
    keys = [(r["lang"], r["label"]) for r in rows]
    sizes = Counter(keys)
    return np.array([len(rows) / (len(sizes) * sizes[k]) for k in keys])


def known_labels(train: list[dict]) -> dict[str, tuple[str, ...]]:
    counts = Counter((r["lang"], r["label"]) for r in train)
    return {lang: tuple(k for k in PRIMARY if counts[(lang, k)] >= MIN_ROWS) for lang in LANGS}


def macro_f1(truth: list[str], guess: list[str], labels: tuple[str, ...]) -> float:
    """Mean F1 over `labels` (the labels the rows can carry; a wrong guess outside them still costs)."""
    t, g = np.asarray(truth), np.asarray(guess)
    scores = []
    for label in labels:
        tp = float(np.sum((t == label) & (g == label)))
        fp = float(np.sum((t != label) & (g == label)))
        fn = float(np.sum((t == label) & (g != label)))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    return float(np.mean(scores)) if scores else float("nan")


def macro_f1_interval(
    truth: list[str], guess: list[str], labels: tuple[str, ...], seed: int = 0
) -> list[float]:
    """Macro-F1 with its 95% percentile-bootstrap interval (rows resampled, as metrics.bootstrap)."""
    rng = np.random.default_rng(seed)
    t, g = np.asarray(truth), np.asarray(guess)
    draws = [
        macro_f1(t[i].tolist(), g[i].tolist(), labels)
        for i in rng.integers(0, t.size, (BOOTSTRAP_ROUNDS, t.size))
    ]
    return [
        round(macro_f1(truth, guess, labels), 4),
        round(float(np.quantile(draws, 0.025)), 4),
        round(float(np.quantile(draws, 0.975)), 4),
    ]


def predict(model: EmotionModel, rows: list[dict], lexicon_share: float | None) -> list[str]:
    """Primary label per row: the model alone (None) or the default pipeline (`analyze_text`)."""
    from carellm.emotion.text import analyze_text

    if lexicon_share is None:
        out = []
        for r in rows:
            p = model.probabilities(r["text"], r["lang"])
            out.append(max(p, key=lambda k: p[k]))
        return out
    return [
        analyze_text(r["text"], r["lang"], model=model, lexicon_share=lexicon_share).primary for r in rows
    ]


def report(rows: list[dict], guess: list[str], seed: int = 0) -> dict[str, Any]:
    """Per language: n, accuracy and macro-F1 with 95% intervals, per-source accuracy, confusion."""
    out: dict[str, Any] = {}
    for lang in LANGS:
        idx = [i for i, r in enumerate(rows) if r["lang"] == lang]
        if not idx:
            continue
        truth = [rows[i]["label"] for i in idx]
        g = [guess[i] for i in idx]
        labels = tuple(k for k in PRIMARY if k in set(truth))
        confusion = {t: dict(Counter(gg for tt, gg in zip(truth, g, strict=True) if tt == t)) for t in labels}
        sources = sorted({rows[i]["source"] for i in idx})
        out[lang] = {
            "n": len(idx),
            "accuracy": bootstrap([a == b for a, b in zip(truth, g, strict=True)], seed=seed).to_list(),
            "macro_f1": macro_f1_interval(truth, g, labels, seed),
            "labels": list(labels),
            "by_source": {
                s: round(
                    float(np.mean([guess[i] == rows[i]["label"] for i in idx if rows[i]["source"] == s])), 4
                )
                for s in sources
            },
            "confusion": confusion,
        }
    return out


def _dev_score(rows: list[dict], guess: list[str]) -> float:
    per = report(rows, guess)
    return float(np.mean([per[lang]["macro_f1"][0] for lang in per]))


def fit_softmax(
    x, y: np.ndarray, n_classes: int, weights: np.ndarray, c: float, start: np.ndarray | None = None
):
    """Multinomial logistic regression, sklearn's objective (0.5 |W|^2 + C sum_i w_i CE_i, the
    intercept unpenalised), by L-BFGS with an explicit gradient: sklearn's own solver took 2.3 s
    an iteration on these 44k x 373k rows on the shared 2-core machine, this one 0.3 s."""
    from scipy.optimize import minimize

    d = x.shape[1]
    x = x.astype(np.float32).tocsr()
    xt = x.T.tocsr()
    onehot = np.eye(n_classes, dtype=np.float32)[y]
    w = (weights * c).astype(np.float32)[:, None]

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        coef = theta[: d * n_classes].reshape(d, n_classes).astype(np.float32)
        bias = theta[d * n_classes :].astype(np.float32)
        z = x @ coef + bias
        z -= z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        loss = float(-(w * onehot * log_p).sum()) + 0.5 * float((coef.astype(np.float64) ** 2).sum())
        residual = w * (np.exp(log_p) - onehot)
        grad = np.concatenate([(xt @ residual + coef).ravel(), residual.sum(axis=0)])
        return loss, grad.astype(np.float64)

    theta0 = np.zeros(d * n_classes + n_classes) if start is None else start
    done = minimize(objective, theta0, jac=True, method="L-BFGS-B", options={"maxiter": MAX_ITER})
    return done.x


def fit(train: list[dict], dev: list[dict], log: Callable[[str], None]) -> tuple[EmotionModel, dict]:
    """Choose C and the weighting on dev (model alone), then the lexicon's share (whole pipeline).

    Columns seen in one training text only are left out (their weight stays 0): 60% of the
    hashed n-grams, almost all of them unique to one post, and a third of the optimiser's work.
    """
    counts = features([r["text"] for r in train])
    idf = _idf(counts)
    df = np.bincount(counts.indices, minlength=N_FEATURES)
    columns = np.flatnonzero(df >= 2)
    x = _weighted(counts, idf)[:, columns]
    classes = tuple(k for k in PRIMARY if any(r["label"] == k for r in train))
    y = np.array([classes.index(r["label"]) for r in train])
    known = known_labels(train)
    results: dict[str, Any] = {}
    best: tuple[float, EmotionModel] | None = None
    for how in WEIGHTINGS:
        theta = None
        for c in C_GRID:  # warm-started along the path: each C starts from the one before
            started = time.time()
            theta = fit_softmax(x, y, len(classes), _cell_weights(train, how), c, theta)
            coef = np.zeros((N_FEATURES, len(classes)), np.float32)
            coef[columns] = theta[: columns.size * len(classes)].reshape(columns.size, len(classes))
            bias = theta[columns.size * len(classes) :].astype(np.float32)
            model = EmotionModel(classes, coef, bias, idf, known, {"C": c, "weighting": how})
            score = _dev_score(dev, predict(model, dev, None))
            results[f"{how}:C={c}"] = round(score, 4)
            seconds = time.time() - started
            log(f"  weighting={how} C={c}: dev macro-F1 (mean of languages) {score:.4f} ({seconds:.0f} s)")
            if best is None or score > best[0]:
                best = (score, model)
    assert best is not None
    model = best[1]
    shares = {}
    for share in LEXICON_SHARES:
        shares[share] = _dev_score(dev, predict(model, dev, share))
        log(f"  lexicon share {share}: dev macro-F1 {shares[share]:.4f}")
    chosen = max(shares, key=lambda s: shares[s])
    meta = {**model.meta, "lexicon_share": chosen}
    results["lexicon_share"] = {str(k): round(v, 4) for k, v in shares.items()}
    return EmotionModel(model.labels, model.coef, model.intercept, idf, known, meta), results


def goemotions_28(data: Path, log: Callable[[str], None]) -> dict[str, Any]:
    """28-label GoEmotions head on the GoEmotions dev file, split by the same text hash: fitted on
    its train part, threshold chosen on its dev part, macro-F1 on its test part (measured only)."""
    from sklearn.linear_model import LogisticRegression

    path = data / "goemotions_dev.tsv"
    if not path.is_file():
        return {"skipped": f"no {path.name} in {data}"}
    parts: dict[str, list[tuple[str, set[int]]]] = {"train": [], "dev": [], "test": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        text, ids, _ = line.split("\t")
        parts[split_of(text_digest(text))].append((text, {int(i) for i in ids.split(",")}))
    if min(len(v) for v in parts.values()) < 10:
        return {"skipped": f"too few rows in {path.name}: " + str({k: len(v) for k, v in parts.items()})}
    x = {k: features([t for t, _ in v]) for k, v in parts.items()}
    idf = _idf(x["train"])
    x = {k: _weighted(v, idf) for k, v in x.items()}
    probs = {k: np.zeros((len(parts[k]), len(GOEMOTIONS))) for k in ("dev", "test")}
    for j in range(len(GOEMOTIONS)):
        y = np.array([j in ids for _, ids in parts["train"]])
        if y.sum() < 2:
            continue
        lr = LogisticRegression(C=16.0, class_weight="balanced", solver="liblinear").fit(x["train"], y)
        for k in probs:
            probs[k][:, j] = lr.predict_proba(x[k])[:, 1]

    def score(k: str, threshold: float) -> float:
        truth = np.array([[j in ids for j in range(len(GOEMOTIONS))] for _, ids in parts[k]])
        guess = probs[k] >= threshold
        tp, fp, fn = (truth & guess).sum(0), (~truth & guess).sum(0), (truth & ~guess).sum(0)
        denom = 2 * tp + fp + fn
        return float(np.mean(np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)))

    thresholds = [round(t, 2) for t in np.arange(0.3, 0.95, 0.05)]
    best = float(max(thresholds, key=lambda t: score("dev", t)))
    out = {
        "rows": {k: len(v) for k, v in parts.items()},
        "threshold": best,
        "dev_macro_f1": round(score("dev", best), 4),
        "test_macro_f1": round(score("test", best), 4),
    }
    log(f"  GoEmotions 28 labels: {out}")
    return out


def handwritten(model: EmotionModel, share: float) -> dict[str, Any]:
    """Accuracy on the project's hand-written sentences (7 labels; never trained or tuned on)."""
    from carellm.emotion.text import analyze_text

    if not HANDWRITTEN.is_file():
        return {"skipped": "tests/data/emotion/labelled.jsonl not found"}
    rows = [json.loads(line) for line in HANDWRITTEN.read_text(encoding="utf-8").splitlines() if line.strip()]
    out: dict[str, Any] = {}
    for lang in LANGS:
        mine = [r for r in rows if r["lang"] == lang]
        hits = [
            analyze_text(r["text"], lang, model=model, lexicon_share=share).primary == r["label"]
            for r in mine
        ]
        lexicon = [analyze_text(r["text"], lang, model=False).primary == r["label"] for r in mine]
        out[lang] = {
            "n": len(mine),
            "accuracy": bootstrap(hits).to_list(),
            "lexicon_only": round(float(np.mean(lexicon)), 4),
        }
    return out


def save(model: EmotionModel, weights: Path = WEIGHTS_FILE, config: Path = CONFIG_FILE) -> None:
    np.savez_compressed(
        weights,
        coef=model.coef.astype(np.float16),
        intercept=model.intercept,
        idf=model.idf.astype(np.float16),
    )
    meta = {**model.meta, "labels": list(model.labels), "known": {k: list(v) for k, v in model.known.items()}}
    config.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def train(
    data: Path,
    log: Callable[[str], None] = print,
    weights: Path = WEIGHTS_FILE,
    config: Path = CONFIG_FILE,
    manifest: Path = MANIFEST_FILE,
) -> dict[str, Any]:
    """Fit, choose on dev, save, then read the test split once; returns what docs/emotion.md reports."""
    splits = read_splits(data)
    started = time.time()
    model, chosen = fit(splits["train"], splits["dev"], log)
    share = float(model.meta["lexicon_share"])
    hashed_counts.cache_clear()
    summary: dict[str, Any] = {
        "counts": {k: dict(Counter(f"{r['lang']}:{r['label']}" for r in v)) for k, v in splits.items()},
        "dev_choice": chosen,
        "known_labels": {k: list(v) for k, v in model.known.items()},
        "dev": report(splits["dev"], predict(model, splits["dev"], share)),
        "goemotions_28": goemotions_28(data, log),
    }
    save(model, weights, config)
    n = write_manifest(
        manifest,
        (r["text"] for name in ("train", "dev") for r in splits[name]),
        "SHA-256 of the normalised text (carellm.safety.manifest.text_digest) of every text the\n"
        "emotion model was trained or tuned on (train + dev splits; docs/emotion.md).",
    )
    summary["manifest_texts"] = n
    # The test split, read once, at the end.
    summary["test_model_only"] = report(splits["test"], predict(model, splits["test"], None))
    summary["test"] = report(splits["test"], predict(model, splits["test"], share))
    summary["handwritten"] = handwritten(model, share)
    summary["seconds"] = round(time.time() - started)
    return summary


def build_data(out: Path, cache: Path, offline: bool = False, sources=None) -> dict[str, Any]:
    """The seven-label splits, plus GoEmotions' dev file as published (for the 28-label measure)."""
    import shutil

    from carellm.emotion.corpus import EMOTION_SOURCES, build_emotion_data
    from carellm.safety.corpus.fetch import cached_file

    sources = EMOTION_SOURCES if sources is None else sources
    summary = build_emotion_data(out, cache, offline, sources)
    for source in sources:
        if source.id == "en_goemotions":
            for pinned in source.files:
                if pinned.name == "dev.tsv":
                    shutil.copyfile(
                        cached_file(source.id, pinned, cache, offline), out / "goemotions_dev.tsv"
                    )
    return summary


def train_model(
    data: Path | None,
    out: Path | None = None,
    cache: Path | None = None,
    offline: bool = False,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """`carellm emotion train`: build from `cache` first when given, then train and save into `out`
    (default: the package's data folder, where the shipped model lives)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="carellm-emotion-") as scratch:
        if cache is not None:
            data = data or Path(scratch)
            build_data(data, cache, offline)
        assert data is not None
        if out is None:
            return train(data, log)
        out.mkdir(parents=True, exist_ok=True)
        return train(data, log, out / WEIGHTS_FILE.name, out / CONFIG_FILE.name, out / MANIFEST_FILE.name)
