"""Cleaning with worker processes, giving the same output as `Cleaner.run`.

The per-conversation stages (normalise, PII, roles, language, split) and the MinHash keys
are independent per record, so workers compute them on chunks of JSON lines. Which
duplicate came first depends on order, so that decision stays here, in input order.
Chunks are submitted with a bounded window (not `Pool.imap`, which reads its whole input
ahead), so memory stays flat however long the stream is.
"""

from __future__ import annotations

import json
import multiprocessing as mp
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from carellm.data.clean import CleanConfig, Cleaner, _texts
from carellm.data.dedup import Deduplicator
from carellm.data.io import Counts, Reject
from carellm.data.schema import Conversation, parse_line
from carellm.data.split import assign_split

_WORKER: dict[str, Any] = {}


class Line:
    """A cleaned record already serialised by a worker (what `write_stream` needs of it)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def to_json(self) -> str:
        return self.text


def _work(task: tuple[dict, list[tuple[str, Any]]]) -> tuple[list[tuple], dict[str, int]]:
    config_data, entries = task
    if _WORKER.get("config") != config_data:
        config = CleanConfig(**config_data)
        _WORKER.update(
            config=config_data,
            cleaner=Cleaner(config.model_copy(update={"dedup": False})),
            keys=Deduplicator(near=config.near_dedup),
        )
    cleaner: Cleaner = _WORKER["cleaner"]
    cleaner.counts = Counts()
    cfg = cleaner.config
    out: list[tuple] = []
    candidates: list[tuple[int, Conversation]] = []
    for kind, payload in entries:
        if kind == "reject":
            out.append(("reject", payload))
            continue
        conv = parse_line(payload)
        reason = cleaner.prepare(conv)
        if reason is not None:
            record = conv.model_dump(exclude_none=True)
            out.append(
                ("reject", Reject(reason, conv.meta.get("line"), conv.id, stage="clean", record=record))
            )
            continue
        conv.meta["split"] = assign_split(conv.split_key, cfg.validation, cfg.test, cfg.salt)
        candidates.append((len(out), conv))
        out.append(("keep", conv.to_json(), None, None, conv.id, conv.meta.get("line")))
    if candidates and _WORKER["config"].get("dedup", True):
        exact, bands = _WORKER["keys"].keys_batch([_texts(conv) for _, conv in candidates])
        for j, (i, _) in enumerate(candidates):
            kind, text, _, _, ident, line = out[i]
            out[i] = (kind, text, exact[j : j + 1], bands[j], ident, line)
    return out, cleaner.counts.repaired


def clean_parallel(
    items: Iterable[Conversation | Reject],
    config: CleanConfig,
    workers: int,
    counts: Counts,
    chunk: int = 512,
) -> Iterator[Line | Reject]:
    """Like `Cleaner(config).run(items)` with `workers` processes; fills `counts`."""
    dedup = Deduplicator(near=config.near_dedup) if config.dedup else None
    config_data = config.model_dump()
    context = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    with context.Pool(workers) as pool:
        window: deque = deque()
        for entries in _chunks(items, chunk, counts):
            window.append(pool.apply_async(_work, ((config_data, entries),)))
            if len(window) > 2 * workers:
                yield from _decide(window.popleft().get(), dedup, counts)
        while window:
            yield from _decide(window.popleft().get(), dedup, counts)


def _chunks(items: Iterable[Conversation | Reject], size: int, counts: Counts) -> Iterator[list]:
    entries: list[tuple[str, Any]] = []
    for item in items:
        if isinstance(item, Reject):
            entries.append(("reject", item))
        else:
            counts.read += 1
            entries.append(("conv", item.to_json()))
        if len(entries) >= size:
            yield entries
            entries = []
    if entries:
        yield entries


def _decide(result: tuple[list[tuple], dict[str, int]], dedup: Deduplicator | None, counts: Counts):
    records, repaired = result
    for kind, n in repaired.items():
        counts.repair(kind, n)
    for record in records:
        if record[0] == "reject":
            counts.reject(record[1].reason)
            yield record[1]
            continue
        _, text, exact, bands, ident, line = record
        reason = dedup.decide(exact, bands) if dedup is not None else None
        if reason is None:
            counts.kept += 1
            yield Line(text)
        else:
            counts.reject(reason)
            record = json.loads(text)
            record["meta"].pop("split", None)  # as the serial cleaner reports it: never assigned
            yield Reject(reason, line, ident, stage="clean", record=record)
