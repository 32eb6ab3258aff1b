"""End of user speech -> first reply audio byte, over /v1/realtime and, beside it in the same run,
over HTTP chat completions (the baseline: the same WAV sent as input_audio in a server-side
session, streamed pcm16 reply).

Realtime: the WAV is streamed at real time in 100 ms chunks with 1.2 s of quiet after it (server
VAD, default 500 ms silence), and the clock starts when the chunk holding the last speech sample
is sent, so the figure includes the detector's wait for the quiet. `after_stop_ms` is the part
after `speech_stopped`. HTTP: the clock starts when the request is sent (push-to-talk).
Clients run in a separate process, so they do not share the server's interpreter.

Prints ONE JSON line.

    python bench/realtime_latency.py [--model DIR] [--turns 5] [--sessions 1,8]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's carellm, not an installed one

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

SENTENCE = "I have been feeling very stressed and tired lately."
KEY = "bench"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def realtime_session(url: str, wav: str, turns: int) -> list[tuple[float, float]]:
    """One connection, `turns` spoken turns: (end of speech -> first audio, speech_stopped -> first audio)."""
    import numpy as np
    import soundfile as sf
    from scipy.signal import resample_poly
    from websockets.sync.client import connect

    audio, rate = sf.read(wav, dtype="float32")
    speech = resample_poly(audio, 24_000, rate).astype(np.float32)
    quiet = np.zeros(int(24_000 * 1.2), dtype=np.float32)
    pcm = (np.clip(np.concatenate([np.zeros(12_000, np.float32), speech, quiet]), -1, 1) * 32767).astype(
        "<i2"
    )
    speech_end = 12_000 + len(speech)
    step = 2400
    results = []
    ws_url = url.replace("http://", "ws://") + "/v1/realtime?lang=en"
    with connect(ws_url, additional_headers={"Authorization": f"Bearer {KEY}"}, max_size=None) as ws:
        for _ in range(turns):
            ended = stopped = None
            began = time.perf_counter()
            for n, start in enumerate(range(0, len(pcm), step)):
                chunk = pcm[start : start + step].tobytes()
                time.sleep(max(0.0, began + n * 0.1 - time.perf_counter()))  # real time
                ws.send(
                    json.dumps(
                        {"type": "input_audio_buffer.append", "audio": base64.b64encode(chunk).decode()}
                    )
                )
                if ended is None and start + step >= speech_end:
                    ended = time.perf_counter()
                while True:  # read what came meanwhile without waiting
                    try:
                        event = json.loads(ws.recv(timeout=0))
                    except TimeoutError:
                        break
                    if event["type"] == "input_audio_buffer.speech_stopped":
                        stopped = time.perf_counter()
            first = None
            while True:
                event = json.loads(ws.recv(timeout=600))
                kind = event["type"]
                if kind == "input_audio_buffer.speech_stopped":
                    stopped = time.perf_counter()
                elif kind == "response.output_audio.delta" and first is None:
                    first = time.perf_counter()
                elif kind == "response.done":
                    break
            if first is not None and ended is not None:
                results.append((first - ended, first - (stopped or ended)))
    return results


def http_turns(url: str, wav: str, turns: int) -> list[float]:
    """`turns` streamed chat completions with the WAV as input_audio: request -> first audio."""
    import httpx

    data = base64.b64encode(Path(wav).read_bytes()).decode()
    body = {
        "model": "carellm",
        "messages": [
            {
                "role": "user",
                "content": [{"type": "input_audio", "input_audio": {"data": data, "format": "wav"}}],
            }
        ],
        "modalities": ["text", "audio"],
        "audio": {"voice": "Chelsie", "format": "pcm16"},
        "stream": True,
        # A server-side session, as a realtime connection has: later turns carry the earlier ones.
        "carellm": {"lang": "en", "session_id": f"bench-{time.time_ns()}"},
    }
    results = []
    with httpx.Client(timeout=600) as client:
        for _ in range(turns):
            began = time.perf_counter()
            first = None
            with client.stream(
                "POST", f"{url}/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {KEY}"}
            ) as resp:
                resp.raise_for_status()
                for line in resp.iter_lines():
                    if first is None and '"audio"' in line and '"data"' in line:
                        first = time.perf_counter()
            if first is not None:
                results.append(first - began)
    return results


def clients(url: str, wav: str, turns: int, sessions: int) -> dict:
    """In the clients' process: `sessions` HTTP conversations at once (the baseline), then
    `sessions` realtime connections at once."""
    with ThreadPoolExecutor(max_workers=sessions) as pool:
        http = [t for one in pool.map(lambda _: http_turns(url, wav, turns), range(sessions)) for t in one]
        per_session = list(pool.map(lambda _: realtime_session(url, wav, turns), range(sessions)))
    realtime = [r for session in per_session for r in session]
    return {"http": http, "realtime": [r[0] for r in realtime], "after_stop": [r[1] for r in realtime]}


def stats(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    ms = lambda v: round(v * 1000, 1)  # noqa: E731
    return {"n": len(values), "p50": ms(statistics.median(values)), "p95": ms(percentile(values, 95))}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=None, help="A checkpoint folder (default: the tiny random model).")
    parser.add_argument("--turns", type=int, default=5)
    parser.add_argument("--sessions", default="1", help="Concurrent realtime sessions, e.g. 1,8.")
    parser.add_argument("--max-new-tokens", type=int, default=16)
    args = parser.parse_args()

    from carellm.backends.omni import OmniBackend
    from carellm.config import Settings
    from carellm.counseling.counselor import Counselor
    from carellm.dev.tiny_model import make_tiny_model
    from carellm.serve.app import create_app
    from carellm.serve.settings import ServeSettings

    tmp = Path(tempfile.mkdtemp(prefix="carellm-bench-"))
    model = args.model or str(make_tiny_model(tmp / "tiny"))
    wav = tmp / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(wav), SENTENCE], check=True, capture_output=True)
    settings = Settings(model=model, max_new_tokens=args.max_new_tokens, temperature=0.0, seed=0, lang="en",
                        max_speech_seconds=4)  # fmt: skip
    backend = OmniBackend.load(settings)
    counselor = Counselor(backend, settings)

    import multiprocessing
    import socket
    import threading
    from concurrent.futures import ProcessPoolExecutor

    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    serve_settings = ServeSettings(rate_limit_per_minute=10**6, max_waiting=64, api_keys=[KEY])
    server = uvicorn.Server(uvicorn.Config(create_app(counselor, serve_settings), log_level="warning"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    runs = {}
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pool.submit(clients, url, str(wav), 1, 1).result()  # warm-up; also speaks the crisis response ahead
        for sessions in [int(s) for s in args.sessions.split(",")]:
            got = pool.submit(clients, url, str(wav), args.turns, sessions).result()
            runs[f"{sessions}_sessions"] = {
                "http_baseline_first_audio_ms": stats(got["http"]),
                "realtime_end_of_speech_to_first_audio_ms": stats(got["realtime"]),
                "realtime_speech_stopped_to_first_audio_ms": stats(got["after_stop"]),
            }
    server.should_exit = True
    import torch

    print(
        json.dumps(
            {
                "bench": "realtime_latency",
                "model": "tiny random Qwen2.5-Omni" if args.model is None else args.model,
                "device": "cuda" if torch.cuda.is_available() else "cpu",
                "turns_per_session": args.turns,
                "vad_silence_ms": 500,
                **runs,
            }
        )
    )


if __name__ == "__main__":
    main()
