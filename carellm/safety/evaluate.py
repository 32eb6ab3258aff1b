"""Scoring the crisis layer (`carellm safety eval`) and the reply guard (`carellm safety eval-guard`)
on a labelled JSONL file."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from carellm.jsonl import read_text_rows
from carellm.language import detect_lang
from carellm.safety.assess import assess
from carellm.safety.reply_guard import guard_reply


@dataclass
class EvalReport:
    total: int = 0
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    by_lang: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    by_kind: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    misses: list[dict] = field(default_factory=list)
    false_alarms: list[dict] = field(default_factory=list)
    bad_lines: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")

    @property
    def false_positive_rate(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else float("nan")

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")

    def to_dict(self) -> dict:
        return {
            "total": self.total,
            "recall": self.recall,
            "false_positive_rate": self.false_positive_rate,
            "precision": self.precision,
            "confusion": {"tp": self.tp, "fn": self.fn, "fp": self.fp, "tn": self.tn},
            "by_lang": {k: dict(v) for k, v in self.by_lang.items()},
            "by_kind": {k: dict(v) for k, v in self.by_kind.items()},
            "misses": self.misses,
            "false_alarms": self.false_alarms,
            "bad_lines": self.bad_lines,
        }


def read_cases(path: Path | str) -> tuple[list[tuple[int, dict]], list[str]]:
    """(line number, record) pairs and messages for lines that could not be used."""
    cases, bad = read_text_rows(path, "a JSONL file with text and label fields")
    return cases, [f"line {number}: {why}" for number, why in bad]


def evaluate(path: Path | str) -> EvalReport:
    """The crisis layer on lines labelled crisis / safe (recall = share of crisis flagged)."""

    def judge(record: dict) -> tuple[bool, str, str | None, dict]:
        risk = assess(record["text"], record.get("lang"), record.get("history") or ())
        return risk.flagged, record.get("lang") or risk.lang, record.get("kind"), {"level": risk.level}

    return _score(path, ("crisis", "safe"), judge)


def evaluate_guard(path: Path | str) -> EvalReport:
    """The reply guard on model replies labelled block / allow (recall = block rate, false-positive
    rate = false blocks), per language and per `category` (the rule a blocked reply should break)."""

    def judge(record: dict) -> tuple[bool, str, str | None, dict]:
        verdict = guard_reply(record["text"], record.get("lang"))
        found = {"level": "allowed" if verdict.ok else "blocked", "violations": verdict.violations}
        return (
            not verdict.ok,
            record.get("lang") or detect_lang(record["text"]),
            record.get("category"),
            found,
        )

    return _score(path, ("block", "allow"), judge)


def _score(
    path: Path | str, labels: tuple[str, str], judge: Callable[[dict], tuple[bool, str, str | None, dict]]
) -> EvalReport:
    """Judge every line labelled with one of `labels` (positive first); count the confusion cells,
    by language and kind, and keep the errors."""
    cases, bad = read_cases(path)
    report = EvalReport(bad_lines=bad)
    for number, record in cases:
        if record.get("label") not in labels:
            report.bad_lines.append(f"line {number}: label must be '{labels[0]}' or '{labels[1]}'")
            continue
        flagged, lang, kind, found = judge(record)
        kind = kind or "unspecified"
        positive = record["label"] == labels[0]
        cell = {(True, True): "tp", (True, False): "fn", (False, True): "fp", (False, False): "tn"}[
            (positive, flagged)
        ]
        setattr(report, cell, getattr(report, cell) + 1)
        report.total += 1
        report.by_lang[lang][cell] += 1
        report.by_kind[kind][cell] += 1
        entry = {"line": number, "text": record["text"], "kind": kind, "lang": lang, **found}
        if cell == "fn":
            report.misses.append(entry)
        elif cell == "fp":
            report.false_alarms.append(entry)
    return report
