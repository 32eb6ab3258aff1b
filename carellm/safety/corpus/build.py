"""Assemble the training set: read every source, drop duplicates and conflicts, split, write.

The split is decided by a hash of the row's group (an author where a source names one, else
the text itself), so the same text or the same person's posts never sit on both sides of a
split, and a rebuild gives the same split.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from carellm.errors import InputError
from carellm.safety.corpus.fetch import cached_file
from carellm.safety.manifest import text_digest

SPLITS = (("test", 0.15), ("dev", 0.15), ("train", 0.70))
MIN_CHARS = 4
MAX_CHARS = 6000  # long posts keep their start and end (what the model reads)


@dataclass
class LabelledText:
    """One real text with its crisis label, as a source states it (mapped to crisis/safe)."""

    text: str
    label: str  # "crisis" | "safe"
    lang: str  # "zh" | "en"
    source: str
    kind: str  # what the source calls it, e.g. "suicidal_post", "figurative", "everyday"
    group: str = ""  # author or thread, when the source names one


def split_of(group: str) -> str:
    """train/dev/test from a stable hash of the group."""
    value = int(hashlib.sha256(group.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF
    edge = 0.0
    for name, share in SPLITS:
        edge += share
        if value < edge:
            return name
    return SPLITS[-1][0]


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS // 2] + " … " + text[-MAX_CHARS // 2 :]


def merge(rows: Iterable[LabelledText], stats: Counter) -> Iterator[tuple[str, LabelledText]]:
    """Distinct texts (by manifest digest) with one label; a text labelled both ways is dropped."""
    seen: dict[str, LabelledText] = {}
    conflicts: set[str] = set()
    for row in rows:
        row.text = _clip(row.text)
        if len(row.text.strip()) < MIN_CHARS:
            stats[f"dropped:too_short:{row.source}"] += 1
            continue
        key = text_digest(row.text)
        if key in seen:
            if seen[key].label != row.label:
                conflicts.add(key)
            stats[f"dropped:duplicate:{row.source}"] += 1
            continue
        seen[key] = row
    for key in conflicts:
        stats[f"dropped:conflicting_labels:{seen[key].source}"] += 1
    for key, row in seen.items():
        if key not in conflicts:
            yield key, row


def build(sources: Sequence, out: Path, cache: Path, offline: bool = False) -> dict:
    """Fetch, read, merge and split `sources` into out/{train,dev,test}.jsonl; returns the counts."""
    out.mkdir(parents=True, exist_ok=True)
    stats: Counter = Counter()

    def read_all() -> Iterator[LabelledText]:
        for source in sources:
            files = {f.name: cached_file(source.id, f, cache, offline) for f in source.files}
            try:
                for row in source.read(files):
                    stats[f"read:{source.id}"] += 1
                    yield row
            except (KeyError, ValueError, SyntaxError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
                raise InputError(
                    f"{source.id}: its files are not in the format this reader expects ({exc!r}).",
                    "The pinned checksums matched, so the reader is wrong: report it.",
                ) from exc

    counts: dict[str, Counter] = defaultdict(Counter)
    handles = {name: (out / f"{name}.jsonl").open("w", encoding="utf-8") for name, _ in SPLITS}
    try:
        for key, row in merge(read_all(), stats):
            split = split_of(row.group or key)
            record = {"id": key[:16], **asdict(row)}
            record.pop("group")
            handles[split].write(json.dumps(record, ensure_ascii=False) + "\n")
            counts[split][f"{row.lang}:{row.label}"] += 1
            counts["by_source"][f"{row.source}:{row.lang}:{row.label}"] += 1
    finally:
        for handle in handles.values():
            handle.close()
    summary = {
        "splits": {name: dict(sorted(counts[name].items())) for name, _ in SPLITS},
        "by_source": dict(sorted(counts["by_source"].items())),
        "pipeline": dict(sorted(stats.items())),
        "sources": {s.id: [f.sha256 for f in s.files] for s in sources},
    }
    (out / "stats.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return summary


def read_split(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
