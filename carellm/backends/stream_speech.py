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
from contextlib import nullcontext
from dataclasses import dataclass

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


def sample_mel(
    token2wav, codes: torch.Tensor, cond: torch.Tensor, ref_mel: torch.Tensor, noise: torch.Tensor
):
    """The DiT's ODE from the given noise: transformers' `sample`, which draws its own."""
    from transformers.models.qwen2_5_omni.modeling_qwen2_5_omni import RungeKutta4ODESolver

    dit = token2wav.code2wav_dit_model
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

    t = torch.linspace(0, 1, NUM_STEPS, device=noise.device, dtype=speaker.dtype)
    t = t + SWAY * (torch.cos(torch.pi / 2 * t) - 1 + t)
    return RungeKutta4ODESolver(function=velocity, initial_value=noise).integrate(t)[-1]  # (1, frames, mel)


def vocode(token2wav, mel: torch.Tensor) -> torch.Tensor:
    """BigVGAN over (1, frames, mel_dim): frames * hop samples, 1-D, on the CPU."""
    return token2wav.code2wav_bigvgan_model(mel.permute(0, 2, 1)).reshape(-1)


def full_waveform(token2wav, codes: list[int], cond, ref_mel, noise) -> np.ndarray:
    """The unchunked waveform from the same noise: the reference the chunked one is held to."""
    with torch.inference_mode():
        ids = torch.tensor([codes], dtype=torch.long, device=noise.device)
        mel = sample_mel(
            token2wav, ids, cond, ref_mel, noise[:, : len(codes) * token2wav.config.dit_config.repeats]
        )
        return vocode(token2wav, mel).float().numpy()


def stream_waveform(
    token2wav,
    codes: Iterable[int],
    cond: torch.Tensor,
    ref_mel: torch.Tensor,
    noise: torch.Tensor,
    plan: ChunkPlan | None = None,
) -> Iterator[np.ndarray]:
    """Yield float32 24 kHz audio pieces as soon as enough of `codes` has arrived.

    `codes` is pulled lazily, so a talker feeding it is still running while the first
    pieces are made. The pieces concatenate to `len(codes) * repeats * hop` samples.
    """
    plan = plan or ChunkPlan.for_model(token2wav)
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
            out = sample_mel(token2wav, ids, cond, ref_mel, noise[:, lo:hi])
            mel = torch.cat([mel, out[:, start - lo : keep_end - lo].float()], dim=1)
            upto = keep_end if last else keep_end - plan.vocoder_context
            piece = None
            if upto > spoken:
                ctx = max(0, spoken - plan.vocoder_context)
                wave = vocode(token2wav, mel[:, ctx:keep_end])
                piece = wave[(spoken - ctx) * plan.hop : (upto - ctx) * plan.hop].float().numpy()
                spoken = upto
        if piece is not None and piece.size:
            yield piece
        if last:
            return
        window += 1


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
