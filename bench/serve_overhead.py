"""The HTTP server's own overhead per request vs calling the session in-process (tiny model, CPU).

Prints ONE JSON line: per-request latency p50/p99 in-process (the baseline) and through
`carellm serve` (httpx, non-streaming, same greedy settings so both produce the same reply),
their difference, and requests/s at 1, 8 and 32 concurrent clients.

    python bench/serve_overhead.py [--requests 40]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's carellm, not an installed one

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def http_clients(url: str, body: dict, requests: int, clients: int) -> tuple[list[float], float]:
    """Run in a separate process, so the clients do not share the server's interpreter (GIL)."""
    import threading

    import httpx

    local = threading.local()

    def one(_: int) -> float:
        client = getattr(local, "client", None) or httpx.Client(timeout=300)
        local.client = client
        began = time.perf_counter()
        resp = client.post(f"{url}/v1/chat/completions", json=body, headers={"Authorization": "Bearer bench"})
        resp.raise_for_status()
        return time.perf_counter() - began

    for i in range(min(10, requests)):
        one(i)  # warm-up (connections, first requests)
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        latencies = list(pool.map(one, range(requests)))
    return latencies, time.perf_counter() - began


class PassGate:
    """Used only when the safety package is not installed, on both sides of the comparison."""

    def check_user_turn(self, text, lang, history):
        from carellm.counseling.hooks import GateDecision

        return GateDecision()

    def check_reply(self, reply, lang):
        from carellm.counseling.hooks import GateDecision

        return GateDecision()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()

    from carellm.backends.omni import OmniBackend
    from carellm.config import Settings
    from carellm.counseling.counselor import Counselor
    from carellm.dev.tiny_model import make_tiny_model
    from carellm.serve.app import create_app
    from carellm.serve.settings import ServeSettings

    model_dir = make_tiny_model(tempfile.mkdtemp(prefix="carellm-bench-"))
    settings = Settings(model=str(model_dir), max_new_tokens=8, temperature=0.0, seed=0, lang="en")
    real_gate = importlib.util.find_spec("carellm.safety.gate") is not None
    counselor = Counselor(OmniBackend.load(settings), settings, gate=None if real_gate else PassGate())
    text = "I have been feeling stressed before my exams."

    def direct() -> float:
        began = time.perf_counter()
        counselor.session(lang="en").send(text)
        return time.perf_counter() - began

    # The server runs each turn in a worker thread; the baseline does too, after the same warm-up.
    with ThreadPoolExecutor(max_workers=1) as worker:
        list(worker.map(lambda _: direct(), range(10)))
        baseline = list(worker.map(lambda _: direct(), range(args.requests)))

    import socket
    import threading

    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    serve_settings = ServeSettings(rate_limit_per_minute=10**6, max_waiting=64, api_keys=["bench"])
    server = uvicorn.Server(uvicorn.Config(create_app(counselor, serve_settings), log_level="warning"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    body = {"model": "carellm", "messages": [{"role": "user", "content": text}], "carellm": {"lang": "en"}}
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    throughput = {}
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as clients_process:
        served, _ = clients_process.submit(http_clients, url, body, args.requests, 1).result()
        for clients in (1, 8, 32):
            total = max(args.requests, clients * 2)
            _, seconds = clients_process.submit(http_clients, url, body, total, clients).result()
            throughput[f"rps_{clients}_clients"] = round(total / seconds, 2)
    server.should_exit = True

    ms = lambda v: round(v * 1000, 2)  # noqa: E731
    result = {
        "bench": "serve_overhead",
        "model": "tiny random Qwen2.5-Omni (CPU)",
        "gate": "carellm.safety" if real_gate else "pass-through",
        "requests": args.requests,
        "baseline_in_process_ms": {
            "p50": ms(statistics.median(baseline)),
            "p99": ms(percentile(baseline, 99)),
        },
        "server_ms": {"p50": ms(statistics.median(served)), "p99": ms(percentile(served, 99))},
        "overhead_ms": {
            "p50": ms(statistics.median(served) - statistics.median(baseline)),
            "p99": ms(percentile(served, 99) - percentile(baseline, 99)),
        },
        **throughput,
        "baseline_rps_in_process": round(1 / statistics.mean(baseline), 2),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
