"""A running conversation's pace while 32 others arrive: whole prefills vs chunked prefill.

The scheduler (`carellm.backends.batching.DecodeScheduler`, what `carellm serve` runs) over the
fast thinker decoder with random bf16 weights at the released 7B shapes (`gpu_omni.build_model`).
One conversation is decoding (128-token prompt, greedy, no EOS); once it has made `--warm-tokens`
tokens, `--arrivals` requests arrive at once (`--prompt`-token prompts, `--tokens` new tokens each).
Per scheduler, in one process on one card, the old one (`chunk_tokens=None`: every waiting prompt
prefilled whole before the next step) first as the baseline:

  running_gap_ms       gaps between the running conversation's tokens while the others are
                       admitted (from their arrival to the last one's first token): p50, p99, max;
                       `before_ms` the same conversation's p50 gap before they came
  all_gap_ms           the same over every conversation already decoding in that window
  aggregate_tok_s      every token made from the arrival to the last token / that time
  decode_phase_tok_s   tokens made after the last arrival's first token / that time
  first_token_s        the arrivals' time to first token: mean, max

Token times are taken where each client thread reads its token (as the server's streams do).
`prefill` (always, first): one prompt of each `--prefill-lengths` length written into a row by the
model's own forward + copy (`start_row`, what the old scheduler and media prompts use) and by the
lean layers in one piece (`begin_prefill` + `prefill_some`): median ms of 5 after a warm-up, and
the lean first logits' relative difference from the model's (both in the run's dtype).
Prints ONE JSON line. `--scale tiny` runs on CPU (a smoke test of the bench itself).

Usage: python bench/chunked_prefill.py [--scale 7b|tiny] [--chunks none,256,512] [--arrivals 32]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import threading
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).parent))
from gpu_omni import SHAPES_7B, SHAPES_TINY, build_model, text_inputs

from carellm.backends.batching import DecodeScheduler
from carellm.backends.fast_decode import ThinkerDecoder


def _quantile(values: list[float], q: float) -> float | None:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 2) if ordered else None


def _gaps(times: list[float], start: float, end: float) -> list[float]:
    """Gaps (ms) between consecutive tokens that overlap [start, end] (a stall spanning it too)."""
    return [(b - a) * 1000 for a, b in itertools.pairwise(times) if b >= start and a <= end]


def one_run(decoder, device: str, chunk: int | None, args) -> dict:
    """The running conversation, then the arrivals; every token's time per conversation."""
    scheduler = DecodeScheduler(decoder, args.arrivals + 1, threading.Lock(), chunk_tokens=chunk)
    running_prompt = text_inputs(1, 128, device)
    prompts = [text_inputs(1, args.prompt, device) for _ in range(args.arrivals)]
    times: list[list[float]] = [[] for _ in range(args.arrivals + 1)]  # [0]: the running one
    stop = threading.Event()
    warmed = threading.Event()

    def running() -> None:
        # Never reached (stopped once the others end); the same in the warm-up run, so the cache
        # length, and with it every captured graph, is the measured runs' own.
        for _ in scheduler.generate(running_prompt, args.running_new, set(), should_stop=stop.is_set):
            times[0].append(time.perf_counter())
            if len(times[0]) == args.warm_tokens:
                warmed.set()
        warmed.set()

    go = threading.Barrier(args.arrivals + 1)

    def arrival(i: int) -> None:
        go.wait()
        for _ in scheduler.generate(prompts[i], args.tokens, set()):
            times[i + 1].append(time.perf_counter())

    first = threading.Thread(target=running)
    first.start()
    warmed.wait()
    threads = [threading.Thread(target=arrival, args=(i,)) for i in range(args.arrivals)]
    for t in threads:
        t.start()
    go.wait()
    arrived = time.perf_counter()
    for t in threads:
        t.join()
    stop.set()
    first.join()
    admitted = max(t[0] for t in times[1:])  # the last arrival's first token
    end = max(t[-1] for t in times[1:])
    before = [(b - a) * 1000 for a, b in itertools.pairwise(times[0]) if b < arrived]
    window = _gaps(times[0], arrived, admitted)
    all_window = [g for t in times for g in _gaps(t, arrived, admitted)]
    made = sum(1 for t in times for x in t if arrived < x <= end)
    after = sum(1 for t in times for x in t if admitted < x <= end)
    return {
        "running_gap_ms": {
            "before_p50": _quantile(before[-32:], 0.5),
            "p50": _quantile(window, 0.5),
            "p99": _quantile(window, 0.99),
            "max": _quantile(window, 1.0),
            "gaps_in_window": len(window),
        },
        "all_gap_ms": {"p99": _quantile(all_window, 0.99), "max": _quantile(all_window, 1.0)},
        "aggregate_tok_s": round(made / (end - arrived), 1),
        "decode_phase_tok_s": round(after / (end - admitted), 1),
        "first_token_s": {
            "mean": round(sum(t[0] - arrived for t in times[1:]) / args.arrivals, 3),
            "max": round(admitted - arrived, 3),
        },
        "admission_window_s": round(admitted - arrived, 3),
        "prefill_pieces": scheduler.prefill_pieces,
        "steps_beside_prefill": scheduler.steps_beside_prefill,
        "widest_step": scheduler.widest,
    }


def prefill_costs(decoder, device: str, lengths: list[int]) -> dict:
    """The old path (the model's forward + copy) beside the lean one, per prompt length."""
    out: dict = {}
    with torch.inference_mode():
        for length in lengths:
            prompt = text_inputs(1, length, device)

            def model(prompt: dict = prompt) -> torch.Tensor:
                return decoder.start_row(0, 1, prompt, 64)

            def lean(prompt: dict = prompt, length: int = length) -> torch.Tensor:
                part = decoder.begin_prefill(0, 1, prompt, 64)
                logits = decoder.prefill_some(part, length)
                assert logits is not None
                return logits

            times: dict[str, list[float]] = {"model_forward_ms": [], "lean_ms": []}
            for _ in range(6):
                for name, fn in (("model_forward_ms", model), ("lean_ms", lean)):
                    if device == "cuda":
                        torch.cuda.synchronize()
                    t = time.perf_counter()
                    logits = fn()
                    float(logits[0, 0])
                    times[name].append((time.perf_counter() - t) * 1000)
            a, b = model(), lean()
            out[str(length)] = {k: round(sorted(v[1:])[2], 2) for k, v in times.items()}
            out[str(length)]["lean_vs_model_rel"] = round(float((b - a).norm() / a.norm()), 5)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["7b", "tiny"], default="7b")
    parser.add_argument(
        "--chunks", default="none,256,512", help="chunk_tokens per run; none = the old scheduler"
    )
    parser.add_argument("--arrivals", type=int, default=32)
    parser.add_argument("--prompt", type=int, default=512, help="prompt tokens of each arrival")
    parser.add_argument("--tokens", type=int, default=128, help="new tokens of each arrival")
    parser.add_argument("--warm-tokens", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=1, help="runs per scheduler (each reported)")
    parser.add_argument("--prefill-lengths", default="128,512,2048")
    args = parser.parse_args()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    torch.manual_seed(0)
    result: dict = {"bench": "chunked_prefill", "scale": args.scale, "torch": torch.__version__}
    result.update(arrivals=args.arrivals, prompt=args.prompt, tokens=args.tokens, runs={})
    if device == "cuda":
        result["gpu"] = torch.cuda.get_device_name()
    model = build_model(SHAPES_7B if args.scale == "7b" else SHAPES_TINY, device, dtype)
    decoder = ThinkerDecoder(model.thinker)
    lengths = [int(n) for n in args.prefill_lengths.split(",")]
    result["prefill"] = prefill_costs(decoder, device, lengths)
    print(f"[bench] prefill: {json.dumps(result['prefill'])}", file=sys.stderr, flush=True)
    chunks = [None if c == "none" else int(c) for c in args.chunks.split(",")]
    args.running_new = args.prompt + 8 * args.tokens
    # Every width's graph at the runs' cache length, as `carellm serve` makes them at start (else a
    # run meeting a width first pays its capture: stalls of 0.5-0.9 s in runs 8b and 8d).
    DecodeScheduler(decoder, args.arrivals + 1, threading.Lock()).warm_up([128 + args.running_new + 1])
    small = argparse.Namespace(**{**vars(args), "tokens": 8, "warm_tokens": 4})
    one_run(decoder, device, chunks[0], small)  # warm-up run
    for chunk in chunks:
        name = "whole" if chunk is None else f"chunk_{chunk}"
        runs = [one_run(decoder, device, chunk, args) for _ in range(args.repeat)]
        result["runs"][name] = runs[0] if len(runs) == 1 else runs
        print(f"[bench] {name}: {json.dumps(runs[-1])}", file=sys.stderr, flush=True)
    if device == "cuda":
        result["max_gpu_mem_gb"] = round(torch.cuda.max_memory_allocated() / 2**30, 1)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
