"""Convert + clean throughput and peak RSS on a synthetic EmpatheticDialogues CSV.

Generates N utterances (4-6 per conversation, varied English text, ~1% duplicated
conversations), then runs `convert` and `clean` in a fresh child process so peak RSS is the
pipeline's own. Baseline in the same run: a child that only splits the CSV lines (the I/O
floor). Prints one JSON line. Usage: python bench/data_throughput.py [N=2000000]
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# 3,000 random-letter words: varied enough that random conversations are not near-duplicates
# (a small syllable inventory makes every text share most character 5-grams).
WORDS = ["".join(random.Random(i).choices("abcdefghijklmnopqrstuvwxyz", k=3 + i % 6)) for i in range(3000)]
EMOTIONS = ("sad", "afraid", "proud", "lonely", "grateful", "anxious", "excited", "angry")

PIPELINE = """
import sys, time
from pathlib import Path
from carellm.data.converters import convert_file
from carellm.data.clean import clean_file
src, work = Path(sys.argv[1]), Path(sys.argv[2])
t0 = time.perf_counter()
convert_file("empathetic_dialogues", str(src), work / "conv.jsonl", work / "conv.rejects.jsonl")
t1 = time.perf_counter()
report = clean_file(work / "conv.jsonl", work / "clean")
t2 = time.perf_counter()
print(t1 - t0, t2 - t1, report.read, sum(report.kept.values()), report.utterances)
"""
FLOOR = """
import sys, time
t0 = time.perf_counter(); n = 0
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        n += len(line.split(","))
print(time.perf_counter() - t0)
"""


def generate(path: Path, utterances: int, seed: int = 0) -> int:
    rng = random.Random(seed)
    written = conv = 0
    with path.open("w", encoding="utf-8") as f:
        f.write("conv_id,utterance_idx,context,prompt,speaker_idx,utterance,selfeval,tags\n")
        previous: list[str] = []
        while written < utterances:
            turns = min(rng.randint(4, 6), utterances - written)
            emotion = rng.choice(EMOTIONS)
            prompt = " ".join(rng.choices(WORDS, k=15)).replace(" so ", "_comma_ so ")
            if previous and rng.random() < 0.01:
                texts = previous[:turns]  # an exact duplicate conversation
            else:
                texts = [" ".join(rng.choices(WORDS, k=rng.randint(8, 25))) for _ in range(turns)]
            turns = len(texts)
            for i, text in enumerate(texts, 1):
                f.write(f"hit:{conv}_conv:{conv},{i},{emotion},{prompt},{i % 2},{text},5|5|5,\n")
            previous = texts
            written += turns
            conv += 1
    return written


def child(code: str, *args: str) -> tuple[str, int]:
    """Run code in a fresh interpreter; return its stdout and its own peak RSS in MB."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the max over all children so far: children run in
    # increasing-memory order here (floor first), so `peak` is this child's own peak.
    return out.stdout.strip(), round(max(peak, before) / 1024)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000_000
    with tempfile.TemporaryDirectory(prefix="carellm-bench-") as tmp:
        work = Path(tmp)
        src = work / "ed.csv"
        utterances = generate(src, n)
        floor_s, floor_rss = child(FLOOR, str(src))
        out, rss = child(PIPELINE, str(src), str(work))
        convert_s, clean_s, read, kept, _kept_utts = out.split()
        total = float(convert_s) + float(clean_s)
        print(
            json.dumps(
                {
                    "bench": "data_throughput",
                    "utterances": utterances,
                    "conversations": int(read),
                    "kept": int(kept),
                    "convert_s": round(float(convert_s), 2),
                    "clean_s": round(float(clean_s), 2),
                    "utterances_per_s": round(utterances / total),
                    "peak_rss_mb": rss,
                    "baseline_line_split": {
                        "utterances_per_s": round(utterances / float(floor_s)),
                        "peak_rss_mb": floor_rss,
                    },
                    "target": {"utterances_per_s": 50000, "peak_rss_mb": 300},
                    "input_mb": round(src.stat().st_size / 2**20, 1),
                    "when": time.strftime("%Y-%m-%d"),
                }
            )
        )


if __name__ == "__main__":
    main()
