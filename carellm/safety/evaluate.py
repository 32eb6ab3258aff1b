"""Scoring the crisis layer (`carellm safety eval`) and the reply guard (`carellm safety eval-guard`)
on a labelled JSONL file."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from carellm.errors import InputError
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


def read_cases(path: Path) -> tuple[list[tuple[int, dict]], list[str]]:
    """(line number, record) pairs and messages for lines that could not be used."""
    if not path.is_file():
        raise InputError(f"No file at {path}.", "Give the path of a JSONL file with text and label fields.")
    cases: list[tuple[int, dict]] = []
    bad: list[str] = []
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                bad.append(f"line {number}: not valid JSON/UTF-8 ({type(exc).__name__})")
                continue
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                bad.append(f"line {number}: needs a string field 'text'")
                continue
            cases.append((number, record))
    return cases, bad


def evaluate(path: Path) -> EvalReport:
    """The crisis layer on lines labelled crisis / safe (recall = share of crisis flagged)."""
    cases, bad = read_cases(path)
    report = EvalReport(bad_lines=bad)
    for number, record in cases:
        label = record.get("label")
        if label not in {"crisis", "safe"}:
            report.bad_lines.append(f"line {number}: label must be 'crisis' or 'safe'")
            continue
        risk = assess(record["text"], record.get("lang"), record.get("history") or ())
        lang = record.get("lang") or risk.lang
        _tally(
            report,
            number,
            record,
            label == "crisis",
            risk.flagged,
            lang,
            record.get("kind"),
            level=risk.level,
        )
    return report


def evaluate_guard(path: Path) -> EvalReport:
    """The reply guard on model replies labelled block / allow (recall = block rate, false-positive
    rate = false blocks), per language and per `category` (the rule a blocked reply should break)."""
    cases, bad = read_cases(path)
    report = EvalReport(bad_lines=bad)
    for number, record in cases:
        label = record.get("label")
        if label not in {"block", "allow"}:
            report.bad_lines.append(f"line {number}: label must be 'block' or 'allow'")
            continue
        verdict = guard_reply(record["text"])
        lang = record.get("lang") or detect_lang(record["text"])
        _tally(
            report,
            number,
            record,
            label == "block",
            not verdict.ok,
            lang,
            record.get("category"),
            level="blocked" if not verdict.ok else "allowed",
            violations=verdict.violations,
        )
    return report


def _tally(
    report: EvalReport, number: int, record: dict, positive: bool, flagged: bool, lang: str, kind, **found
) -> None:
    """Count one judged line in the confusion cells, by language and kind, and keep its errors."""
    kind = kind or "unspecified"
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
