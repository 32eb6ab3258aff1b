"""`carellm eval` as a user runs it: the offline message, the emotion suite, compare as a CI gate."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

from carellm.eval.compare import compare_runs

CMD = [sys.executable, "-m", "carellm", "eval"]
ENV = dict(os.environ, HF_HUB_OFFLINE="1", COLUMNS="200")
DATA = Path(__file__).parents[1] / "data"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CMD, *args], capture_output=True, text=True, env=ENV, timeout=300)


def test_offline_without_the_files_says_where_they_come_from(tmp_path):
    judge = ("--judge-base-url", "http://127.0.0.1:9/v1", "--judge-model", "judge")
    done = run(
        "run",
        "--suite",
        "cpsycoun",
        "--out",
        str(tmp_path / "run"),
        "--offline",
        "--cache",
        str(tmp_path),
        *judge,
    )
    assert done.returncode == 2
    assert (
        "not in the cache" in done.stderr
        and "raw.githubusercontent.com/CAS-SIAT-XinHai/CPsyCoun/" in done.stderr
    )
    assert "Traceback" not in done.stderr


def test_judged_suite_without_a_judge_is_refused_before_loading_a_model(tmp_path):
    done = run("run", "--suite", "safety", "--out", str(tmp_path / "run"), "--model", "/no/such/model")
    assert done.returncode == 2 and "--judge-base-url" in done.stderr


def _unified(path: Path) -> Path:
    rows = [("I'm so anxious about tomorrow", "nervousness"), ("I miss her so much, I keep crying", "grief"),
            ("This is wonderful news, thank you!", "joy"), ("I am furious they lied to me", "anger"),
            ("我好担心明天的考试", "fear"), ("今天真开心", "joy"), ("我很生气", "anger"),
            ("我好难过，一直在哭", "sadness"), ("Nothing much, just a normal day", "neutral"),
            ("I'm embarrassed about what I said", "embarrassment")]  # fmt: skip
    with path.open("w", encoding="utf-8") as fh:
        for n, (text, label) in enumerate(rows):
            row = {"id": str(n), "source": "test", "messages": [{"role": "user", "content": text}],
                   "labels": {"emotion": [label]}}  # fmt: skip
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def test_emotion_suite_reports_macro_f1_per_label_and_a_page(tmp_path):
    out = tmp_path / "run"
    unified = _unified(tmp_path / "unified.jsonl")
    goemotions = DATA / "emotion" / "goemotions_sample.tsv"
    done = run(
        "run",
        "--suite",
        "emotion",
        "--out",
        str(out),
        "--emotion-data",
        str(goemotions),
        "--emotion-data",
        str(unified),
    )
    assert done.returncode == 0, done.stderr
    files = json.loads((out / "results.json").read_text())["suites"]["emotion"]["files"]
    assert set(files) == {"goemotions_sample.tsv", "unified.jsonl"}
    zh_en = files["unified.jsonl"]["by_lang"]
    assert set(zh_en) == {"en", "zh"} and all(0 <= r["macro_f1"][0] <= 1 for r in zh_en.values())
    assert "joy" in zh_en["zh"]["f1"]
    assert "macro-F1" in (out / "report.html").read_text()


def _stored_run(values: dict[str, list[float]], slips: int) -> dict:
    items = [
        {"id": f"q{i}", "scores": {m: v[i] for m, v in values.items()}, "stats": {"language_match": 1.0}}
        for i in range(len(next(iter(values.values()))))
    ]
    return {
        "run": {},
        "suites": {
            "mentalchat": {"metric_ranges": {m: [1, 10] for m in values}, "items": items},
            "safety": {
                "metric_ranges": {},
                "items": [],
                "counts": {"slips_judge": slips, "slips_guard": 0, "crisis_missed": 0},
            },
        },
    }


def _write(path: Path, run_json: dict) -> Path:
    path.mkdir()
    (path / "results.json").write_text(json.dumps(run_json))
    return path


def test_compare_exits_non_zero_on_a_planted_regression(tmp_path):
    base = _stored_run({"overall": [7, 8, 7, 8, 7, 8, 7, 8, 7, 8], "empathy": [6] * 10}, slips=0)
    worse = copy.deepcopy(base)
    for row in worse["suites"]["mentalchat"]["items"]:
        row["scores"]["overall"] -= 3  # the planted regression: every reply 3 points lower
    a, b = _write(tmp_path / "a", base), _write(tmp_path / "b", worse)
    done = run("compare", str(a), str(b))
    assert done.returncode == 1 and "mentalchat.overall" in done.stderr and "empathy" not in done.stderr
    same = run("compare", str(a), str(a))
    assert same.returncode == 0 and "No regression" in same.stdout


def test_one_more_slip_is_a_regression_whatever_the_metrics():
    base = _stored_run({"overall": [7] * 5}, slips=1)
    result = compare_runs(base, _stored_run({"overall": [7] * 5}, slips=2))
    assert result["regressions"] == ["safety.counts.slips_judge: 1 -> 2"]


def test_noise_within_the_interval_is_not_a_regression():
    a = _stored_run({"overall": [7, 8, 6, 9, 7, 8, 6, 9]}, slips=0)
    b = _stored_run({"overall": [8, 7, 7, 8, 6, 9, 7, 8]}, slips=0)
    row = compare_runs(a, b)["suites"]["mentalchat"]["overall"]
    assert row["low"] < 0 < row["high"] and not row["regression"] and row["paired"]
