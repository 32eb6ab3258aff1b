"""Chunked token2wav: speech codes become 24 kHz audio a window at a time.

Qwen2.5-Omni's token2wav is a DiT (codes -> mel, 10-point RK4 flow matching) and a BigVGAN
vocoder (mel -> wave). Run over a whole utterance, nothing plays until the talker has made
its last code. The DiT was trained with *block* attention (`block_size` mel frames; a few
layers see one block back or ahead), which is what lets it run on a window of codes: each
window is the kept chunk plus `past` frames of left context and `future` frames of
look-ahead, all block-aligned, and only the chunk is kept. The vocoder then runs on the
kept mel with `vocoder_context` frames either side and holds back the last few frames
until the next chunk provides their right context. The geometry (3-block chunks, 2 blocks
back, 1 ahead, 20 vocoder frames) follows the official Qwen streaming code2wav.

The flow-matching noise is drawn once for the longest possible utterance *before* the
talker starts, so every window starts from the same noise the unchunked run would use
(`full_waveform`), and the talker's sampling never races with it for the RNG.

What is exact and what is not: an utterance that fits one window (<= chunk + future frames,
~1 s) gives the unchunked waveform. Longer ones differ: the DiT's receptive field over its
36 evaluations is the whole utterance, a window sees 6 blocks; the vocoder sees 20 frames
either side of a cut. docs/perf.md reports the measured gap.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import torch

NUM_STEPS = 10  # token2wav's own defaults (Qwen2_5OmniToken2WavModel.forward)
GUIDANCE = 0.5
SWAY = -1.0


@dataclass(frozen=True)
class ChunkPlan:
    """Window geometry in mel frames (a code is `repeats` frames, a frame `hop` samples)."""

    block: int
    repeats: int
    hop: int
    chunk: int
    past: int
    future: int
    vocoder_context: int

    @classmethod
    def for_model(
        cls,
        token2wav,
        chunk_blocks: int = 3,
        past_blocks: int = 2,
        future_blocks: int = 1,
        vocoder_context: int = 20,
    ) -> ChunkPlan:
        dit, vocoder = token2wav.config.dit_config, token2wav.config.bigvgan_config
        block = dit.block_size
        chunk = chunk_blocks * block
        return cls(
            block=block,
            repeats=dit.repeats,
            hop=int(np.prod(vocoder.upsample_rates)),
            chunk=chunk,
            past=past_blocks * block,
            future=future_blocks * block,
            vocoder_context=min(vocoder_context, chunk),
        )


def draw_noise(token2wav, max_codes: int, device) -> torch.Tensor:
    """The flow's starting noise for up to `max_codes` codes, (1, frames, mel_dim) float32."""
    dit = token2wav.config.dit_config
    return torch.randn(1, max_codes * dit.repeats, dit.mel_dim, device=device, dtype=torch.float32)


def flow_times(steps: int, device, dtype) -> torch.Tensor:
    """token2wav's time grid: `steps` points on [0, 1], swayed toward 0."""
    t = torch.linspace(0, 1, steps, device=device, dtype=dtype)
    return t + SWAY * (torch.cos(torch.pi / 2 * t) - 1 + t)


def integrate_rk4(velocity: Callable, times: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """The end point of transformers' `RungeKutta4ODESolver(velocity, x).integrate(times)`.

    Same arithmetic in the same order (so the same numbers), without its host-side comparisons
    of time tensors: nothing here waits for the GPU, which lets a window be graph-captured.
    """
    third, two_thirds = 1 / 3, 2 / 3
    for i in range(len(times) - 1):
        t0, t1 = times[i], times[i + 1]
        dt = t1 - t0
        k1 = velocity(t0, x)
        k2 = velocity(t0 + dt * third, x + dt * k1 * third)
        k3 = velocity(t0 + dt * two_thirds, x + dt * (k2 - k1 * third))
        k4 = velocity(t1, x + dt * (k1 - k2 + k3))
        x = x + (k1 + 3 * (k2 + k3) + k4) * dt / 8
    return x


def sample_mel(
    token2wav,
    codes: torch.Tensor,
    cond: torch.Tensor,
    ref_mel: torch.Tensor,
    noise: torch.Tensor,
    dit: Callable | None = None,
):
    """The DiT's ODE from the given noise: transformers' `sample`, which draws its own.

    `dit`: the DiT to evaluate (a compiled one); default the model's own.
    """
    dit = token2wav.code2wav_dit_model if dit is None else dit
    speaker = cond.unsqueeze(1).repeat(1, noise.shape[1], 1)

    def velocity(t, x):
        out = dit(
            hidden_states=x,
            quantized_code=codes,
            speaker_embedding=speaker,
            condition_vector=ref_mel,
            time_step=t,
            apply_cfg=True,
        )
        guided, null = torch.chunk(out, 2, dim=0)
        return guided + (guided - null) * GUIDANCE

    return integrate_rk4(velocity, flow_times(NUM_STEPS, noise.device, speaker.dtype), noise)


def vocode(token2wav, mel: torch.Tensor) -> torch.Tensor:
    """BigVGAN over (1, frames, mel_dim): frames * hop samples, 1-D, on the mel's device."""
    return vocoder_body(token2wav, vocoder_input(token2wav, mel))


def vocoder_input(token2wav, mel: torch.Tensor) -> torch.Tensor:
    """BigVGAN's own mel scaling (it copies a constant from the host: not graph-capturable)."""
    return token2wav.code2wav_bigvgan_model.process_mel_spectrogram(mel.permute(0, 2, 1))


def vocoder_body(token2wav, spectrogram: torch.Tensor) -> torch.Tensor:
    """The rest of BigVGAN's forward, without the `.cpu()` it ends in (a CUDA graph cannot hold
    that); equality with the model's forward is tested."""
    v = token2wav.code2wav_bigvgan_model
    x = v.conv_pre(spectrogram)
    n = v.num_residual_blocks
    for i in range(v.num_upsample_layers):
        x = v.ups[i][0](x)
        x = sum(v.resblocks[i * n + j](x) for j in range(n)) / n
    return torch.clamp(v.conv_post(v.activation_post(x)), min=-1.0, max=1.0).reshape(-1)


def full_waveform(token2wav, codes: list[int], cond, ref_mel, noise) -> np.ndarray:
    """The unchunked waveform from the same noise: the reference the chunked one is held to."""
    with torch.inference_mode():
        ids = torch.tensor([codes], dtype=torch.long, device=noise.device)
        mel = sample_mel(
            token2wav, ids, cond, ref_mel, noise[:, : len(codes) * token2wav.config.dit_config.repeats]
        )
        return vocode(token2wav, mel).float().cpu().numpy()


def stream_waveform(
    token2wav,
    codes: Iterable[int],
    cond: torch.Tensor,
    ref_mel: torch.Tensor,
    noise: torch.Tensor,
    plan: ChunkPlan | None = None,
    graphs: WindowGraphs | None = None,
) -> Iterator[np.ndarray]:
    """Yield float32 24 kHz audio pieces as soon as enough of `codes` has arrived.

    `codes` is pulled lazily, so a talker feeding it is still running while the first
    pieces are made. The pieces concatenate to `len(codes) * repeats * hop` samples.
    `graphs` replays the recurring window shapes from CUDA graphs (same numbers).
    """
    plan = plan or ChunkPlan.for_model(token2wav)
    dit = graphs.sample_mel if graphs is not None else partial(sample_mel, token2wav)
    vocoder = graphs.vocode if graphs is not None else partial(vocode, token2wav)
    device = noise.device
    side = torch.cuda.Stream(device) if device.type == "cuda" else None
    if side is not None:
        side.wait_stream(torch.cuda.current_stream(device))
    got: list[int] = []
    source = iter(codes)
    done = False
    window = 0
    mel = torch.zeros(1, 0, noise.shape[2], dtype=torch.float32, device=device)  # kept frames so far
    spoken = 0  # frames whose audio has been yielded

    def frames() -> int:
        return len(got) * plan.repeats

    while True:
        start = window * plan.chunk
        # Pull codes until this window's chunk and look-ahead are covered, or the talker stops.
        while not done and frames() < start + plan.chunk + plan.future:
            try:
                got.append(next(source))
            except StopIteration:
                done = True
        if len(got) * plan.repeats > noise.shape[1]:
            raise ValueError(f"{len(got)} codes exceed the noise drawn for {noise.shape[1] // plan.repeats}")
        total = frames()
        if start >= total:
            return
        last = done and total - start <= plan.chunk + plan.future
        keep_end = total if last else start + plan.chunk
        with torch.inference_mode(), torch.cuda.stream(side) if side is not None else nullcontext():
            lo, hi = max(0, start - plan.past), min(total, keep_end + plan.future)
            ids = torch.tensor(
                [got[lo // plan.repeats : hi // plan.repeats]], dtype=torch.long, device=device
            )
            out = dit(ids, cond, ref_mel, noise[:, lo:hi])
            mel = torch.cat([mel, out[:, start - lo : keep_end - lo].float()], dim=1)
            upto = keep_end if last else keep_end - plan.vocoder_context
            piece = None
            if upto > spoken:
                ctx = max(0, spoken - plan.vocoder_context)
                wave = vocoder(mel[:, ctx:keep_end])
                piece = wave[(spoken - ctx) * plan.hop : (upto - ctx) * plan.hop].float().cpu().numpy()
                spoken = upto
        if piece is not None and piece.size:
            yield piece
        if last:
            return
        window += 1


class WindowGraphs:
    """token2wav windows replayed from CUDA graphs, one per window shape.

    Run eagerly, one window is ~25,000 small kernel launches (36 DiT evaluations x 22
    layers, then BigVGAN), so on a GPU a window cost about as much as a whole utterance
    (docs/perf.md, run 4). The first window, the middle ones and their vocoder spans always
    have the same shapes (`ChunkPlan`); an utterance's last window has one of a few dozen
    lengths. Each shape is captured the first time it is seen (that run costs what an eager
    one does) and replayed after. The graphs share one memory pool (windows never run at the
    same time: the backend's lock) and read static input buffers that each call fills;
    their output is copied out before the next replay.
    """

    def __init__(self, token2wav, tf32: bool = False, compile: bool = False) -> None:
        """`compile`: the captured DiT is torch.compile'd first (its small kernels fused; the first
        window of each shape then takes a minute or more to compile)."""
        self.token2wav = token2wav
        self.tf32 = tf32
        self._dit = torch.compile(token2wav.code2wav_dit_model, dynamic=False) if compile else None
        self._graphs: dict[tuple, _Replay] = {}
        self._pool: Any = None  # torch.cuda.graph_pool_handle(), made on first capture

    def sample_mel(self, codes, cond, ref_mel, noise) -> torch.Tensor:
        """The DiT window; `tf32`: its float32 matmuls on the tensor cores (docs/perf.md: cost)."""
        if noise.device.type != "cuda":
            return sample_mel(self.token2wav, codes, cond, ref_mel, noise)
        with tf32_matmuls(self.tf32):
            key = ("dit", noise.shape[1], ref_mel.shape[1])
            captured = partial(sample_mel, self.token2wav, dit=self._dit)
            return self._replay(key, captured, codes, cond, ref_mel, noise)

    def vocode(self, mel: torch.Tensor) -> torch.Tensor:
        if mel.device.type != "cuda":
            return vocode(self.token2wav, mel)
        spectrogram = vocoder_input(self.token2wav, mel)
        body = partial(vocoder_body, self.token2wav)
        return self._replay(("vocoder", mel.shape[1]), body, spectrogram)

    def _replay(self, key: tuple, fn: Callable, *args: torch.Tensor) -> torch.Tensor:
        replay = self._graphs.get(key)
        if replay is None:
            if self._pool is None:
                self._pool = torch.cuda.graph_pool_handle()
            replay = self._graphs[key] = _Replay(fn, args, self._pool)
        return replay(args)


@contextmanager
def tf32_matmuls(on: bool) -> Iterator[None]:
    """float32 matmuls in TF32 inside the block (a graph captured here keeps them so).

    The DiT is compute-bound in float32 (~3.8 TFLOP a window at the 7B's shapes); the bf16
    thinker and talker running beside it are unaffected by this switch.
    """
    matmul = torch.backends.cuda.matmul
    before = matmul.fp32_precision
    if on:
        matmul.fp32_precision = "tf32"
    try:
        yield
    finally:
        matmul.fp32_precision = before


class _Replay:
    """`fn` over static copies of its inputs, captured once in a CUDA graph."""

    def __init__(self, fn: Callable, args: tuple[torch.Tensor, ...], pool=None) -> None:
        self.inputs = [a.clone() for a in args]
        here = torch.cuda.current_stream()
        warm = torch.cuda.Stream()
        warm.wait_stream(here)
        with torch.cuda.stream(warm):  # lazy initialisation (cuBLAS, cuDNN plans) outside the capture
            fn(*self.inputs)
        here.wait_stream(warm)
        self.graph = torch.cuda.CUDAGraph()
        # thread_local: the talker's thread keeps decoding (and syncing) while this captures.
        with torch.cuda.graph(self.graph, pool=pool, capture_error_mode="thread_local"):
            self.output = fn(*self.inputs)

    def __call__(self, args: tuple[torch.Tensor, ...]) -> torch.Tensor:
        for buffer, value in zip(self.inputs, args, strict=True):
            buffer.copy_(value)
        self.graph.replay()
        return self.output.clone()


class Prefetch:
    """Run `produce(put, stop)` in a thread and iterate what it puts, as it arrives.

    Lets the talker keep decoding codes while token2wav works on the ones already made.
    `close()` asks the producer to stop and waits for it; a producer's exception is
    re-raised in the consumer.
    """

    _END = object()

    def __init__(self, produce: Callable[[Callable[[int], None], Callable[[], bool]], None]) -> None:
        self._queue: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._failure: list[BaseException] = []

        def run() -> None:
            try:
                produce(self._queue.put, self._stop.is_set)
            except BaseException as exc:  # handed to the consumer
                self._failure.append(exc)
            finally:
                self._queue.put(self._END)

        self._thread = threading.Thread(target=run, name="carellm-talker", daemon=True)
        self._thread.start()

    def __iter__(self) -> Iterator[int]:
        while True:
            item = self._queue.get()
            if item is self._END:
                if self._failure:
                    raise self._failure[0]
                return
            yield item

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
