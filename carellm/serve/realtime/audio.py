"""PCM16 in and out of a realtime connection, and the voice activity detector that takes turns.

Audio arrives as base64 little-endian 16-bit mono at the session's input rate (24 kHz by
default, as OpenAI's clients send) and is resampled to the 16 kHz the model and the detector
read; replies leave as 24 kHz PCM16, the talker's own rate. The detector is silero-vad, which
ships its model in the package (no download): under 1 ms of CPU for each 32 ms window, on
threads of its own where torch runs single-threaded (`in_vad_thread`).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import copy
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, TypeVar

import numpy as np

from carellm.errors import InputError
from carellm.media import INPUT_SAMPLE_RATE, OUTPUT_SAMPLE_RATE
from carellm.serve.audio import to_pcm16

T = TypeVar("T")
WINDOW = 512  # samples at 16 kHz: the window silero-vad reads (32 ms)
WINDOW_MS = WINDOW * 1000 // INPUT_SAMPLE_RATE


def decode_pcm16(data: str, rate: int) -> np.ndarray:
    """A base64 PCM16 chunk at `rate` as 16 kHz float32 (raises InputError on bad data)."""
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise InputError(
            "The audio is not valid base64.", "Send base64 of raw little-endian 16-bit mono PCM."
        ) from None
    if len(raw) % 2:
        raise InputError(
            f"The audio has {len(raw)} bytes, an odd number: it is not 16-bit PCM.",
            "Send raw little-endian 16-bit mono PCM (no WAV header, no other encoding).",
        )
    samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    return resample(samples, rate, INPUT_SAMPLE_RATE)


def encode_pcm16(audio: np.ndarray) -> str:
    """24 kHz float audio as base64 PCM16 (what `response.output_audio.delta` carries)."""
    return base64.b64encode(to_pcm16(audio)).decode("ascii")


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Polyphase resampling (24 kHz -> 16 kHz is up 2, down 3)."""
    if rate == target or not len(samples):
        return samples.astype(np.float32, copy=False)
    from scipy.signal import resample_poly

    ratio = Fraction(target, rate)
    return resample_poly(samples, ratio.numerator, ratio.denominator).astype(np.float32)


def samples_ms(samples: int, rate: int = INPUT_SAMPLE_RATE) -> int:
    return samples * 1000 // rate


def output_ms(samples: int) -> int:
    return samples_ms(samples, OUTPUT_SAMPLE_RATE)


# ---------------------------------------------------------------- voice activity detection
_model: Any = None
_model_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def one_torch_thread() -> None:
    import torch

    torch.set_num_threads(1)  # per thread (OpenMP): the model's own threads keep their setting


async def in_vad_thread(fn: Callable[..., T], *args: Any) -> T:
    """Run `fn` on the detector's threads, where torch uses one thread. silero-vad's windows are
    tiny: measured on 2 busy cores, 0.5 ms a window with one torch thread against 34-44 ms
    (longer than the 32 ms window itself) with two, which spin against each other."""
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(2, thread_name_prefix="carellm-vad", initializer=one_torch_thread)
    return await asyncio.get_running_loop().run_in_executor(_pool, lambda: fn(*args))


def silero_model() -> Any:
    """A fresh copy of silero-vad's TorchScript model (it keeps state between windows, so each
    connection has its own; the file is read once per process)."""
    global _model
    with _model_lock:
        if _model is None:
            import torch

            threads = torch.get_num_threads()
            try:
                from silero_vad import load_silero_vad  # its import sets torch to one thread
            except ImportError:
                from carellm.errors import ConfigError

                raise ConfigError(
                    "Server voice activity detection needs the silero-vad package.",
                    "pip install 'carellm[serve]', or send turn_detection null and commit turns yourself.",
                ) from None
            finally:
                torch.set_num_threads(threads)
            _model = load_silero_vad()
            warm = torch.zeros(WINDOW)
            for _ in range(3):  # TorchScript profiles and optimises its first calls (~200 ms each)
                _model(warm, INPUT_SAMPLE_RATE)
            _model.reset_states()
        return copy.deepcopy(_model)


@dataclass(frozen=True)
class VadConfig:
    threshold: float = 0.5  # speech probability that starts speech
    silence_ms: int = 500  # this much quiet ends it
    prefix_ms: int = 300  # audio kept from before speech started


@dataclass(frozen=True)
class SpeechStarted:
    audio_start_ms: int


@dataclass(frozen=True)
class SpeechStopped:
    audio_end_ms: int
    audio: np.ndarray  # 16 kHz: the speech, with its prefix and the trailing quiet


VadEvent = SpeechStarted | SpeechStopped


class VoiceActivity:
    """Finds where speech starts and stops in a stream of 16 kHz audio.

    Speech starts at the first window at or above `threshold` and stops after `silence_ms` of
    windows below `threshold - 0.15` (silero's own hysteresis, so a soft syllable does not end
    it). Not thread-safe: one connection feeds it, in order.
    """

    def __init__(self, config: VadConfig, model: Any | None = None) -> None:
        self.config = config
        self.model = model if model is not None else silero_model()
        self.pending = np.zeros(0, dtype=np.float32)  # less than a window, not read yet
        self.heard = 0  # samples read since the connection began
        self.speaking = False
        self.quiet = 0  # samples of quiet since the last speech window
        self.kept: list[np.ndarray] = []  # the speech so far, or the recent prefix before it

    def feed(self, samples: np.ndarray) -> list[VadEvent]:
        import torch

        events: list[VadEvent] = []
        audio = np.concatenate([self.pending, samples])
        whole = len(audio) // WINDOW * WINDOW
        self.pending = audio[whole:]
        with torch.inference_mode():
            for start in range(0, whole, WINDOW):
                window = audio[start : start + WINDOW]
                p = float(self.model(torch.from_numpy(np.ascontiguousarray(window)), INPUT_SAMPLE_RATE))
                event = self._step(window, p)
                if event is not None:
                    events.append(event)
        return events

    def _step(self, window: np.ndarray, p: float) -> VadEvent | None:
        cfg = self.config
        self.heard += len(window)
        self.kept.append(window)
        if not self.speaking:
            keep = max(1, cfg.prefix_ms // WINDOW_MS + 1)
            self.kept = self.kept[-keep:]
            if p >= cfg.threshold:
                self.speaking, self.quiet = True, 0
                start = self.heard - sum(len(w) for w in self.kept)
                return SpeechStarted(samples_ms(start))
            return None
        if p >= cfg.threshold - 0.15:
            self.quiet = 0
            return None
        self.quiet += len(window)
        if samples_ms(self.quiet) < cfg.silence_ms:
            return None
        speech = np.concatenate(self.kept)
        self.speaking, self.quiet, self.kept = False, 0, []
        return SpeechStopped(samples_ms(self.heard), speech)

    def reset(self) -> None:
        """Forget the speech under way (the buffer was cleared or committed by hand)."""
        self.speaking, self.quiet, self.kept = False, 0, []
        self.pending = np.zeros(0, dtype=np.float32)
        self.model.reset_states()
