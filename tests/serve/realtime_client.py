"""A raw `/v1/realtime` client for the tests: the websockets package, JSON events, PCM16 chunks."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly
from websockets.sync.client import ClientConnection, connect


def pcm16_24k(wav: Path, pad_before_s: float = 0.5, pad_after_s: float = 1.2) -> bytes:
    """A WAV as 24 kHz PCM16 with silence around it (so the detector hears a start and an end)."""
    audio, rate = sf.read(str(wav), dtype="float32", always_2d=True)
    mono = audio.mean(axis=1)
    if rate != 24_000:
        mono = resample_poly(mono, 24_000, rate).astype(np.float32)
    quiet = lambda s: np.zeros(int(24_000 * s), dtype=np.float32)  # noqa: E731
    mono = np.concatenate([quiet(pad_before_s), mono, quiet(pad_after_s)])
    return (np.clip(mono, -1, 1) * 32767).astype("<i2").tobytes()


class Client:
    def __init__(self, url: str, key: str | None, query: str = "") -> None:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        ws_url = url.replace("http://", "ws://") + "/v1/realtime" + (f"?{query}" if query else "")
        self.ws: ClientConnection = connect(ws_url, additional_headers=headers, max_size=None).__enter__()
        self.events: list[dict] = []

    def send(self, event: dict) -> None:
        self.ws.send(json.dumps(event))

    def send_audio(self, pcm: bytes, chunk_ms: int = 100) -> None:
        step = 24_000 * 2 * chunk_ms // 1000
        for start in range(0, len(pcm), step):
            self.send(
                {
                    "type": "input_audio_buffer.append",
                    "audio": base64.b64encode(pcm[start : start + step]).decode(),
                }
            )

    def recv(self, timeout: float = 120) -> dict:
        event = json.loads(self.ws.recv(timeout=timeout))
        self.events.append(event)
        return event

    def until(self, predicate, timeout: float = 180) -> dict:
        """Read events until one matches `predicate` (all read are kept in `events`)."""
        deadline = time.monotonic() + timeout
        while True:
            event = self.recv(timeout=max(0.1, deadline - time.monotonic()))
            if predicate(event):
                return event

    def until_type(self, kind: str, timeout: float = 180) -> dict:
        return self.until(lambda e: e["type"] == kind, timeout)

    def check_against_the_sdk(self) -> None:
        """Every server event read (but CareLLM's own `carellm` events) is one the official SDK's
        types accept, field for field."""
        from openai.types.realtime import RealtimeServerEvent
        from pydantic import TypeAdapter

        adapter = TypeAdapter(RealtimeServerEvent)
        for event in self.events:
            if event["type"] != "carellm":
                adapter.validate_python(event)

    def types(self) -> list[str]:
        return [e["type"] for e in self.events]

    def close(self) -> None:
        self.ws.close()
