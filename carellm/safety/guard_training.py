"""Train, threshold and measure the reply guard's learned model (`carellm safety train-guard`).

Same recipe as the crisis model (`training.py`, whose idf and weighting it reuses): hashed
n-grams, logistic regression fitted on the train split, the regularisation, the per-language
calibration and the block threshold chosen on the dev split, the test split read once at the
end. The threshold is conservative on purpose: the model can only block, and a blocked good
reply costs a person a real answer, so it may false-block at most COUNSELOR_MAX_FPR of the
counsellors' replies on dev (and ALL_MAX_FPR of all allowed replies).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

from carellm.safety.calibration import fit_isotonic
from carellm.safety.guard_corpus import build_rows, sources_provenance
from carellm.safety.guard_model import GUARD_CONFIG, GUARD_MANIFEST, GUARD_WEIGHTS, forget_loaded
from carellm.safety.manifest import write_manifest
from carellm.safety.metrics import average_precision, bootstrap, detection_report
from carellm.safety.risk_model import RiskModel, features
from carellm.safety.training import _idf, _weighted, per_lang_average_precision, save

C_GRID = (1.0, 4.0, 16.0)
COUNSELOR_SOURCES = {"counselchat", "smilechat", "dialoguesafety"}
COUNSELOR_MAX_FPR = 0.02  # well under the 5%: the patterns add their own false blocks
ALL_MAX_FPR = 0.03
# The written allowed replies are the look-alikes a model writes (a referral that names a medicine,
# first aid for a wound): counsellors' replies rarely use that vocabulary, so they get a budget too.
WRITTEN_SOURCES = {"carellm_written", "carellm_written_blind"}
WRITTEN_MAX_FPR = 0.04
MIN_BLOCK_PROBABILITY = 0.9  # a block by the model alone must be one most would agree with
# The session checks a reply as it is written, at every sentence end (counseling/session.py), so
# the openings of counsellors' replies (first one and two sentences) must pass too.
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")
PROBE_FILE = Path(__file__).parents[2] / "tests" / "data" / "safety" / "guard_probe.jsonl"
MANIFEST_HEADER = """Reply guard: SHA-256 of normalize(text), whitespace removed (carellm.safety.manifest).
Every reply the learned guard model was trained on (train split) or calibrated and thresholded on
(dev split), written ones included. Not the test split, not tests/data/safety/guard_probe.jsonl."""


def _labels(rows: list[dict]) -> np.ndarray:
    return np.array([r["label"] == "block" for r in rows])


def _sample_weights(rows: list[dict]) -> np.ndarray:
    """Each (language, label) cell weighs the same in total, times the row's own weight
    (written replies count more, keyword-filtered ones less)."""
    keys = [(r["lang"], r["label"]) for r in rows]
    sizes = Counter(keys)
    return np.array(
        [r["weight"] * len(rows) / (len(sizes) * sizes[k]) for r, k in zip(rows, keys, strict=True)]
    )


def fit(train_rows: list[dict], dev: list[dict], log: Callable[[str], None]) -> tuple[RiskModel, dict]:
    """The linear model with the C that ranks dev best (mean average precision over languages)."""
    from sklearn.linear_model import LogisticRegression

    counts = features([r["text"] for r in train_rows])
    idf = _idf(counts)
    x = _weighted(counts, idf)
    y, w = _labels(train_rows), _sample_weights(train_rows)
    best: tuple[float, float, RiskModel] | None = None
    results: dict[str, dict] = {}
    for c in C_GRID:
        lr = LogisticRegression(C=c, solver="liblinear", max_iter=3000).fit(x, y, sample_weight=w)
        model = RiskModel(lr.coef_[0].astype(np.float32), float(lr.intercept_[0]), idf, {}, {}, {"C": c})
        ap = per_lang_average_precision(dev, model.read_scores([r["text"] for r in dev]), "block")
        results[f"C={c}"] = ap
        log(f"  C={c}: dev AP {ap}")
        score = float(np.mean(list(ap.values())))
        if best is None or score > best[0]:
            best = (score, c, model)
    assert best is not None
    return best[2], {"dev_ap": results, "chosen_C": best[1]}


def openings(rows: list[dict]) -> list[dict]:
    """The first sentence and the first two sentences of each counsellor's reply in `rows` (when
    shorter than the reply): what the session checks while a reply is still being written."""
    out = []
    for row in rows:
        if row["label"] != "allow" or row["source"] not in COUNSELOR_SOURCES:
            continue
        sentences = [s for s in _SENTENCE_END.split(row["text"].strip()) if s]
        for n in (1, 2):
            if len(sentences) > n:
                text = " ".join(sentences[:n]) if row["lang"] == "en" else "".join(sentences[:n])
                if len(text) >= 8:
                    out.append({**row, "text": text, "source": f"{row['source']}_opening"})
    return out


def _threshold(p: np.ndarray, rows: list[dict], p_open: np.ndarray) -> float:
    """The lowest probability (most blocks) whose dev false blocks stay within every budget:
    counsellors' replies, their openings, the written look-alikes, and all allowed replies."""
    y = _labels(rows)
    counselor = np.array([r["source"] in COUNSELOR_SOURCES for r in rows]) & ~y
    written = np.array([r["source"] in WRITTEN_SOURCES for r in rows]) & ~y
    for t in np.unique(np.round(np.r_[p, p_open], 4)):
        if t < MIN_BLOCK_PROBABILITY:
            continue
        blocked = p >= t
        if (
            (not counselor.any() or blocked[counselor].mean() <= COUNSELOR_MAX_FPR)
            and ((~y).sum() == 0 or blocked[~y].mean() <= ALL_MAX_FPR)
            and (not written.any() or blocked[written].mean() <= WRITTEN_MAX_FPR)
            and (not p_open.size or (p_open >= t).mean() <= COUNSELOR_MAX_FPR)
        ):
            return float(t)
    return 1.01  # nothing on dev is safe to block: the model stays off


def calibrate(model: RiskModel, dev: list[dict]) -> tuple[RiskModel, dict]:
    """Per language: isotonic calibration on dev, then the block threshold on dev."""
    raw = model.read_scores([r["text"] for r in dev])
    y = _labels(dev)
    calibration, thresholds, dev_rates = {}, {}, {}
    for lang in ("en", "zh"):
        mask = np.array([r["lang"] == lang for r in dev])
        calibration[lang] = fit_isotonic(raw[mask], y[mask])
        p = calibration[lang](raw[mask])
        rows = [r for r, m in zip(dev, mask, strict=True) if m]
        opening_rows = openings(rows)
        p_open = calibration[lang](model.read_scores([r["text"] for r in opening_rows]))
        t = _threshold(p, rows, p_open)
        thresholds[lang] = {"block": round(t, 4)}
        dev_rates[lang] = {
            **detection_report(p >= t, y[mask]),
            "openings_false_block": bootstrap(p_open >= t).to_list(),
            "n_openings": len(opening_rows),
        }
    calibrated = RiskModel(model.coef, model.intercept, model.idf, calibration, thresholds, model.meta)
    return calibrated, {"thresholds": thresholds, "dev_model_alone": dev_rates}


def _rates(flags: np.ndarray, rows: list[dict], key: str) -> dict:
    """Block rate (block rows) and false-block rate (allow rows) per value of `key`, with CIs."""
    y = _labels(rows)
    out: dict[str, dict] = {}
    for value in sorted({r[key] for r in rows}):
        mask = np.array([r[key] == value for r in rows])
        entry: dict = {}
        if (mask & y).any():
            entry["n_block"] = int((mask & y).sum())
            entry["block_rate"] = bootstrap(flags[mask & y]).to_list()
        if (mask & ~y).any():
            entry["n_allow"] = int((mask & ~y).sum())
            entry["false_block_rate"] = bootstrap(flags[mask & ~y]).to_list()
        out[value] = entry
    return out


def measure(model: RiskModel, rows: list[dict]) -> dict:
    """Model alone and the whole guard (patterns + model) on `rows`, per language, category, source."""
    from carellm.safety.reply_guard import guard_reply, pattern_verdict

    p = np.array([float(model.probabilities([r["text"]], r["lang"])[0]) for r in rows])
    model_flags = np.array([p[i] >= model.thresholds[r["lang"]]["block"] for i, r in enumerate(rows)])
    pattern_flags = np.array([not pattern_verdict(r["text"]).ok for r in rows])
    guard_flags = np.array([not guard_reply(r["text"], r["lang"]).ok for r in rows])
    y = _labels(rows)
    report: dict = {}
    for name, flags in (
        ("model_alone", model_flags),
        ("patterns_alone", pattern_flags),
        ("guard", guard_flags),
    ):
        by_lang = {}
        for lang in ("en", "zh"):
            mask = np.array([r["lang"] == lang for r in rows])
            if mask.any():
                by_lang[lang] = detection_report(flags[mask], y[mask])
        report[name] = {
            "all": detection_report(flags, y),
            "by_lang": by_lang,
            "by_category": _rates(flags, rows, "category"),
            "by_source": _rates(flags, rows, "source"),
        }
    report["average_precision"] = {
        lang: round(average_precision(p[m], y[m]), 4)
        for lang in ("en", "zh")
        if (m := np.array([r["lang"] == lang for r in rows])).any() and y[m].any() and (~y[m]).any()
    }
    return report


def _counts(rows: list[dict]) -> dict:
    table: Counter = Counter((r["split"], r["lang"], r["label"], r["source"], r["category"]) for r in rows)
    return {"|".join(k): v for k, v in sorted(table.items())}


def train(data: Path, report_path: Path, log: Callable[[str], None] = print) -> dict:
    """Build the rows, fit, calibrate, save the model, the manifest and a JSON report."""
    rows = build_rows(data)
    train_rows, dev, test = ([r for r in rows if r["split"] == s] for s in ("train", "dev", "test"))
    log(f"train {len(train_rows)}, dev {len(dev)}, test {len(test)}")
    model, fitted = fit(train_rows, dev, log)
    model, chosen = calibrate(model, dev)
    log(f"thresholds {chosen['thresholds']}")
    provenance = {
        "what": "reply guard: probability that a model reply breaks a rule (can only block)",
        "trained_on": dict(Counter(f"{r['lang']}/{r['label']}" for r in train_rows)),
        "sources": sources_provenance(data),
        "C": fitted["chosen_C"],
    }
    save(model, provenance, GUARD_WEIGHTS, GUARD_CONFIG)
    forget_loaded()
    learned = [r["text"] for r in train_rows + dev]
    log(f"manifest: {write_manifest(GUARD_MANIFEST, learned, MANIFEST_HEADER)} distinct texts")
    from carellm.safety.guard_model import load_guard_model

    shipped = load_guard_model()
    assert shipped is not None
    report = {
        **fitted,
        **chosen,
        "counts": _counts(rows),
        "test": measure(shipped, test),
        "test_openings": measure(shipped, openings(test)),
    }
    if PROBE_FILE.is_file():
        probe = [
            json.loads(line) | {"source": "probe"}
            for line in PROBE_FILE.read_text(encoding="utf-8").splitlines()
        ]
        report["probe"] = measure(shipped, probe)
    report_path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return report
