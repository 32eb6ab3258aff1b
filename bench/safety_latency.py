"""Per-message latency of the crisis layer on CPU: the layer before the learned risk model
(patterns + n-gram and MiniLM classifiers on hand-written sentences) beside today's layer.

The old layer is loaded from git (commit `OLD_LAYER`) into a temporary folder, so both run in
the same process on the same messages. Messages carry a history of 3 earlier user turns.
Prints one JSON line: p50/p99 ms per message for each layer, patterns alone as the floor, long
posts (~1,500 characters of everyday sentences, read whole and in pieces) through the new layer, and
the cold start of `carellm safety check` (a fresh process, harmless text).
The reply guard too: the guard before the pattern families and the learned model (commit
`OLD_GUARD`, loaded from git the same way) beside today's patterns alone, today's whole guard
(patterns + learned model), and what the session spends on one reply checked sentence by
sentence (every settled prefix, then the whole reply), on model-style replies of 3-6 sentences.
Usage: python bench/safety_latency.py [N]
"""

from __future__ import annotations

import importlib.util
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from carellm.safety import assess
from carellm.safety.assess import _assess_one

ROOT = Path(__file__).parents[1]
DATA = ROOT / "tests" / "data" / "safety"
OLD_LAYER = "eee5c8c"  # main before the learned risk model
OLD_GUARD = "5365f7a"  # main before the reply guard's pattern families and learned model
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")


def texts(n: int) -> list[str]:
    rows = [
        json.loads(x)["text"] for f in ("dev.jsonl", "dev2.jsonl", "test.jsonl") for x in (DATA / f).open()
    ]
    rows += [json.loads(x)["text"] for x in (DATA.parent / "emotion" / "labelled.jsonl").open()]
    rng = random.Random(0)
    # Unique strings, so no per-text cache answers for a layer.
    return [f"{rng.choice(rows)} ({i})" for i in range(n)]


def old_layer(folder: Path):
    """`assess` of the old layer: its assess.py and classifier.py (+ data) from git."""
    (folder / "data").mkdir()
    for name in ("assess.py", "classifier.py", "data/minilm_lr.json", "data/train.jsonl"):
        blob = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{OLD_LAYER}:carellm/safety/{name}"],
            capture_output=True,
            check=True,
        ).stdout
        (folder / name).write_bytes(blob)
    source = (folder / "assess.py").read_text(encoding="utf-8")
    (folder / "assess.py").write_text(
        source.replace("from carellm.safety import classifier", "import old_classifier as classifier"),
        encoding="utf-8",
    )
    (folder / "classifier.py").rename(folder / "old_classifier.py")
    sys.path.insert(0, str(folder))
    spec = importlib.util.spec_from_file_location("old_assess", folder / "assess.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["old_assess"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module.assess


def replies(n: int) -> list[str]:
    """Model-style replies of 3-6 sentences in one language, from the guard's written replies."""
    rows = [json.loads(x) for x in (ROOT / "carellm" / "safety" / "data" / "guard_written.jsonl").open()]
    rows += [json.loads(x) for x in (DATA / "guard_probe.jsonl").open()]
    rng = random.Random(2)
    out = []
    for i in range(n):
        lang = rng.choice(("en", "zh"))
        pool = [r["text"] for r in rows if r["lang"] == lang]
        out.append((" " if lang == "en" else "").join(rng.sample(pool, rng.randint(3, 6))) + f" ({i})")
    return out


def old_guard(folder: Path):
    """`guard_reply` of the guard before the pattern families and the learned model, from git."""
    blob = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{OLD_GUARD}:carellm/safety/reply_guard.py"],
        capture_output=True,
        check=True,
    ).stdout
    (folder / "old_reply_guard.py").write_bytes(blob)
    spec = importlib.util.spec_from_file_location("old_reply_guard", folder / "old_reply_guard.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["old_reply_guard"] = module
    spec.loader.exec_module(module)
    return module.guard_reply


def sentence_by_sentence(reply: str) -> None:
    """What the session spends on one reply: each settled prefix, then the whole reply."""
    from carellm.safety import guard_reply

    ends = [m.end() for m in _SENTENCE_END.finditer(reply) if m.end() < len(reply)]
    for end in ends:
        if not guard_reply(reply[:end]).ok:
            return
    guard_reply(reply)


def timed(fn, items: list[str], history: list[str]) -> dict:
    samples = []
    for text in items:
        start = time.perf_counter()
        fn(text, None, history)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 3),
        "p99_ms": round(samples[int(len(samples) * 0.99) - 1], 3),
        "mean_ms": round(statistics.fmean(samples), 3),
    }


def cold_start() -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).with_name("carellm")),
            "safety",
            "check",
            "I had a nice lunch with my sister",
        ],
        capture_output=True,
        check=True,
    )
    return round(time.perf_counter() - started, 3)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    items = texts(n)
    history = texts(3)
    with tempfile.TemporaryDirectory() as folder:
        old = old_layer(Path(folder))
        configs = {
            "patterns_only": lambda t, lang, h: _assess_one.__wrapped__(t),
            "old_layer_minilm": lambda t, lang, h: old(t, lang, h, semantic=True),
            "new_layer": assess,
        }
        for fn in configs.values():
            fn("warm up", None, history)  # each loads its models once, outside the timings
        results = {name: timed(fn, items, history) for name, fn in configs.items()}
        everyday = [json.loads(x)["text"] for x in (DATA.parent / "emotion" / "labelled.jsonl").open()]
        rng = random.Random(1)  # ~1,500-character posts of everyday sentences: the model reads them all
        posts = [" ".join(rng.sample(everyday, 40)) + f" ({i})" for i in range(100)]
        results["new_layer_long_posts"] = timed(assess, posts, history)
        from carellm.safety.reply_guard import guard_reply, pattern_verdict

        guards = {
            "old_guard": old_guard(Path(folder)),
            "new_guard_patterns": pattern_verdict,
            "new_guard": guard_reply,
            "new_guard_per_sentence": sentence_by_sentence,
        }
        for fn in guards.values():
            fn("warm up")  # loads the learned model once, outside the timings
        model_replies = replies(n)
        for name, fn in guards.items():
            results[name] = timed(lambda t, lang, h, fn=fn: fn(t), model_replies, history)
    print(
        json.dumps(
            {
                "bench": "safety_latency",
                "messages": n,
                "history_turns": len(history),
                "baseline": "old_layer_minilm",
                "guard_baseline": "old_guard",
                "results": results,
                "cold_start_s": {"new_layer_safety_check": cold_start()},
                "targets": {"p99_ms": 30, "cold_start_s": 2.0},
            }
        )
    )


if __name__ == "__main__":
    main()
