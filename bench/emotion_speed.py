"""Emotion analysis speed on CPU: messages/s and one-message latency, lexicon alone vs the model.

Prints one JSON line. In the same run: the old lexicon-only path (`model=False`) beside the
default (shipped emotion model + lexicon), batched (`analyze_texts`) and one message at a
time (p50/p99 over distinct messages, so the shared feature cache never helps), the model's
first load, and the voice analysis speed. Targets (issue #27): >= 200 messages/s batched,
p99 <= 30 ms one message, voice >= 20x real time.
Usage: python bench/emotion_speed.py [N_TEXTS]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from carellm.emotion import analyze_text, analyze_texts, analyze_voice
from carellm.emotion.model import load_emotion_model

ROOT = Path(__file__).parents[1]


def texts(n: int) -> list[str]:
    rows = [
        json.loads(x)["text"] for x in (ROOT / "tests/data/emotion/labelled.jsonl").open(encoding="utf-8")
    ]
    return [f"{rows[i % len(rows)]} ({i})" for i in range(n)]


def batched(items: list[str], model: bool) -> float:
    start = time.perf_counter()
    analyze_texts(items, None, model=model)
    return round(len(items) / (time.perf_counter() - start), 1)


def latency_ms(items: list[str], model: bool) -> dict[str, float]:
    times = []
    for text in items:
        start = time.perf_counter()
        analyze_text(text, None, model=model)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "p50": round(float(np.percentile(times, 50)), 3),
        "p99": round(float(np.percentile(times, 99)), 3),
    }


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    start = time.perf_counter()
    shipped = load_emotion_model()
    load_s = round(time.perf_counter() - start, 3)
    analyze_text("warm up 你好", None)
    analyze_text("warm up", "en", model=False)
    lexicon_batch = batched(texts(n), False)
    model_batch = batched([f"{t} [b]" for t in texts(n)], True)
    lexicon_one = latency_ms([f"{t} [l]" for t in texts(n)], False)
    model_one = latency_ms([f"{t} [m]" for t in texts(n)], True)
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        sentence = "I have been feeling anxious and tired, and I cannot sleep at night. " * 4
        subprocess.run(["espeak-ng", "-w", str(wav), sentence], check=True, capture_output=True)
        seconds = analyze_voice(wav).duration_s
        start = time.perf_counter()
        runs = 10
        for _ in range(runs):
            analyze_voice(wav)
        realtime = round(seconds * runs / (time.perf_counter() - start), 1)
    print(json.dumps({
        "bench": "emotion_speed", "texts": n, "baseline": "lexicon", "model_shipped": shipped is not None,
        "model_load_s": load_s,
        "messages_per_s_batched": {"lexicon": lexicon_batch, "lexicon+model": model_batch},
        "one_message_ms": {"lexicon": lexicon_one, "lexicon+model": model_one},
        "voice": {"clip_s": seconds, "x_realtime": realtime},
        "targets": {"messages_per_s_batched": 200, "one_message_p99_ms": 30, "voice_x_realtime": 20},
    }))  # fmt: skip


if __name__ == "__main__":
    main()
