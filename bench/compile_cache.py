"""Start-up cost of the compiled decode step, cold and from the on-disk compile cache.

Each start is a fresh process (as a server restart is): import, build the model (random bf16
weights at the released 7B shapes, standing in for loading them), make the thinker's fast
decoder the way the backend does (`open_step_cache` with `Settings.compile`), prefill a
128-token prompt and run the first decode step (capture, and compile where asked), then
measure decode tok/s and the step's GPU time. Starts, in order, over one empty cache folder:

  graph  compile off: the uncompiled default (the baseline)
  cold   compile on, empty cache: pays the full compile and fills the cache
  warm   compile auto, the cache `cold` left: what a second start costs ("on" on CPU, where
         auto never compiles)
  cold_no_coordesc, warm_no_coordesc (--no-coordesc): the same two with Inductor's
         coordinate-descent tuning off (the product has it on, as "max-autotune-no-cudagraphs" does)
  background (--background): graph decode tok/s while another thread compiles a step into a
         second empty cache, beside the same loop alone (what compiling while serving would cost)

With --server the starts are the server's instead: `OmniBackend.warm_up` (what `carellm serve`
runs before it opens its port) makes the batch scheduler's steps ready, every width (1, 2, 4, 8
with 8 slots) at the cache length a default request starts at, then 8 clients at once and one
alone are served (64 tokens each) and the steps Dynamo compiled while serving are counted:

  serve_graph  compile off (the baseline)   serve_cold  on, empty cache
  serve_warm   auto over what serve_cold left (serve_warm2: the same again, a third start)

Prints ONE JSON line with every start side by side. `--scale tiny` runs on CPU (smoke test).

Usage: python bench/compile_cache.py [--scale 7b|tiny] [--decode-tokens 64] [--background]
       python bench/compile_cache.py --server [--phases serve_graph,serve_cold] [--cache-dir DIR]
"""

from __future__ import annotations

import time

T0 = time.perf_counter()  # a start is timed from here, before torch is imported

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402

PHASE_MODES = {"graph": "off", "cold": "on", "warm": "auto"}
# The same cold and warm starts with Inductor's coordinate-descent tuning off, beside the
# product's options (which have it on, as the "max-autotune-no-cudagraphs" mode does).
CODESC_PHASES = {"cold_no_coordesc": "cold", "warm_no_coordesc": "warm"}
SERVE_PHASES = {"serve_graph": "off", "serve_cold": "on", "serve_warm": "auto", "serve_warm2": "auto"}
SERVE_SLOTS = 8  # the server's default on CUDA


def _counters() -> dict:
    """Inductor / AOTAutograd cache hits and misses so far in this process."""
    from torch._dynamo.utils import counters

    keep = ("fxgraph_cache", "autograd_cache")
    return {
        f"{group}.{name}": n
        for group in ("inductor", "aot_autograd")
        for name, n in counters[group].items()
        if name.startswith(keep)
    }


def run_phase(phase: str, scale: str, cache_dir: Path, n: int) -> dict:
    import torch
    from gpu_omni import SHAPES_7B, SHAPES_TINY, build_model, fast_decode, step_time_ms, sync, text_inputs

    from carellm.backends.compile_cache import open_step_cache
    from carellm.backends.fast_decode import ThinkerDecoder

    logging.basicConfig(format="[%(asctime)s %(name)s] %(message)s")
    logging.getLogger("carellm").setLevel(logging.INFO)  # "decode step ... compiled in N s"
    out: dict = {"import_s": round(time.perf_counter() - T0, 2)}
    device = "cuda" if torch.cuda.is_available() else "cpu"
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    torch.manual_seed(0)
    t = time.perf_counter()
    model = build_model(SHAPES_7B if scale == "7b" else SHAPES_TINY, device, dtype)
    sync(device)
    out["build_s"] = round(time.perf_counter() - t, 2)
    if phase in CODESC_PHASES:
        import carellm.backends.fast_decode as fast_module

        fast_module.COMPILE_OPTIONS = fast_module.COMPILE_OPTIONS | {"coordinate_descent_tuning": False}
        phase = CODESC_PHASES[phase]
    decoder = ThinkerDecoder(model.thinker, use_graph=device == "cuda")
    if phase == "background":
        return out | background(model, decoder, cache_dir, device, n)
    mode = PHASE_MODES[phase] if device == "cuda" or phase != "warm" else "on"  # auto: never on CPU
    decoder.use_compile(open_step_cache(decoder, mode, cache_dir))  # type: ignore[arg-type]
    inputs = text_inputs(1, 128, device)
    t = time.perf_counter()
    logits = decoder.start(inputs, n + 8)
    nxt = logits.argmax(-1)
    nxt.tolist()  # the first token, from the prefill
    first = time.perf_counter()
    decoder.step(nxt).argmax(-1).tolist()  # the first decode step: capture (+ compile)
    out["first_token_s"] = round(first - t, 3)
    out["first_step_s"] = round(time.perf_counter() - first, 2)
    out["start_to_first_step_s"] = round(time.perf_counter() - T0, 2)
    cache = decoder.step_cache
    out["compiled"] = cache is not None and cache.wants(decoder._variant(1))
    out["variants_cached"] = sorted(cache.warm) if cache is not None else []
    out["decode_tok_s_b1"] = round(fast_decode(decoder, 1, n, device), 1)
    if device == "cuda":
        out["step_ms_b1"] = round(step_time_ms(decoder, device), 3)
    out["caches"] = _counters()
    out["compile_time_s"] = _compile_times()
    return out


def run_serve_phase(phase: str, scale: str, cache_dir: Path, n: int) -> dict:
    """One server start: build, `backend.warm_up()`, then its first requests."""
    import threading

    import torch
    from gpu_omni import SHAPES_7B, SHAPES_TINY, build_model, sync, text_inputs

    from carellm.backends.omni import OmniBackend
    from carellm.config import Settings

    logging.basicConfig(format="[%(asctime)s %(name)s] %(message)s")
    logging.getLogger("carellm").setLevel(logging.INFO)  # "decode steps ready in ..."
    out: dict = {"import_s": round(time.perf_counter() - T0, 2)}
    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.manual_seed(0)
    t = time.perf_counter()
    model = build_model(
        SHAPES_7B if scale == "7b" else SHAPES_TINY,
        device,
        torch.bfloat16 if device == "cuda" else torch.float32,
    )
    sync(device)
    out["build_s"] = round(time.perf_counter() - t, 2)
    mode = SERVE_PHASES[phase] if device == "cuda" or SERVE_PHASES[phase] != "auto" else "on"
    settings = Settings(model=f"random-{scale}", fast=True, compile=mode, cache_dir=cache_dir,  # type: ignore[arg-type]
                        decode_slots=SERVE_SLOTS, audio_output=False)  # fmt: skip
    backend = OmniBackend(model, None, settings)
    t = time.perf_counter()
    backend.warm_up()
    sync(device)
    out["warm_up_s"] = round(time.perf_counter() - t, 2)
    out["start_to_ready_s"] = round(time.perf_counter() - T0, 2)
    scheduler = backend._batcher
    assert scheduler is not None
    cache = scheduler.decoder.step_cache
    out["variants_cached"] = sorted(cache.warm) if cache is not None else []
    out["length"] = scheduler.decoder.max_len
    graphs = torch._dynamo.utils.counters["stats"]["unique_graphs"]

    def serve(clients: int) -> dict:
        prompts = [text_inputs(1, 128, device) for _ in range(clients)]
        first: list[float] = [0.0] * clients
        go = threading.Barrier(clients + 1)

        def one(i: int) -> None:
            go.wait()
            for j, _ in enumerate(scheduler.generate(prompts[i], n, set())):
                if j == 0:
                    first[i] = time.perf_counter()

        threads = [threading.Thread(target=one, args=(i,)) for i in range(clients)]
        for th in threads:
            th.start()
        go.wait()
        start = time.perf_counter()
        for th in threads:
            th.join()
        wall = time.perf_counter() - start
        return {"first_token_s": round(max(first) - start, 3), "tok_s": round(clients * n / wall, 1)}

    out["first_requests"] = {"8_clients": serve(8), "1_client": serve(1), "8_clients_again": serve(8)}
    out["graphs_compiled_while_serving"] = torch._dynamo.utils.counters["stats"]["unique_graphs"] - graphs
    out["caches"] = _counters()
    out["compile_time_s"] = _compile_times()
    return out


def _compile_times() -> dict:
    """Where compiling went (Dynamo's own timers, seconds summed per phase; the largest few)."""
    from torch._dynamo.utils import compilation_time_metrics

    totals = {name: round(sum(times), 2) for name, times in compilation_time_metrics.items()}
    return dict(sorted(totals.items(), key=lambda kv: -kv[1])[:8])


def background(model, decoder, cache_dir: Path, device: str, n: int) -> dict:
    """Graph decode tok/s alone, then while another thread compiles a step (cold, own cache)."""
    import torch
    from gpu_omni import fast_decode, sync, text_inputs

    from carellm.backends.compile_cache import open_step_cache
    from carellm.backends.fast_decode import ThinkerDecoder

    out: dict = {"alone_tok_s_b1": round(fast_decode(decoder, 1, 4 * n, device), 1)}
    other = ThinkerDecoder(model.thinker, use_graph=False)
    other.use_compile(open_step_cache(other, "on", cache_dir / "background"))
    other._allocate(1, 640)
    done: dict = {}

    def compile_other() -> None:
        t = time.perf_counter()
        try:
            with torch.inference_mode():
                assert other._compiled_step is not None
                other._compiled_step(1)
            sync(device)
        except Exception as exc:  # report it beside the numbers
            done["error"] = f"{type(exc).__name__}: {exc}"
        done["compile_s"] = round(time.perf_counter() - t, 1)

    inputs = text_inputs(1, 128, device)
    thread = threading.Thread(target=compile_other)
    windows: list[float] = []
    with torch.inference_mode():
        logits = decoder.start(inputs, 4000)
        nxt = logits.argmax(-1)
        decoder.step(nxt)  # capture for this cache length before the clock starts
        thread.start()
        while thread.is_alive():
            if decoder.room() < 40:
                logits = decoder.start(inputs, 4000)
            t = time.perf_counter()
            for _ in range(32):
                nxt = decoder.step(nxt.view(-1)).argmax(-1)
                nxt.tolist()
            windows.append(32 / (time.perf_counter() - t))
    thread.join()
    out["during_compile_tok_s_b1"] = round(len(windows) / sum(1 / w for w in windows), 1) if windows else None
    out["slowest_window_tok_s"] = round(min(windows), 1) if windows else None
    out["background_compile_s"] = done.get("compile_s")
    if "error" in done:
        out["background_error"] = done["error"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["7b", "tiny"], default="7b")
    parser.add_argument("--decode-tokens", type=int, default=64)
    parser.add_argument("--background", action="store_true")
    parser.add_argument("--no-coordesc", action="store_true", help="also cold/warm, no coordinate descent")
    parser.add_argument("--cache-dir", type=Path, help="default: a new empty temporary folder")
    parser.add_argument("--server", action="store_true", help="the server's starts (serve_* phases)")
    parser.add_argument("--phases", help="run only these phases, in this order (comma-separated)")
    parser.add_argument("--phase", help=argparse.SUPPRESS)  # a child process runs one start
    args = parser.parse_args()
    if args.phase:
        run = run_serve_phase if args.phase in SERVE_PHASES else run_phase
        print(json.dumps(run(args.phase, args.scale, args.cache_dir, args.decode_tokens)), flush=True)
        return
    cache_dir = args.cache_dir or Path(tempfile.mkdtemp(prefix="carellm_compile_bench_"))
    env = {k: v for k, v in os.environ.items() if k != "TORCHINDUCTOR_CACHE_DIR"}  # ours decides
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parent), env.get("PYTHONPATH", "")])
    result: dict = {"bench": "compile_cache", "scale": args.scale, "cache_dir": str(cache_dir), "errors": {}}
    import torch

    result["torch"] = torch.__version__
    if torch.cuda.is_available():
        result["gpu"] = torch.cuda.get_device_name()
    phases = ["graph", "cold", "warm"] + (list(CODESC_PHASES) if args.no_coordesc else [])
    phases += ["background"] if args.background else []
    if args.server:
        phases = ["serve_graph", "serve_cold", "serve_warm"]
    if args.phases:
        phases = args.phases.split(",")
    for phase in phases:
        cmd = [sys.executable, __file__, "--phase", phase, "--scale", args.scale,
               "--cache-dir", str(cache_dir), "--decode-tokens", str(args.decode_tokens)]  # fmt: skip
        t = time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        wall = round(time.perf_counter() - t, 1)
        sys.stderr.write(proc.stderr[-3000:])
        lines = proc.stdout.strip().splitlines()
        try:
            result[phase] = json.loads(lines[-1]) | {"process_wall_s": wall}
        except (IndexError, ValueError):
            result["errors"][phase] = f"exit {proc.returncode}: {proc.stderr[-800:]}"
        if os.environ.get("OUT"):  # partial results survive a run cut short
            Path(os.environ["OUT"], "compile_cache_partial.json").write_text(json.dumps(result))
    graph, cold, warm = (result.get(p, {}) for p in ("graph", "cold", "warm"))
    if "start_to_first_step_s" in graph:
        base = graph["start_to_first_step_s"]
        result["added_over_uncompiled_start_s"] = {
            p: round(result[p]["start_to_first_step_s"] - base, 2)
            for p in ("cold", "warm")
            if "start_to_first_step_s" in result.get(p, {})
        }
    if "start_to_first_step_s" in graph:
        for p in CODESC_PHASES:
            if "start_to_first_step_s" in result.get(p, {}):
                added = result[p]["start_to_first_step_s"] - graph["start_to_first_step_s"]
                result["added_over_uncompiled_start_s"][p] = round(added, 2)
    if "start_to_ready_s" in result.get("serve_graph", {}):
        base = result["serve_graph"]["start_to_ready_s"]
        result["serve_added_over_uncompiled_start_s"] = {
            p: round(result[p]["start_to_ready_s"] - base, 2)
            for p in ("serve_cold", "serve_warm", "serve_warm2")
            if "start_to_ready_s" in result.get(p, {})
        }
    if "decode_tok_s_b1" in cold and "decode_tok_s_b1" in warm:
        result["warm_vs_cold_tok_s"] = round(warm["decode_tok_s_b1"] / cold["decode_tok_s_b1"], 3)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
