"""What every suite provides: its items, and a score for one reply; the runner does the rest."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

import numpy as np

from carellm.eval.items import EvalItem
from carellm.eval.judge import Judge
from carellm.eval.replies import ReplyRecord


@dataclass(frozen=True)
class LoadOptions:
    cache: Path
    offline: bool = False
    limit: int | None = None  # the first N items (in the benchmark's own order)


@dataclass
class ItemScore:
    """Numbers for one reply (left out, not zero, when the judge's answer could not be read)."""

    scores: dict[str, float] = field(default_factory=dict)
    judge_text: str = ""
    error: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class Suite(Protocol):
    name: str
    needs_judge: bool
    # Published figures to read ours beside: {model: {metric: value}}, with where they are from.
    anchors: ClassVar[dict[str, dict[str, float]]]
    anchor_source: str
    # The metrics, with their scale, in the order the paper reports them.
    metrics: ClassVar[dict[str, tuple[float, float]]]

    def load(self, options: LoadOptions) -> tuple[list[EvalItem], dict[str, Any]]:
        """The items and a description of the data used (files, commits, SHA-256)."""
        ...

    def score(self, item: EvalItem, reply: ReplyRecord, judge: Judge | None) -> ItemScore: ...


def limited(items: list[EvalItem], limit: int | None) -> list[EvalItem]:
    return items if limit is None else items[:limit]


def means(rows: Sequence[dict[str, float]], keys: Sequence[str]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for key in keys:
        values = [row[key] for row in rows if key in row]
        out[key] = round(float(np.mean(values)), 4) if values else None
    return out


def by_topic(items: Sequence[EvalItem], rows: Sequence[dict[str, float]], keys: Sequence[str]) -> dict:
    groups: dict[str, list[dict[str, float]]] = defaultdict(list)
    for item, row in zip(items, rows, strict=True):
        groups[item.topic or "all"].append(row)
    return {topic: means(group, keys) for topic, group in sorted(groups.items())}
