"""The wire formats of OpenAI-compatible peers: request bodies out, chunks back in.

Peers differ in small, documented ways (docs/serve.md has the sources):
  openai     OpenAI's API and `carellm serve`: input_audio {data: base64, format}; audio out
             requested with modalities + audio {voice, format: pcm16}, streamed as base64
             PCM16 (24 kHz) in `delta.audio.data`.
  vllm       vLLM's OpenAI server (Qwen2.5-Omni's thinker only): text out, no audio.
  vllm-omni  `vllm serve ... --omni`: audio_url data URLs; when audio is asked for, one
             non-streamed response whose choices hold the text and, separately, a WAV in
             `message.audio.data`.
  dashscope  Alibaba Cloud Model Studio (compatible mode): stream=True only; input_audio
             data as a data URL; audio {voice, format: wav} streamed as base64 PCM16 at
             24 kHz in `delta.audio.data`; no system message when audio is asked for.
"""

from __future__ import annotations

import base64
import binascii
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Literal

import numpy as np

from carellm.backends.base import Chunk, FinishReason, GenerationOptions, Message
from carellm.config import MediaLimits
from carellm.errors import BackendError
from carellm.media import INPUT_SAMPLE_RATE, OUTPUT_SAMPLE_RATE, MediaItem, to_wav_bytes

Peer = Literal["openai", "vllm", "vllm-omni", "dashscope"]
AUDIO_PEERS: set[str] = {"openai", "vllm-omni", "dashscope"}


def detect_peer(base_url: str, configured: str) -> Peer:
    if configured != "auto":
        return configured  # type: ignore[return-value]
    if "dashscope" in base_url or "aliyuncs.com" in base_url:
        return "dashscope"
    return "openai"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _video_bytes(item: MediaItem) -> bytes:
    if isinstance(item.source, bytes):
        return item.source
    if isinstance(item.source, str | Path):
        return Path(item.source).expanduser().read_bytes()
    raise BackendError("A video must be a file or bytes for a remote model.", "Attach the video file.")


def media_part(item: MediaItem, peer: Peer, limits: MediaLimits) -> dict:
    """One content part; media are validated (and normalised) by carellm.media first."""
    if item.kind == "audio":
        wav = _b64(to_wav_bytes(item.audio(limits), INPUT_SAMPLE_RATE))
        if peer == "vllm-omni":
            return {"type": "audio_url", "audio_url": {"url": f"data:audio/wav;base64,{wav}"}}
        data = f"data:;base64,{wav}" if peer == "dashscope" else wav
        return {"type": "input_audio", "input_audio": {"data": data, "format": "wav"}}
    if item.kind == "image":
        buf = io.BytesIO()
        item.image(limits).save(buf, format="PNG")
        return {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{_b64(buf.getvalue())}"}}
    item.video(limits)  # checked (size, length, frames) here; the peer decodes the file itself
    raw = _video_bytes(item)
    mime = "video/webm" if raw[:4] == b"\x1a\x45\xdf\xa3" else "video/mp4"
    return {"type": "video_url", "video_url": {"url": f"data:{mime};base64,{_b64(raw)}"}}


def wire_messages(
    messages: Sequence[Message], peer: Peer, limits: MediaLimits, audio_out: bool
) -> list[dict]:
    out: list[dict] = []
    system = ""
    for msg in messages:
        if msg.role == "system" and peer == "dashscope" and audio_out:
            system = msg.text  # Model Studio: no system message with audio output; lead the user turn
            continue
        if not msg.media:
            out.append({"role": msg.role, "content": msg.text})
            continue
        parts = [media_part(item, peer, limits) for item in msg.media]
        if msg.text:
            parts.append({"type": "text", "text": msg.text})
        out.append({"role": msg.role, "content": parts})
    if system:
        first = next((m for m in out if m["role"] == "user"), None)
        if first is not None:
            if isinstance(first["content"], str):
                first["content"] = f"{system}\n\n{first['content']}"
            else:
                first["content"].insert(0, {"type": "text", "text": system})
    return out


def request_body(
    messages: Sequence[Message], options: GenerationOptions, model: str, peer: Peer, limits: MediaLimits
) -> dict:
    audio_out = options.audio and peer in AUDIO_PEERS
    body: dict = {
        "model": model,
        "messages": wire_messages(messages, peer, limits, audio_out),
        "max_tokens": options.max_new_tokens,
        "temperature": options.temperature,
        "top_p": options.top_p,
        "stream": not (audio_out and peer == "vllm-omni"),
    }
    if options.seed is not None:
        body["seed"] = options.seed
    if audio_out:
        body["modalities"] = ["text", "audio"]
        body["audio"] = {"voice": options.voice, "format": "wav" if peer == "dashscope" else "pcm16"}
    elif peer == "vllm-omni":
        body["modalities"] = ["text"]  # otherwise vllm-omni runs its talker too
    return body


def decode_audio(pieces: list[str]) -> np.ndarray | None:
    """base64 pieces -> a 24 kHz float32 waveform; a WAV file or raw PCM16 at 24 kHz."""
    if not pieces:
        return None
    try:
        raw = base64.b64decode("".join(pieces))
    except (binascii.Error, ValueError):  # pieces padded one by one
        raw = b"".join(base64.b64decode(p) for p in pieces)
    if raw[:4] == b"RIFF":
        import soundfile as sf

        samples, rate = sf.read(io.BytesIO(raw), dtype="float32", always_2d=False)
        if samples.ndim == 2:
            samples = samples.mean(axis=1)
        if rate != OUTPUT_SAMPLE_RATE:
            import librosa

            samples = librosa.resample(samples, orig_sr=rate, target_sr=OUTPUT_SAMPLE_RATE)
        return np.ascontiguousarray(samples, dtype=np.float32)
    raw = raw[: len(raw) // 2 * 2]
    return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0


def _cut(choice: dict) -> FinishReason | None:
    return "length" if choice.get("finish_reason") == "length" else None


class StreamReader:
    """Turns parsed SSE objects into chunks: text as it comes, the audio once, at the end."""

    def __init__(self) -> None:
        self.audio: list[str] = []
        self.transcript: list[str] = []
        self.saw_content = False
        self.finish_reason: FinishReason | None = None

    def feed(self, obj: dict) -> Iterator[Chunk]:
        if "error" in obj:
            raise upstream_error(200, obj)
        for choice in obj.get("choices") or []:
            self.finish_reason = self.finish_reason or _cut(choice)
            delta = choice.get("delta") or {}
            if delta.get("content"):
                self.saw_content = True
                yield Chunk("text", text=delta["content"])
            audio = delta.get("audio") or {}
            if audio.get("data"):
                self.audio.append(audio["data"])
            if audio.get("transcript") and not self.saw_content:  # OpenAI's own audio models
                yield Chunk("text", text=audio["transcript"])

    def finish(self) -> Iterator[Chunk]:
        waveform = decode_audio(self.audio)
        if waveform is not None and waveform.size:
            yield Chunk("audio", audio=waveform)
        if self.finish_reason:
            yield Chunk("end", finish_reason=self.finish_reason)


def completion_chunks(obj: dict) -> Iterator[Chunk]:
    """A non-streamed response; vllm-omni puts text and audio in separate choices."""
    pieces: list[str] = []
    cut: FinishReason | None = None
    for choice in obj.get("choices") or []:
        cut = cut or _cut(choice)
        message = choice.get("message") or {}
        if message.get("content"):
            yield Chunk("text", text=message["content"])
        audio = message.get("audio") or {}
        if audio.get("data"):
            pieces.append(audio["data"])
    waveform = decode_audio(pieces)
    if waveform is not None and waveform.size:
        yield Chunk("audio", audio=waveform)
    if cut:
        yield Chunk("end", finish_reason=cut)


def upstream_error(status: int, payload: object) -> BackendError:
    message = ""
    if isinstance(payload, dict):
        error = payload.get("error")
        message = error.get("message", "") if isinstance(error, dict) else str(error or "")
    return BackendError(
        f"The remote model server answered HTTP {status}: {message[:300] or 'no details'}.",
        "Check --base-url, --model and the upstream API key (CARELLM_API_KEY), and the server's log.",
    )
