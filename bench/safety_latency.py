"""Per-message latency of the crisis layer on CPU: patterns alone, + n-gram model, + MiniLM.

Prints one JSON line: p50/p99 in ms for single messages and the per-message time in a batch
of 1,000, for each configuration; the patterns-only layer is the baseline.
Usage: python bench/safety_latency.py [N]
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from pathlib import Path

from carellm.safety import assess
from carellm.safety.assess import _assess_one
from carellm.safety.classifier import crisis_probability, semantic_available

DATA = Path(__file__).parents[1] / "tests" / "data" / "safety"


def texts(n: int) -> list[str]:
    rows = [
        json.loads(x)["text"] for f in ("dev.jsonl", "dev2.jsonl", "test.jsonl") for x in (DATA / f).open()
    ]
    rng = random.Random(0)
    # Unique strings, so the per-text cache never answers for the layer.
    return [f"{rng.choice(rows)} ({i})" for i in range(n)]


def timed(fn, items: list[str]) -> dict:
    samples = []
    for text in items:
        start = time.perf_counter()
        fn(text)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 3),
        "p99_ms": round(samples[int(len(samples) * 0.99) - 1], 3),
    }


def batch(fn, items: list[str]) -> float:
    start = time.perf_counter()
    for text in items:
        fn(text)
    return round((time.perf_counter() - start) * 1000 / len(items), 3)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    items = texts(n)
    configs = {
        "patterns": lambda t: _assess_one.__wrapped__(t),
        "patterns+ngram": lambda t: (_assess_one.__wrapped__(t), crisis_probability(t, semantic=False)),
        "full_layer_semantic": lambda t: assess(t, semantic=True),
    }
    assess("warm up", semantic=True)  # loads the models once, outside the timings
    results = {}
    for name, fn in configs.items():
        results[name] = {"single": timed(fn, items[:200]), "batch_1000_ms_per_msg": batch(fn, items)}
    print(
        json.dumps(
            {
                "bench": "safety_latency",
                "messages": n,
                "semantic_available": semantic_available(),
                "baseline": "patterns",
                "results": results,
                "targets_p99_ms": {"patterns": 5, "with_semantic": 30},
            }
        )
    )


if __name__ == "__main__":
    main()
