"""Mix several CareLLM JSONL files in given proportions, with per-source caps and licences.

`mix([("a.jsonl", 0.7, None), ("b.jsonl", 0.3, 1000)], out, seed=0)`: the weights are the
share of each source in the output. The output is as large as possible such that every
source can supply its share without repeating records (no upsampling) and without
exceeding its cap, or `total` when that is given and reachable. Which records are taken is
decided by the seed; the output interleaves sources at random (seeded) while each file is
read once, in order, so memory holds only the chosen indices.

Every record keeps its licence; the summary counts them, and a set marked commercial is
refused when any source's licence does not allow commercial use.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carellm.data.io import JsonlWriter, Reject, iter_conversations
from carellm.data.licences import non_commercial
from carellm.data.schema import Conversation
from carellm.errors import InputError


@dataclass
class Source:
    path: Path
    weight: float
    cap: int | None = None
    available: int = 0
    take: int = 0


def parse_source(spec: str) -> Source:
    """`FILE:WEIGHT` or `FILE:WEIGHT:CAP`."""
    parts = spec.rsplit(":", 2)
    try:
        if len(parts) == 3 and parts[1].replace(".", "", 1).isdigit():
            return Source(Path(parts[0]), float(parts[1]), int(parts[2]))
        path, weight = spec.rsplit(":", 1)
        return Source(Path(path), float(weight))
    except ValueError:
        raise InputError(
            f"Cannot read the source {spec!r}.", "Write FILE:WEIGHT or FILE:WEIGHT:CAP."
        ) from None


def _scan(source: Source) -> Counter[str]:
    """Count valid records and their licences (first pass)."""
    licences: Counter[str] = Counter()
    if not source.path.is_file():
        raise InputError(f"No such file: {source.path}", "Check the path.")
    for _, item in iter_conversations(source.path):
        if isinstance(item, Reject):
            continue
        source.available += 1
        licences[item.license] += 1
    return licences


def plan(sources: list[Source], total: int | None) -> int:
    """Set `take` on each source; returns the output size."""
    if not sources:
        raise InputError("Nothing to mix.", "Give at least one FILE:WEIGHT.")
    if any(s.weight <= 0 for s in sources):
        raise InputError("Weights must be positive.", "Drop a source instead of giving it weight 0.")
    norm = sum(s.weight for s in sources)
    limit = min(
        min(s.available, s.cap if s.cap is not None else s.available) / (s.weight / norm) for s in sources
    )
    size = int(limit) if total is None else total
    if size > limit + 1e-9:
        raise InputError(
            f"--total {total} is more than the sources (after caps) can give: at most {int(limit)}.",
            "Lower --total, raise the caps, or change the weights.",
        )
    for s in sources:
        s.take = min(round(size * s.weight / norm), s.available)
    return sum(s.take for s in sources)


def _chosen(source: Source, rng: random.Random) -> Iterator[Conversation]:
    keep = set(rng.sample(range(source.available), source.take))
    index = 0
    for _, item in iter_conversations(source.path):
        if isinstance(item, Reject):
            continue
        if index in keep:
            yield item
        index += 1


def mix(
    specs: list[Source], out: Path, seed: int = 0, total: int | None = None, commercial: bool = False
) -> dict[str, Any]:
    licences: Counter[str] = Counter()
    per_source_licences = {}
    for source in specs:
        found = _scan(source)
        per_source_licences[str(source.path)] = dict(found)
        licences.update(found)
    size = plan(specs, total)
    if commercial:
        blocking = non_commercial(
            Counter({lic: n for s in specs if s.take for lic, n in per_source_licences[str(s.path)].items()})
        )
        if blocking:
            raise InputError(
                f"Refusing a commercial set: licence(s) {', '.join(blocking)} forbid commercial use"
                " or could not be verified.",
                "Drop those sources, or build a research set (without --commercial).",
            )
    rng = random.Random(seed)
    streams = [_chosen(s, random.Random(rng.random())) for s in specs]
    remaining = [s.take for s in specs]
    written: Counter[str] = Counter()
    with JsonlWriter(out) as writer:
        while any(remaining):
            (i,) = rng.choices(range(len(specs)), weights=remaining)
            conv = next(streams[i])
            remaining[i] -= 1
            conv.meta["mixed_from"] = specs[i].path.name
            writer.write(conv.to_json())
            written[conv.license] += 1
    return {
        "out": str(out),
        "records": size,
        "seed": seed,
        "commercial": commercial,
        "sources": [
            {"file": str(s.path), "weight": s.weight, "cap": s.cap, "available": s.available, "taken": s.take}
            for s in specs
        ],
        "licences": dict(written),
        "licences_by_source": per_source_licences,
    }
