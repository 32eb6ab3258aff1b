"""A `/v1/realtime` client for `carellm talk`: a WAV file or the microphone in, captions printed,
the reply's audio to a WAV file or the speaker.

It speaks only the protocol, so the same code talks to a server across the network (`--url`)
and to one started in this process on 127.0.0.1. A WAV turn is push-to-talk (the file is one
turn, committed when sent); the microphone uses the server's voice activity detection, and
speech that starts while the reply plays stops the playback at once (barge-in).
"""

from __future__ import annotations

import base64
import json
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from carellm.errors import ConfigError, InputError
from carellm.media import OUTPUT_SAMPLE_RATE, load_audio, to_wav_bytes
from carellm.serve.realtime.audio import resample

CHUNK_S = 0.1
Say = Callable[[str, str], None]  # say(who, text): a caption ("you", "counselor", "note")


@dataclass
class TalkResult:
    audio: list[np.ndarray] = field(default_factory=list)  # the replies' 24 kHz audio
    crisis: bool = False
    errors: list[str] = field(default_factory=list)


def ws_url(url: str, model: str | None, lang: str | None) -> str:
    base = url.rstrip("/")
    base = base.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
    if not base.endswith("/realtime"):
        base += "/realtime" if base.endswith("/v1") else "/v1/realtime"
    query = "&".join(f"{k}={v}" for k, v in (("model", model), ("lang", lang)) if v)
    return f"{base}?{query}" if query else base


def _connect(url: str, api_key: str | None) -> Any:
    from websockets.sync.client import connect

    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    try:
        return connect(url, additional_headers=headers, max_size=None, open_timeout=30)
    except OSError as exc:
        raise ConfigError(f"Cannot reach {url}: {exc}.", "Check --url and that the server runs.") from exc


def _pcm16(audio: np.ndarray) -> str:
    return base64.b64encode((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()).decode("ascii")


class Conversation:
    """Reads server events and turns them into captions, audio and a result."""

    def __init__(self, ws: Any, say: Say, play: Callable[[np.ndarray], None] | None = None) -> None:
        self.ws, self.say, self.play = ws, say, play
        self.result = TalkResult()
        self.on_speech: Callable[[], None] | None = None

    def send(self, event: dict[str, Any]) -> None:
        self.ws.send(json.dumps(event))

    def handle(self, event: dict[str, Any]) -> str:
        kind = event.get("type", "")
        if kind == "carellm" and event.get("kind") == "disclaimer":
            self.say("note", event["text"])
        elif kind == "carellm" and event.get("kind") == "turn":
            self.result.crisis |= bool(event["info"].get("crisis"))
        elif kind == "conversation.item.input_audio_transcription.completed" and event.get("transcript"):
            self.say("you", event["transcript"])
        elif kind in ("response.output_audio_transcript.done", "response.output_text.done"):
            self.say("counselor", event.get("transcript") or event.get("text") or "")
        elif kind == "response.output_audio.delta":
            pcm = np.frombuffer(base64.b64decode(event["delta"]), dtype="<i2").astype(np.float32) / 32768
            self.result.audio.append(pcm)
            if self.play is not None:
                self.play(pcm)
        elif kind == "input_audio_buffer.speech_started" and self.on_speech is not None:
            self.on_speech()
        elif kind == "error":
            message = event["error"]["message"]
            self.result.errors.append(message)
            self.say("error", message)
        return kind

    def until_done(self) -> None:
        while True:
            event = json.loads(self.ws.recv(timeout=600))
            kind = self.handle(event)
            if kind == "response.done" or (
                kind == "error" and event["error"].get("code") == "invalid_api_key"
            ):
                return


def talk_wav(url: str, api_key: str | None, wav: Path, say: Say, lang: str | None = None) -> TalkResult:
    """One spoken turn from a WAV file: sent, committed, answered; the reply's audio returned."""
    audio = load_audio(str(wav))  # 16 kHz mono
    pcm = resample(audio, 16_000, 24_000)
    with _connect(ws_url(url, None, lang), api_key) as ws:
        talk = Conversation(ws, say)
        talk.handle(json.loads(ws.recv(timeout=60)))  # session.created
        talk.send(
            {
                "type": "session.update",
                "session": {"type": "realtime", "audio": {"input": {"turn_detection": None}}},
            }
        )
        step = int(24_000 * CHUNK_S)
        for start in range(0, len(pcm), step):
            talk.send({"type": "input_audio_buffer.append", "audio": _pcm16(pcm[start : start + step])})
        talk.send({"type": "input_audio_buffer.commit"})
        talk.send({"type": "response.create"})
        talk.until_done()
    return talk.result


def write_wav(path: Path, pieces: list[np.ndarray]) -> None:
    audio = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    try:
        path.write_bytes(to_wav_bytes(audio, OUTPUT_SAMPLE_RATE))
    except OSError as exc:
        raise InputError(f"Could not write {path}: {exc.strerror}.", "Choose a writable path.") from exc


def talk_live(
    url: str,
    api_key: str | None,
    say: Say,
    lang: str | None = None,
    silence_ms: int = 500,
    threshold: float = 0.5,
) -> None:
    """Microphone in, speaker out, until Ctrl+C; the server detects turns (`silence_ms` of quiet
    ends one), speech interrupts the reply."""
    try:
        import sounddevice as sd

        sd.check_input_settings(samplerate=24_000, channels=1, dtype="int16")
        sd.check_output_settings(samplerate=OUTPUT_SAMPLE_RATE, channels=1, dtype="float32")
    except (ImportError, OSError) as exc:
        raise ConfigError(
            f"No microphone or speaker could be opened ({exc}).",
            "Install sounddevice and PortAudio (pip install 'carellm[voice]'), or use "
            "--input-wav FILE --output-wav FILE.",
        ) from exc
    except Exception as exc:  # sounddevice's PortAudioError and ValueError for a missing device
        raise ConfigError(
            f"No microphone or speaker could be opened ({exc}).", "Use --input-wav FILE --output-wav FILE."
        ) from exc
    playback: queue.Queue[np.ndarray] = queue.Queue()

    def speaker() -> None:
        with sd.OutputStream(samplerate=OUTPUT_SAMPLE_RATE, channels=1, dtype="float32") as out:
            while (piece := playback.get()) is not None:
                out.write(piece.reshape(-1, 1))

    def barge_in() -> None:
        while not playback.empty():
            playback.get_nowait()  # what has not been played yet is dropped

    with _connect(ws_url(url, None, lang), api_key) as ws:
        talk = Conversation(ws, say, play=playback.put)
        talk.on_speech = barge_in
        threading.Thread(target=speaker, name="carellm-talk-speaker", daemon=True).start()
        vad = {"type": "server_vad", "silence_duration_ms": silence_ms, "threshold": threshold}
        talk.send(
            {
                "type": "session.update",
                "session": {"type": "realtime", "audio": {"input": {"turn_detection": vad}}},
            }
        )

        def mic(data: Any, frames: int, time: Any, status: Any) -> None:
            talk.send({"type": "input_audio_buffer.append", "audio": base64.b64encode(bytes(data)).decode()})

        with sd.RawInputStream(
            samplerate=24_000, channels=1, dtype="int16", blocksize=int(24_000 * CHUNK_S), callback=mic
        ):
            # A terminal has no echo cancellation: the reply heard by the microphone would interrupt itself.
            say("note", "Listening (use headphones). Speak; Ctrl+C ends the session.")
            try:
                while True:
                    talk.handle(json.loads(ws.recv()))
            except KeyboardInterrupt:
                pass
