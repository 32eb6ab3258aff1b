"""Convert + clean throughput and peak memory on a synthetic EmpatheticDialogues file.

    python bench/data_throughput.py                      # 200k and 2M utterances
    python bench/data_throughput.py --sizes 50000        # any sizes

For each size a file in the dataset's exact CSV format is generated (with `_comma_`
escapes, ~1% exact and ~1% near-duplicate conversations and some e-mails/phone numbers),
then a fresh Python process streams it through the converter and the full cleaning
pipeline (normalise, PII, roles, language, exact + MinHash dedup, split) into JSONL +
rejects. Generation is not timed. Peak RSS is that child process's maximum resident set.
The smallest size is the baseline the larger ones are compared with (memory must stay
flat as the input grows); each size also gets an I/O floor (copy the file line by line)
measured in the same run. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

EMOTIONS_TEXT = (
    "afraid angry annoyed anticipating anxious apprehensive ashamed caring confident content devastated "
    "disappointed disgusted embarrassed excited faithful furious grateful guilty hopeful impressed jealous "
    "joyful lonely nostalgic prepared proud sad sentimental surprised terrified trusting"
)
WORDS_TEXT = (
    "i you we it the a my your was is so really just felt feel think know today yesterday week work "
    "school friend family mom dad dog car house job boss exam test money time night morning happy sad "
    "scared nervous proud lonely tired angry sorry great good bad never always again finally about "
    "with because when after before that this what how why going went got had have been would could "
    "should help talk call wait hope worried excited love miss lost found new old best worst first last"
)
EMOTIONS, WORDS = EMOTIONS_TEXT.split(), WORDS_TEXT.split()

CHILD = """
import json, resource, sys, time
from pathlib import Path
src, out = Path(sys.argv[1]), Path(sys.argv[2])
start = time.perf_counter()
if sys.argv[3] == "floor":  # the I/O floor: read every line and write it back, nothing else
    with src.open(encoding="utf-8") as fh, out.open("w", encoding="utf-8") as dst:
        for line in fh:
            dst.write(line)
    kept = rejected = read = 0
else:
    from carellm.data.clean import clean_stream, write_stream
    from carellm.data.converters import convert
    stream, counts = clean_stream(convert("empathetic_dialogues", src), workers=int(sys.argv[3]))
    kept, rejected = write_stream(stream, out)
    read = counts.read
seconds = time.perf_counter() - start
usage, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = usage.ru_utime + usage.ru_stime + workers.ru_utime + workers.ru_stime
print(json.dumps({"seconds": seconds, "cpu": cpu, "kept": kept, "rejected": rejected, "conversations": read,
                  "rss": usage.ru_maxrss / 1024, "worker_rss": workers.ru_maxrss / 1024}))
"""


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 22))
    text = " ".join(words).capitalize()
    roll = rng.random()
    if roll < 0.01:
        text += f" mail me at user{rng.randint(1, 10**6)}@example.com"
    elif roll < 0.02:
        text += f" call 138{rng.randint(10**7, 10**8 - 1)}"
    return text.replace(",", "_comma_") + rng.choice([".", "!", "?", "_comma_ right?"])


def generate(path: Path, utterances: int, seed: int = 0) -> int:
    rng = random.Random(seed)
    written = conv = 0
    previous: list[str] = []
    with path.open("w", encoding="utf-8") as fh:
        fh.write("conv_id,utterance_idx,context,prompt,speaker_idx,utterance,selfeval,tags\n")
        while written < utterances:
            n = rng.randint(3, 6)
            roll = rng.random()
            if previous and roll < 0.01:
                texts = list(previous)  # exact duplicate conversation
            elif previous and roll < 0.02:
                texts = [t + " ok" if i == 0 else t for i, t in enumerate(previous)]  # near duplicate
            else:
                texts = [sentence(rng) for _ in range(n)]
            previous = texts
            emotion, prompt = rng.choice(EMOTIONS), sentence(rng)
            for i, text in enumerate(texts, 1):
                fh.write(f"hit:{conv}_conv:{conv * 2},{i},{emotion},{prompt},{i % 2},{text},5|5|5_5|5|5,\n")
            written += len(texts)
            conv += 1
    return written


def measure(path: Path, out: Path, mode: str = "1") -> dict:
    """Run one fresh process; its own peak RSS is what it reports."""
    code = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(out), mode], capture_output=True, text=True, check=False
    )
    if code.returncode:
        raise SystemExit(code.stderr)
    result = json.loads(code.stdout)
    out.unlink(missing_ok=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200_000, 2_000_000])
    parser.add_argument("--workers", type=int, default=1, help="cleaning processes (1: serial)")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sorted(args.sizes):
            src = Path(tmp) / f"ed_{size}.csv"
            utterances = generate(src, size)
            run = measure(src, Path(tmp) / f"clean_{size}.jsonl", str(args.workers))
            floor = measure(src, Path(tmp) / f"copy_{size}.jsonl", "floor")
            results.append(
                {
                    "utterances": utterances,
                    "input_mb": round(src.stat().st_size / 2**20, 1),
                    "conversations": run["conversations"],
                    "kept": run["kept"],
                    "rejected": run["rejected"],
                    "seconds": round(run["seconds"], 2),
                    "utterances_per_s": round(utterances / run["seconds"]),
                    "cpu_seconds": round(run["cpu"], 2),
                    "utterances_per_cpu_s": round(utterances / run["cpu"]),
                    "peak_rss_mb": round(run["rss"], 1),
                    "worker_peak_rss_mb": round(run["worker_rss"], 1) if args.workers > 1 else None,
                    "io_floor_utterances_per_s": round(utterances / floor["seconds"]),
                }
            )
            src.unlink()
    base, last = results[0], results[-1]
    report = {
        "bench": "data_throughput",
        "pipeline": "empathetic_dialogues convert + full clean (MinHash on)",
        "workers": args.workers,
        "runs": results,
        "baseline": {"utterances": base["utterances"], "peak_rss_mb": base["peak_rss_mb"]},
        "rss_ratio_largest_vs_baseline": round(last["peak_rss_mb"] / base["peak_rss_mb"], 2),
        "target": {"utterances_per_s": 50_000, "peak_rss_mb": 300},
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
