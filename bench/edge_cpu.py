"""The edge path on this CPU: an MNN 4-bit export beside transformers (float32, bfloat16).

For each scale (the tiny test checkpoint; a random-weight model at the released Qwen2.5-Omni-3B
thinker shapes) it exports the checkpoint with `carellm export mnn --quant-bit 4 --no-talker`,
then measures, each engine in its own process (so peak RSS is that engine's alone): prefill
tokens/s for a `--prompt`-token prompt, greedy decode tokens/s over `--tokens` steps, and peak
RSS. Each figure is taken `ROUNDS` times and reported as best and median: on a shared machine
other jobs slow some rounds (the load average at start and end is printed too). In the same
run it measures this machine's memory bandwidth (numpy copy of a 1 GiB array,
bytes read + written) and how far MNN's decode is from the bandwidth limit (every decode step
reads the whole weight file once: limit = bandwidth / llm.mnn.weight's size). Prints ONE JSON line.

At 3B the thinker (text model) has the released shapes (hidden 2048, 36 layers, 16 heads, 2 KV
heads, intermediate 11008, vocabulary 151936); the audio and vision encoders keep the tiny
checkpoint's sizes and the talker is not exported (the export's talker fails at any non-released
code2wav shapes, and the full Omni-3B in float32 does not fit beside the rest in 24 GiB): the
figures are the thinker's, which is what decode runs. Heavy at 3B (a 6.8 GB checkpoint, ~18 GiB
for the float32 baseline, ~8 minutes on 2 cores the first time, ~5 once the checkpoint and the
export are cached under --work): run it with `nice`.

Usage: python bench/edge_cpu.py [--scale tiny|3b|both] [--prompt 64] [--tokens 32] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from carellm.edge.sizing import memory_bandwidth_gb_s

SHAPES_3B_TEXT = dict(
    hidden_size=2048, intermediate_size=11008, num_hidden_layers=36, num_attention_heads=16,
    num_key_value_heads=2, vocab_size=151936, tie_word_embeddings=False,
    rope_parameters={"rope_type": "default", "rope_theta": 1e6, "mrope_section": [16, 24, 24]},
)  # fmt: skip
PROMPT_IDS_BELOW = 600  # random prompt ids inside every vocabulary here (the tiny thinker has 704)


def log(msg: str) -> None:
    print(f"[edge bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def make_3b(out: Path, tiny: Path) -> Path:
    """A random bf16 Omni checkpoint with the released 3B thinker; the tiny one's tokenizer files."""
    import torch
    from transformers import Qwen2_5OmniConfig, Qwen2_5OmniForConditionalGeneration

    if (out / "model.safetensors.index.json").is_file() or (out / "model.safetensors").is_file():
        return out
    base = json.loads((tiny / "config.json").read_text(encoding="utf-8"))
    thinker = base["thinker_config"]
    thinker["text_config"].pop("layer_types", None)  # the tiny model's, one per layer
    thinker["text_config"].update(SHAPES_3B_TEXT)
    thinker["vision_config"].update(out_hidden_size=2048)
    thinker["audio_config"].update(output_dim=2048)
    base["talker_config"].update(embedding_size=2048, vocab_size=8448)
    base["enable_audio_output"] = False
    parts = {k: v for k, v in base.items() if k.endswith("_config") or k == "enable_audio_output"}
    config = Qwen2_5OmniConfig(**parts)
    torch.manual_seed(0)
    model = Qwen2_5OmniForConditionalGeneration._from_config(config, dtype=torch.bfloat16).eval()
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    for f in tiny.iterdir():
        if f.name not in {"config.json", "model.safetensors", "carellm_tiny.json"} and f.is_file():
            shutil.copy(f, out / f.name)
    return out


def reset_peak_rss() -> None:
    """A forked child starts with its parent's peak RSS (kept across exec): start it afresh."""
    Path("/proc/self/clear_refs").write_text("5")


def peak_rss_gib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 2**20, 2)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2)


ROUNDS = 3  # each figure is measured this many times: best (least disturbed) and median


def rates(count: int, seconds: list[float]) -> dict:
    per_s = sorted(count / t for t in seconds)
    return {"best": round(per_s[-1], 2), "median": round(per_s[len(per_s) // 2], 2)}


def measure_mnn(folder: str, prompt: int, tokens: int, threads: int) -> dict:
    import MNN.llm as mnn_llm

    llm = mnn_llm.create(str(Path(folder) / "config.json"))
    llm.set_config({"thread_num": threads})
    llm.load()
    ids = np.random.default_rng(0).integers(0, PROMPT_IDS_BELOW, prompt).tolist()

    def logits(x: list[int]) -> np.ndarray:
        return np.array(llm.forward(x).read(), dtype=np.float32, copy=True).reshape(-1)

    llm.forward(ids[:8])  # warm-up: first-call allocations
    prefill, decode = [], []
    for _ in range(ROUNDS):
        llm.reset()
        start = time.perf_counter()
        last = logits(ids)
        prefill.append(time.perf_counter() - start)
        start = time.perf_counter()
        for _ in range(tokens):
            last = logits([int(last.argmax())])
        decode.append(time.perf_counter() - start)
    return {"prefill_tok_s": rates(prompt, prefill), "decode_tok_s": rates(tokens, decode)}


def measure_hf(folder: str, prompt: int, tokens: int, dtype: str) -> dict:
    import torch
    from transformers import Qwen2_5OmniThinkerForConditionalGeneration

    torch.set_num_threads(os.cpu_count() or 1)
    thinker = Qwen2_5OmniThinkerForConditionalGeneration
    model = thinker.from_pretrained(folder, dtype=getattr(torch, dtype)).eval()
    ids = torch.from_numpy(np.random.default_rng(0).integers(0, PROMPT_IDS_BELOW, (1, prompt)))
    prefill, decode = [], []
    with torch.inference_mode():
        model(ids[:, :8])  # warm-up
        for _ in range(ROUNDS):
            start = time.perf_counter()
            out = model(ids, use_cache=True)
            prefill.append(time.perf_counter() - start)
            cache, nxt = out.past_key_values, out.logits[:, -1:].argmax(-1)
            start = time.perf_counter()
            for _ in range(tokens):
                out = model(nxt, past_key_values=cache, use_cache=True)
                cache, nxt = out.past_key_values, out.logits[:, -1:].argmax(-1)
            decode.append(time.perf_counter() - start)
    return {"prefill_tok_s": rates(prompt, prefill), "decode_tok_s": rates(tokens, decode)}


def child(engine: str, folder: str, prompt: int, tokens: int) -> dict:
    """One engine's figures, measured in a fresh process."""
    cmd = [sys.executable, __file__, "--child", engine, "--folder", folder]
    cmd += ["--prompt", str(prompt), "--tokens", str(tokens)]
    run = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        return {"error": (run.stderr.strip().splitlines() or ["no output"])[-1]}
    return json.loads(run.stdout.strip().splitlines()[-1])


def scale(name: str, work: Path, prompt: int, tokens: int, hf_tokens: int, bw: float) -> dict:
    from carellm.dev.tiny_model import make_tiny_model
    from carellm.edge.export import export_mnn

    tiny = make_tiny_model(work / "tiny") if not (work / "tiny/config.json").is_file() else work / "tiny"
    source = tiny if name == "tiny" else make_3b(work / "omni-3b-random", tiny)
    out = work / f"mnn-{name}-4bit"
    if not (out / "carellm_card.json").is_file():
        log(f"{name}: exporting to MNN 4-bit")
        start = time.perf_counter()
        export_mnn(str(source), out, quant_bit=4, talker=False)
        log(f"{name}: export took {time.perf_counter() - start:.0f} s")
    weight_gb = (out / "llm.mnn.weight").stat().st_size / 1e9
    row: dict = {"mnn_weight_gb": round(weight_gb, 3)}
    # MNN's thread pool waits actively: on busy shared cores one thread can beat two.
    for threads in sorted({1, os.cpu_count() or 1}):
        log(f"{name}: MNN 4-bit, {threads} thread(s)")
        row[f"mnn_4bit_{threads}t"] = child(f"mnn{threads}", str(out), prompt, tokens)
    runs = [row[k] for k in row if k.startswith("mnn_4bit_") and "decode_tok_s" in row[k]]
    row["mnn_4bit"] = max(runs, key=lambda r: r["decode_tok_s"]["best"]) if runs else {"error": "no MNN run"}
    for dtype in ("float32", "bfloat16"):
        log(f"{name}: transformers {dtype}")
        row[f"transformers_{dtype}"] = child(dtype, str(source), prompt, hf_tokens)
    mnn = row["mnn_4bit"]
    if "decode_tok_s" in mnn:
        limit = bw / weight_gb  # each decode step reads every weight once
        row["mnn_decode_bandwidth_limit_tok_s"] = round(limit, 2)
        row["mnn_decode_fraction_of_limit"] = round(mnn["decode_tok_s"]["best"] / limit, 3)
        for dtype in ("float32", "bfloat16"):
            hf = row[f"transformers_{dtype}"]
            if "decode_tok_s" in hf:  # best against best: the least-disturbed round of each
                speedup = mnn["decode_tok_s"]["best"] / hf["decode_tok_s"]["best"]
                row[f"mnn_decode_speedup_vs_{dtype}"] = round(speedup, 2)
    return row


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--scale", default="both", choices=["tiny", "3b", "both"])
    p.add_argument("--prompt", type=int, default=64)
    p.add_argument("--tokens", type=int, default=32)
    p.add_argument("--hf-tokens", type=int, default=8, help="transformers' decode steps (slow at 3B)")
    p.add_argument("--work", type=Path, default=Path("/tmp/carellm-edge-bench"))
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--folder", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        reset_peak_rss()
        if args.child.startswith("mnn"):
            res = measure_mnn(args.folder, args.prompt, args.tokens, int(args.child[3:]))
        else:
            res = measure_hf(args.folder, args.prompt, args.tokens, args.child)
        print(json.dumps({**res, "peak_rss_gib": peak_rss_gib()}))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    bw = memory_bandwidth_gb_s()
    result: dict = {
        "bench": "edge_cpu",
        "cpu": next((ln.split(":", 1)[1].strip() for ln in cpuinfo if "model name" in ln), "unknown"),
        "cores": os.cpu_count(),
        "memory_bandwidth_gb_s": bw,
        "prompt_tokens": args.prompt,
        "mnn_decode_tokens": args.tokens,
        "transformers_decode_tokens": args.hf_tokens,
    }
    result["load_average_start"] = round(os.getloadavg()[0], 2)
    for name in ("tiny", "3b") if args.scale == "both" else (args.scale,):
        result[name] = scale(name, args.work, args.prompt, args.tokens, args.hf_tokens, bw)
    result["load_average_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
