"""GoEmotions (google-research): Reddit comments with 27 emotions + neutral.

Two published shapes: the TSV splits (`text<TAB>label ids<TAB>comment id`, no header) and
the raw CSVs (one row per rater, one 0/1 column per emotion). Raw ratings are aggregated
per comment: an emotion is kept when at least `min_agree` raters chose it, as in the paper.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from carellm.data.converters.base import Item, Record, Reject
from carellm.data.io import open_text, read_text
from carellm.errors import InputError

# emotions.txt order: a TSV label id is an index into this list.
EMOTIONS = (
    "admiration",
    "amusement",
    "anger",
    "annoyance",
    "approval",
    "caring",
    "confusion",
    "curiosity",
    "desire",
    "disappointment",
    "disapproval",
    "disgust",
    "embarrassment",
    "excitement",
    "fear",
    "gratitude",
    "grief",
    "joy",
    "love",
    "nervousness",
    "optimism",
    "pride",
    "realization",
    "relief",
    "remorse",
    "sadness",
    "surprise",
    "neutral",
)
RAW_COLUMNS = ("text", "id", "rater_id", "example_very_unclear", *EMOTIONS)


def _record(comment_id: str, text: str, labels: list[str], licence: str, **at: int) -> Record:
    return Record(
        {
            "id": f"goemotions-{comment_id}",
            "source": "goemotions",
            "license": licence,
            "lang": "en",
            "messages": [{"role": "user", "content": text}],
            "labels": {"emotion": labels},
        },
        **at,
    )


def read_rows(path: Path, encoding: str) -> tuple[str, Iterator[tuple[int, Any]]]:
    """("tsv" | "raw", rows): the shape is told from the first line."""
    with open_text(path, encoding) as handle:
        first = handle.readline()
    if "rater_id" in first:
        return "raw", _raw_rows(path, encoding)
    if first.count("\t") >= 2:
        return "tsv", _tsv_rows(path, encoding)
    raise InputError(
        f"{path}: neither a GoEmotions TSV split (text, labels, id separated by tabs) nor a raw CSV.",
        "Use data/train.tsv|dev.tsv|test.tsv or data/full_dataset/goemotions_N.csv from the release.",
    )


def _tsv_rows(path: Path, encoding: str) -> Iterator[tuple[int, Any]]:
    with open_text(path, encoding) as handle:
        for lineno, line in enumerate(read_text(handle, path), 1):
            line = line.rstrip("\r\n")
            if line:
                parts = line.split("\t")
                yield lineno, parts if len(parts) == 3 else f"{len(parts)} tab-separated fields, need 3"


def _raw_rows(path: Path, encoding: str) -> Iterator[tuple[int, Any]]:
    with open_text(path, encoding) as handle:
        reader = csv.DictReader(read_text(handle, path))
        missing = [c for c in RAW_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{path}: missing columns {', '.join(missing)}.", "Is this goemotions_N.csv?")
        for row in reader:
            yield reader.line_num, row


def tsv_records(rows: Iterable[tuple[int, Any]], licence: str) -> Iterator[Item]:
    for lineno, row in rows:
        if isinstance(row, str):
            yield Reject("malformed row", line=lineno, detail=row)
            continue
        text, ids, comment_id = row
        try:
            labels = [EMOTIONS[int(i)] for i in ids.split(",")]
        except (ValueError, IndexError):
            yield Reject("bad label ids", line=lineno, detail=f"label ids must be 0-27, got {ids!r}")
            continue
        yield _record(comment_id, text, labels, licence, line=lineno)


def raw_records(rows: Iterable[tuple[int, Any]], licence: str, min_agree: int = 2) -> Iterator[Item]:
    """Aggregates rater rows per comment id (held in memory: the raw release is ~58k comments)."""
    comments: dict[str, dict[str, Any]] = {}
    for lineno, row in rows:
        try:
            votes = [int(row[e]) for e in EMOTIONS]
        except (TypeError, ValueError):
            yield Reject("malformed row", line=lineno, detail="emotion columns must be 0 or 1")
            continue
        entry = comments.setdefault(row["id"], {"line": lineno, "text": row["text"], "votes": [0] * 28})
        entry["votes"] = [a + b for a, b in zip(entry["votes"], votes, strict=False)]
    for comment_id, entry in comments.items():
        labels = [e for e, n in zip(EMOTIONS, entry["votes"], strict=False) if n >= min_agree]
        if not labels:
            yield Reject(
                "no rater agreement", line=entry["line"], detail=f"no emotion chosen by {min_agree} raters"
            )
            continue
        yield _record(comment_id, entry["text"], labels, licence, line=entry["line"])
