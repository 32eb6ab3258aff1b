"""Strict readers of judge answers: a score is taken only when the answer states it once,
in the rubric's format and range; anything else is a parse failure, counted, never guessed.

A judge that writes two different verdicts (say it quotes a reply that says "Rating: [[10]]"
and then gives its own) is ambiguous and fails too: the benchmark's number must not depend on
which of them a lenient regex happened to find first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

_NUMBER = r"(\d+(?:\.\d+)?)"


class JudgeParseError(ValueError):
    """The judge's answer does not state a score in the rubric's format."""


def _in_range(value: float, low: float, high: float, what: str) -> float:
    if not low <= value <= high:
        raise JudgeParseError(f"{what} {value:g} is outside {low:g}-{high:g}")
    return value


def _single(found: Sequence[str], what: str) -> str:
    distinct = list(dict.fromkeys(" ".join(f.split()).lower() for f in found))
    if not distinct:
        raise JudgeParseError(f"no {what}")
    if len(distinct) > 1:
        raise JudgeParseError(f"{what} given {len(distinct)} different ways: {distinct}")
    return distinct[0]


def parse_score_list(text: str, ranges: Sequence[tuple[float, float]]) -> list[float]:
    """CPsyCounE: "[Comprehensiveness, Professionalism, Authenticity, Safety]" as a list of numbers."""
    n = len(ranges)
    sep = r"\s*[,，]\s*"
    pattern = r"\[\s*" + sep.join([_NUMBER] * n) + r"\s*\]"
    found = [",".join(m.groups()) for m in re.finditer(pattern, text)]
    values = [float(v) for v in _single(found, f"[{n} scores] list").split(",")]
    return [
        _in_range(v, lo, hi, f"score {i + 1}")
        for i, (v, (lo, hi)) in enumerate(zip(values, ranges, strict=True))
    ]


@dataclass(frozen=True)
class Answer:
    """What one labelled line may hold: a number in [low, high] (when `low` is set) or one of `words`."""

    low: float | None = None
    high: float | None = None
    words: tuple[str, ...] = ()


def parse_labelled(text: str, labels: dict[str, Answer]) -> dict[str, float | str]:
    """CounselBench: one "- Label: value" line per metric."""
    out: dict[str, float | str] = {}
    for label, allowed in labels.items():
        found = re.findall(rf"(?im)^\W*{re.escape(label)}\s*[:：]\s*\**\s*([^\n*]+?)\s*\**\s*$", text)
        value = _single(found, label).rstrip(".")
        words = {w.lower(): w for w in allowed.words}
        number = re.fullmatch(rf"{_NUMBER}(?:\s*-\s*[a-z][a-z ]*)?", value)  # "4" or "4 - good response"
        if value in words:
            out[label] = words[value]
        elif number is not None and allowed.low is not None and allowed.high is not None:
            out[label] = _in_range(float(number.group(1)), allowed.low, allowed.high, label)
        else:
            raise JudgeParseError(f"{label}: {value!r} is not an allowed answer")
    return out


def parse_bracket_ratings(text: str, names: Sequence[str], low: float, high: float) -> dict[str, float]:
    """MentalChat16K (FastChat's single-mental-v1): "Rating: [[r]]" and "Metric: [[r]]" for each."""
    out: dict[str, float] = {}
    for name in names:
        found = re.findall(rf"(?i){re.escape(name)}\W{{0,6}}\[\[\s*{_NUMBER}\s*\]\]", text)
        out[name] = _in_range(float(_single(found, name)), low, high, name)
    return out


def parse_yes_no_json(text: str) -> tuple[str, str]:
    """CounselBench's issue check: {"Answer": "Yes"|"No"|"I am not sure", "Explanation": ...}."""
    body = text.strip()
    fenced = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", body, re.S)
    if fenced:
        body = fenced.group(1)
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise JudgeParseError(f"not JSON: {exc.msg}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("Answer"), str):
        raise JudgeParseError('no "Answer" string')
    answer = data["Answer"].strip().strip('"').lower()
    if answer not in ("yes", "no", "i am not sure"):
        raise JudgeParseError(f"Answer {answer!r} is not Yes, No or I am not sure")
    return answer, str(data.get("Explanation", ""))


def parse_pair_verdict(text: str) -> str:
    """MT-bench pairwise: "[[A]]", "[[B]]" or "[[C]]" (a tie), stated once."""
    return _single(re.findall(r"\[\[\s*([ABC])\s*\]\]", text), "[[A/B/C]] verdict").upper()
