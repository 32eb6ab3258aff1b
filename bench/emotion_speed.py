"""Emotion analysis speed on CPU: texts/s per backend and seconds of audio analysed per second.

Prints one JSON line. Baseline: the lexicon backend alone (the default), compared in the
same run with lexicon + a classifier trained on the GoEmotions-format sample in tests/data.
Usage: python bench/emotion_speed.py [N_TEXTS]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from carellm.emotion import analyze_text, analyze_texts, analyze_voice
from carellm.emotion.classifier import EmotionClassifier, train

ROOT = Path(__file__).parents[1]


def texts(n: int) -> list[str]:
    rows = [
        json.loads(x)["text"] for x in (ROOT / "tests/data/emotion/labelled.jsonl").open(encoding="utf-8")
    ]
    return [f"{rows[i % len(rows)]} ({i})" for i in range(n)]


def rate(fn, items) -> float:
    start = time.perf_counter()
    for item in items:
        fn(item)
    return round(len(items) / (time.perf_counter() - start), 1)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    items = texts(n)
    analyze_text("warm up 你好", None)
    with tempfile.TemporaryDirectory() as tmp:
        train(ROOT / "tests/data/emotion/goemotions_sample.tsv", Path(tmp) / "m")
        clf = EmotionClassifier.load(Path(tmp) / "m")
        analyze_text("warm up", "en", classifier=clf)
        wav = Path(tmp) / "speech.wav"
        sentence = "I have been feeling anxious and tired, and I cannot sleep at night. " * 4
        subprocess.run(["espeak-ng", "-w", str(wav), sentence], check=True, capture_output=True)
        analyze_voice(wav)
        lexicon = rate(lambda t: analyze_text(t, None), items)
        with_clf = rate(lambda t: analyze_text(t, None, classifier=clf), items[:200])
        start = time.perf_counter()
        analyze_texts(items, None, classifier=clf)
        with_clf_batch = round(len(items) / (time.perf_counter() - start), 1)
        seconds = analyze_voice(wav).duration_s
        start = time.perf_counter()
        runs = 10
        for _ in range(runs):
            analyze_voice(wav)
        realtime = round(seconds * runs / (time.perf_counter() - start), 1)
    print(json.dumps({
        "bench": "emotion_speed", "texts": n, "baseline": "lexicon",
        "texts_per_s": {"lexicon": lexicon, "lexicon+classifier_one_by_one": with_clf,
                        "lexicon+classifier_batched": with_clf_batch},
        "voice": {"clip_s": seconds, "x_realtime": realtime},
        "targets": {"texts_per_s": 200, "voice_x_realtime": 20},
    }))  # fmt: skip


if __name__ == "__main__":
    main()
