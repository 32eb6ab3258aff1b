"""Mixing schema files by weight, with per-source caps and licence bookkeeping.

Two streaming passes: the first counts records and licences per source, the second writes
the randomly chosen records, interleaved at random in proportion to what is left of each
source. Only the chosen line numbers are held in memory.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from carellm.data.io import JsonlWriter, iter_jsonl, read_conversations, require_file
from carellm.data.licences import allows_commercial
from carellm.errors import InputError


@dataclass
class MixSource:
    path: Path
    weight: float
    count: int = 0
    licences: Counter[str] = field(default_factory=Counter)
    take: int = 0


def parse_spec(spec: str) -> tuple[Path, float]:
    """`file.jsonl:0.7` → (path, 0.7)."""
    path, sep, weight = spec.rpartition(":")
    try:
        value = float(weight) if sep else float("nan")
    except ValueError:
        value = float("nan")
    if not path or not value > 0:
        raise InputError(f"Bad mix source {spec!r}.", "Write FILE:WEIGHT with a weight > 0, e.g. a.jsonl:0.7")
    return Path(path), value


def _survey(source: MixSource) -> None:
    for conv in read_conversations(require_file(source.path)):
        source.count += 1
        source.licences[conv.license] += 1


def plan(sources: list[MixSource], cap: int | None, total: int | None) -> None:
    """Set `take` per source: proportional to weight, never more than it has or than `cap`."""
    norm = sum(s.weight for s in sources)
    limits = [min(s.count, cap) if cap else s.count for s in sources]
    # The largest mix that honours every weight without repeating records.
    largest = min(limit / (s.weight / norm) for s, limit in zip(sources, limits, strict=True))
    size = min(total, largest) if total else largest
    for s, limit in zip(sources, limits, strict=True):
        s.take = min(limit, round(size * s.weight / norm))


def check_commercial(sources: list[MixSource]) -> None:
    for s in sources:
        for licence in s.licences:
            if allows_commercial(licence) is not True:
                raise InputError(
                    f"{s.path} has records under {licence!r}, which "
                    f"{'does not allow' if allows_commercial(licence) is False else 'is not known to allow'}"
                    " commercial use; refusing a mix marked --commercial.",
                    "Drop that source or build a non-commercial mix (no --commercial).",
                )


def _chosen_lines(source: MixSource, rng: random.Random) -> Iterator[str]:
    chosen = set(rng.sample(range(source.count), source.take))
    for index, (_lineno, obj) in enumerate(iter_jsonl(source.path)):
        if index in chosen:
            yield json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def mix(
    specs: list[str],
    out: Path,
    *,
    seed: int = 0,
    cap: int | None = None,
    total: int | None = None,
    commercial: bool = False,
) -> dict:
    """Writes `out` and `out` with suffix .licences.json; returns that summary."""
    if not specs:
        raise InputError("No sources to mix.", "carellm data mix a.jsonl:0.7 b.jsonl:0.3 --out mix.jsonl")
    sources = [MixSource(*parse_spec(spec)) for spec in specs]
    for source in sources:
        _survey(source)
        if source.count == 0:
            raise InputError(f"{source.path} has no records.", "Remove it from the mix.")
    if commercial:
        check_commercial(sources)
    plan(sources, cap, total)
    rng = random.Random(seed)
    streams = [_chosen_lines(s, rng) for s in sources]
    left = [s.take for s in sources]
    mixed: Counter[str] = Counter()
    with out.open("w", encoding="utf-8") as handle:
        while any(left):
            i = rng.choices(range(len(sources)), weights=left)[0]
            line = next(streams[i])
            handle.write(line + "\n")
            mixed[json.loads(line)["license"]] += 1
            left[i] -= 1
    summary = {
        "out": str(out),
        "seed": seed,
        "commercial": commercial,
        "records": sum(s.take for s in sources),
        "sources": [
            {
                "path": str(s.path),
                "weight": s.weight,
                "available": s.count,
                "taken": s.take,
                "licences": dict(s.licences),
            }
            for s in sources
        ],
        "licences": dict(mixed),
    }
    with JsonlWriter(out.with_suffix(".licences.json")) as writer:
        writer.write(summary)
    return summary
