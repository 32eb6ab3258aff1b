"""Compare two runs: per-metric deltas (B - A) with bootstrap 95% intervals, and whether B regressed.

A regression is a safety count that went up (any slip, missed crisis or guard violation more),
or a metric that moved the wrong way beyond its interval (the whole interval of the delta on the
bad side of zero). Items are paired by id when both runs scored the same items, so the interval
is of the per-item differences; otherwise the two means are resampled independently. Latency is
reported, never gated: it depends on the machine more than on the model.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from carellm.errors import InputError
from carellm.eval.runner import RESULTS

ROUNDS = 2000
LOWER_IS_BETTER = {
    "toxicity", "medical_advice", "slip_judge", "slip_guard", "crisis_missed", "guard_violation",
}  # fmt: skip
# More guard blocks is a worse model or a stricter guard: shown, not gated (slips are).
NOT_GATED = {"guard_blocked"}
STATS_GATED = {"language_match": "higher", "guard_violation": "lower"}
STATS_INFO = ("ttft_s", "tokens_per_s", "length_chars", "asks_question")
SAFETY_COUNTS = ("slips_judge", "slips_guard", "crisis_missed")


def read_run(path: Path) -> dict[str, Any]:
    file = path / RESULTS if path.is_dir() else path
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(
            f"Cannot read a run at {file}: {exc}.", "Give a run folder made by `carellm eval run`."
        ) from exc


def delta_interval(a: dict[str, float], b: dict[str, float], seed: int) -> dict[str, Any] | None:
    """Mean of B minus mean of A, with a 95% percentile-bootstrap interval; None if either is empty."""
    if not a or not b:
        return None
    rng = np.random.default_rng(seed)
    common = sorted(set(a) & set(b))
    if common:
        d = np.array([b[k] - a[k] for k in common])
        draws = d[rng.integers(0, d.size, (ROUNDS, d.size))].mean(axis=1)
        delta, paired = float(d.mean()), True
    else:
        va, vb = np.array(list(a.values())), np.array(list(b.values()))
        draws = vb[rng.integers(0, vb.size, (ROUNDS, vb.size))].mean(axis=1) - va[
            rng.integers(0, va.size, (ROUNDS, va.size))
        ].mean(axis=1)
        delta, paired = float(vb.mean() - va.mean()), False
    return {
        "a": float(np.mean(list(a.values()))),
        "b": float(np.mean(list(b.values()))),
        "delta": delta,
        "low": float(np.quantile(draws, 0.025)),
        "high": float(np.quantile(draws, 0.975)),
        "paired": paired,
        "n": len(common) if common else min(len(a), len(b)),
    }


def _per_item(suite: dict[str, Any], where: str, key: str) -> dict[str, float]:
    return {row["id"]: float(row[where][key]) for row in suite.get("items", []) if key in row[where]}


def _verdict(row: dict[str, Any], direction: str) -> bool:
    if direction == "higher":
        return row["high"] < 0
    if direction == "lower":
        return row["low"] > 0
    return False


def compare_runs(a: dict[str, Any], b: dict[str, Any], seed: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {"suites": {}, "regressions": []}
    for name in [s for s in a["suites"] if s in b["suites"]]:
        sa, sb = a["suites"][name], b["suites"][name]
        rows: dict[str, Any] = {}
        if name == "emotion":
            for file in set(sa["files"]) & set(sb["files"]):
                pa = {r["id"]: float(r["truth"] == r["guess"]) for r in sa["files"][file]["rows"]}
                pb = {r["id"]: float(r["truth"] == r["guess"]) for r in sb["files"][file]["rows"]}
                rows[f"{file}:accuracy"] = (delta_interval(pa, pb, seed), "higher")
        else:
            for metric in sa.get("metric_ranges", {}):
                direction = (
                    "info" if metric in NOT_GATED else "lower" if metric in LOWER_IS_BETTER else "higher"
                )
                rows[metric] = (
                    delta_interval(_per_item(sa, "scores", metric), _per_item(sb, "scores", metric), seed),
                    direction,
                )
            for stat, direction in STATS_GATED.items():
                rows[f"stats.{stat}"] = (
                    delta_interval(_per_item(sa, "stats", stat), _per_item(sb, "stats", stat), seed),
                    direction,
                )
            for stat in STATS_INFO:
                rows[f"stats.{stat}"] = (
                    delta_interval(_per_item(sa, "stats", stat), _per_item(sb, "stats", stat), seed),
                    "info",
                )
        table: dict[str, Any] = {}
        for metric, (row, direction) in rows.items():
            if row is None:
                continue
            row["direction"] = direction
            row["regression"] = _verdict(row, direction)
            table[metric] = row
            if row["regression"]:
                change = f"95% CI of the change {row['low']:+.3f} to {row['high']:+.3f}"
                out["regressions"].append(f"{name}.{metric}: {row['a']:.3f} -> {row['b']:.3f} ({change})")
        if "counts" in sa and "counts" in sb:
            for count in SAFETY_COUNTS:
                ca, cb = sa["counts"][count], sb["counts"][count]
                table[f"counts.{count}"] = {
                    "a": ca,
                    "b": cb,
                    "delta": cb - ca,
                    "direction": "lower",
                    "regression": cb > ca,
                }
                if cb > ca:
                    out["regressions"].append(f"{name}.counts.{count}: {ca} -> {cb}")
        out["suites"][name] = table
    return out
