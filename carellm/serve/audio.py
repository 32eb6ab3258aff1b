"""Spoken replies in the formats OpenAI's audio API names: wav, pcm16, mp3, opus, flac.

pcm16 is raw little-endian 16-bit mono at 24 kHz (what OpenAI streams); the others are files.
"""

from __future__ import annotations

import io

import numpy as np

from carellm.media import OUTPUT_SAMPLE_RATE, to_wav_bytes
from carellm.serve.protocol import AudioOutFormat


def to_pcm16(audio: np.ndarray) -> bytes:
    return (np.clip(np.asarray(audio, dtype=np.float32), -1.0, 1.0) * 32767).astype("<i2").tobytes()


def _encode_with_av(audio: np.ndarray, container: str, codec: str) -> bytes:
    import av

    buf = io.BytesIO()
    pcm = (np.clip(np.asarray(audio, dtype=np.float32), -1.0, 1.0) * 32767).astype(np.int16)
    with av.open(buf, "w", format=container) as out:
        stream = out.add_stream(codec, rate=OUTPUT_SAMPLE_RATE, layout="mono")
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = OUTPUT_SAMPLE_RATE
        for packet in stream.encode(frame):  # type: ignore[union-attr, arg-type]  # an audio stream
            out.mux(packet)
        for packet in stream.encode(None):  # type: ignore[union-attr]
            out.mux(packet)
    return buf.getvalue()


def encode_audio(audio: np.ndarray, fmt: AudioOutFormat) -> bytes:
    if fmt == "pcm16":
        return to_pcm16(audio)
    if fmt == "wav":
        return to_wav_bytes(audio, OUTPUT_SAMPLE_RATE)
    if fmt == "flac":
        import soundfile as sf

        buf = io.BytesIO()
        sf.write(buf, np.clip(audio, -1.0, 1.0), OUTPUT_SAMPLE_RATE, format="FLAC")
        return buf.getvalue()
    if fmt == "mp3":
        return _encode_with_av(audio, "mp3", "libmp3lame")
    return _encode_with_av(audio, "ogg", "libopus")
