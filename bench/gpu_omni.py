"""Plain `generate` vs the fast decode path on Qwen2.5-Omni with the released 7B shapes.

Random bf16 weights are built directly on the GPU from the released configuration values
(no download; the values, not the weights, set the speed). Prints ONE JSON line: decode
tokens/s at several batch sizes, time to first token for text / 30 s audio / 1280x720
image prompts, fast-vs-plain logit agreement, speech (unchunked token2wav vs streaming
`speak_stream` pieces: time to first audio, real-time factor, chunked-vs-unchunked SNR), where
streamed speech's time goes (`speech_parts`: talker per code, DiT window and vocoder span
eager vs CUDA graph vs TF32 vs compiled, TF32's SNR), FP8 decode and its logit cost, batched
serving through the scheduler, and torch.profiler breakdowns of decode steps.
`--scale tiny` runs the same code on CPU with tiny shapes (a smoke test).

Usage: python bench/gpu_omni.py [--scale 7b|tiny] [--decode-tokens 64] [--batches 1,8,32]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

import torch

from carellm.config import Settings

# Released Qwen2.5-Omni-7B values (config.json of the release); transformers' defaults differ
# for the vision tower (hidden 3584 by default, 1280 released), the talker (3584/28 by
# default, 896/24 released) and tie_word_embeddings.
SHAPES_7B = dict(
    vision=dict(depth=32, hidden_size=1280, intermediate_size=3420, num_heads=16, out_hidden_size=3584,
                fullatt_block_indexes=[7, 15, 23, 31]),
    audio=dict(encoder_layers=32, d_model=1280, encoder_attention_heads=20, encoder_ffn_dim=5120,
               output_dim=3584),
    text=dict(hidden_size=3584, intermediate_size=18944, num_hidden_layers=28, num_attention_heads=28,
              num_key_value_heads=4, vocab_size=152064, tie_word_embeddings=False,
              rope_parameters={"rope_type": "default", "rope_theta": 1e6, "mrope_section": [16, 24, 24]}),
    talker=dict(hidden_size=896, intermediate_size=18944, num_hidden_layers=24, num_attention_heads=12,
                num_key_value_heads=4, head_dim=128, vocab_size=8448, embedding_size=3584,
                rope_parameters={"rope_type": "default", "rope_theta": 1e6, "mrope_section": [16, 24, 24]}),
)  # fmt: skip
SHAPES_TINY = dict(
    vision=dict(depth=2, hidden_size=32, intermediate_size=64, num_heads=2, out_hidden_size=64,
                fullatt_block_indexes=[1]),
    audio=dict(encoder_layers=2, d_model=32, encoder_attention_heads=2, encoder_ffn_dim=64, output_dim=64),
    text=dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
              num_key_value_heads=2, vocab_size=152064, tie_word_embeddings=False,
              rope_parameters={"rope_type": "default", "rope_theta": 1e6, "mrope_section": [2, 3, 3]}),
    talker=dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
                num_key_value_heads=1, head_dim=16, vocab_size=8448, embedding_size=64,
                rope_parameters={"rope_type": "default", "rope_theta": 1e6, "mrope_section": [2, 3, 3]}),
)  # fmt: skip
# The released special-token ids (the processor's vocabulary).
TOKEN_IDS = dict(audio_token_index=151646, image_token_index=151655, video_token_index=151656,
                 vision_start_token_id=151652, vision_end_token_id=151653, audio_start_token_id=151647,
                 audio_end_token_id=151648, position_id_per_seconds=25, seconds_per_chunk=2)  # fmt: skip
TEXT_TOKENS = 150_000  # random prompt tokens stay below the special-token ids


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def build_model(shapes: dict, device: str, dtype: torch.dtype):
    from transformers import Qwen2_5OmniConfig, Qwen2_5OmniForConditionalGeneration

    token2wav = {"dit_config": {"num_embeds": 8448}}  # every talker code maps into the codebook
    if shapes is SHAPES_TINY:
        token2wav["dit_config"].update(
            hidden_size=32, num_hidden_layers=2, num_attention_heads=2, head_dim=16, emb_dim=16,
            enc_emb_dim=16,
            enc_dim=16, enc_channels=[32, 32, 32, 32, 96], enc_attention_channels=16, enc_se_channels=16,
            look_ahead_layers=[1], look_backward_layers=[0, 1],
        )  # fmt: skip
        token2wav["bigvgan_config"] = dict(upsample_initial_channel=64, resblock_kernel_sizes=[3],
                                           resblock_dilation_sizes=[[1, 3, 5]])  # fmt: skip
    config = Qwen2_5OmniConfig(
        thinker_config=dict(
            **TOKEN_IDS,
            user_token_id=872,
            audio_config=shapes["audio"],
            vision_config=shapes["vision"],
            text_config=shapes["text"],
        ),
        talker_config=dict(**TOKEN_IDS, **shapes["talker"]),
        token2wav_config=token2wav,
        enable_audio_output=True,
    )
    with torch.device(device):
        model = Qwen2_5OmniForConditionalGeneration._from_config(config, dtype=dtype).eval()
    gen = model.thinker.generation_config
    gen.eos_token_id, gen.pad_token_id = [151645, 151643], 151643
    enc = config.token2wav_config.dit_config.enc_emb_dim
    model.speaker_map = {
        "Chelsie": {
            "cond": torch.randn(1, enc),
            "ref_mel": torch.randn(1, 300, 80) * 0.1,
            "bos_token": 151861,
        }
    }
    return model


def sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def timed(fn, device: str) -> tuple[float, object]:
    sync(device)
    start = time.perf_counter()
    out = fn()
    sync(device)
    return time.perf_counter() - start, out


def text_inputs(batch: int, length: int, device: str) -> dict:
    ids = torch.randint(0, TEXT_TOKENS, (batch, length), device=device)
    return {"input_ids": ids, "attention_mask": torch.ones_like(ids)}


def audio_inputs(model, seconds: float, device: str) -> dict:
    """A 30 s clip as the processor lays it out: mel features + one <|AUDIO|> per pooled frame."""
    cfg = model.config.thinker_config
    frames = int(seconds * 100)
    pooled = ((frames - 1) // 2 + 1 - 2) // 2 + 1
    ids = [*torch.randint(0, TEXT_TOKENS, (20,)).tolist(), cfg.audio_start_token_id]
    ids += [cfg.audio_token_index] * pooled + [
        cfg.audio_end_token_id,
        *torch.randint(0, TEXT_TOKENS, (10,)).tolist(),
    ]
    ids_t = torch.tensor([ids], device=device)
    dtype = model.thinker.dtype
    return {
        "input_ids": ids_t,
        "attention_mask": torch.ones_like(ids_t),
        "input_features": torch.randn(1, 128, frames, device=device, dtype=dtype),
        "feature_attention_mask": torch.ones(1, frames, dtype=torch.long, device=device),
    }


def image_inputs(model, width: int, height: int, device: str) -> dict:
    """A width x height image as Qwen2-VL's processor lays it out (sides rounded to 28 px)."""
    cfg = model.config.thinker_config
    gh, gw = round(height / 28) * 2, round(width / 28) * 2
    tokens = gh * gw // 4
    ids = [*torch.randint(0, TEXT_TOKENS, (20,)).tolist(), cfg.vision_start_token_id]
    ids += [cfg.image_token_index] * tokens + [
        cfg.vision_end_token_id,
        *torch.randint(0, TEXT_TOKENS, (10,)).tolist(),
    ]
    ids_t = torch.tensor([ids], device=device)
    return {
        "input_ids": ids_t,
        "attention_mask": torch.ones_like(ids_t),
        "pixel_values": torch.randn(gh * gw, 3 * 2 * 14 * 14, device=device, dtype=model.thinker.dtype),
        "image_grid_thw": torch.tensor([[1, gh, gw]], device=device),
    }


def plain_ttft(model, inputs: dict, device: str) -> float:
    with torch.inference_mode():
        return timed(lambda: model.thinker.generate(**inputs, max_new_tokens=1, do_sample=False), device)[0]


def fast_ttft(decoder, inputs: dict, device: str) -> float:
    return timed(lambda: int(decoder.start(inputs, 64).argmax(-1)[0]), device)[0]


def plain_decode(model, batch: int, n: int, device: str) -> float:
    """Decode tokens/s (all rows): generate of n+1 tokens minus generate of 1 token."""
    inputs = text_inputs(batch, 128, device)
    kw = dict(do_sample=False, pad_token_id=151643)
    with torch.inference_mode():
        model.thinker.generate(**inputs, max_new_tokens=4, min_new_tokens=4, **kw)  # warm-up
        t1 = timed(lambda: model.thinker.generate(**inputs, max_new_tokens=1, **kw), device)[0]
        tn = timed(
            lambda: model.thinker.generate(**inputs, max_new_tokens=n + 1, min_new_tokens=n + 1, **kw), device
        )[0]
    return batch * n / (tn - t1)


def fast_decode(decoder, batch: int, n: int, device: str) -> float:
    """Decode tokens/s (all rows), each token brought to the host as the streamer needs it."""
    inputs = text_inputs(batch, 128, device)

    def run(steps: int) -> None:
        logits = decoder.start(inputs, n + 8)
        for _ in range(steps):
            nxt = logits.argmax(-1)
            nxt.tolist()
            logits = decoder.step(nxt)

    run(4)  # warm-up (and graph capture for this shape)
    sync(device)
    logits = decoder.start(inputs, n + 8)
    sync(device)
    start = time.perf_counter()
    for _ in range(n):
        nxt = logits.argmax(-1)
        nxt.tolist()
        logits = decoder.step(nxt)
    sync(device)
    return batch * n / (time.perf_counter() - start)


def batched_serving(decoder, clients: int, n: int, device: str, slots: int, sampled: bool = False) -> dict:
    """`clients` requests at once through the continuous-batching scheduler (what the server runs).

    Each request: a 128-token prompt, exactly `n` tokens (no EOS), greedy, or with `sampled`
    the server's default sampling (temperature 0.7, top-p 0.9, the model's top-k and
    repetition penalty) chosen for all rows at once by the scheduler's sampler. Aggregate =
    all tokens / wall time from the first submission to the last token, prefills included.
    """
    import threading

    from carellm.backends.batching import DecodeScheduler, Sampling
    from carellm.backends.omni import thinker_sampler

    sampler = thinker_sampler(decoder.thinker, slots) if sampled else None
    sampling = Sampling(0.7, 0.9) if sampled else None
    scheduler = DecodeScheduler(decoder, slots, threading.Lock(), sampler)
    prompts = [text_inputs(1, 128, device) for _ in range(clients)]
    first: list[float] = [0.0] * clients
    last: list[float] = [0.0] * clients

    def run(tokens: int) -> float:
        go = threading.Barrier(clients + 1)

        def one(i: int) -> None:
            go.wait()
            for j, _ in enumerate(scheduler.generate(prompts[i], tokens, set(), sampling)):
                if j == 0:
                    first[i] = time.perf_counter()
            last[i] = time.perf_counter()

        threads = [threading.Thread(target=one, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        go.wait()
        start = time.perf_counter()
        for t in threads:
            t.join()
        return start

    run(16)  # warm-up: every row count's graph is captured before timing
    start = run(n)
    wall = max(last) - start
    decode_from = max(first)  # every request admitted: from here on only decode steps
    return {
        "decode_phase_tok_s": round(clients * (n - 1) / (max(last) - decode_from), 1),
        "aggregate_tok_s": round(clients * n / wall, 1),
        "per_client_tok_s": round(n / wall, 1),
        "mean_first_token_s": round(sum(f - start for f in first) / clients, 3),
        "widest_step": scheduler.widest,
    }


def fp8_quality(exact, fp8, device: str, prompts: int = 3, n: int = 32) -> dict:
    """FP8 decode against bf16 decode on fixed prompts, both fed the bf16 path's greedy tokens."""
    worst_abs = worst_rel = 0.0
    agree = total = 0
    for seed in range(prompts):
        torch.manual_seed(1000 + seed)
        inputs = text_inputs(1, 128, device)
        a, b = exact.start(inputs, n + 8), fp8.start(inputs, n + 8)
        for _ in range(n):
            token = a.argmax(-1)
            a, b = exact.step(token).clone(), fp8.step(token).clone()
            worst_abs = max(worst_abs, float((a - b).abs().max()))
            worst_rel = max(worst_rel, float((a - b).norm() / a.norm()))
            agree += int(a.argmax(-1) == b.argmax(-1))
            total += 1
    return {"prompts": prompts, "steps_each": n, "max_abs_logit_diff": round(worst_abs, 4),
            "max_rel_logit_diff": round(worst_rel, 4), "greedy_agreement": f"{agree}/{total}"}  # fmt: skip


def step_time_ms(decoder, device: str, reps: int = 100) -> float:
    """GPU time of one graph replay at batch 1 (no host round trip): the floor of the loop."""
    inputs = text_inputs(1, 128, device)
    logits = decoder.start(inputs, reps + 8)
    nxt = logits.argmax(-1)
    decoder.step(nxt)
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(reps):
        decoder.step(nxt)
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / reps


def agreement(model, decoder, n: int, device: str, fp32_reference: bool) -> dict:
    """Greedy tokens of both paths from one prompt; each path's logit error against float32.

    Both bf16 paths are compared with one float32 forward of the thinker over the same
    tokens (‖out − ref‖ / ‖ref‖ per step, worst step), so bf16 rounding in the plain path
    is the yardstick for the fast path's.
    """
    inputs = text_inputs(1, 128, device)
    with torch.inference_mode():
        plain = model.thinker.generate(**inputs, max_new_tokens=n, min_new_tokens=n, do_sample=False,
                                       output_logits=True, return_dict_in_generate=True)  # fmt: skip
        plain_ids = plain.sequences[0, 128:].tolist()
        plain_logits = torch.stack([x[0].float() for x in plain.logits])
        logits = decoder.start(inputs, n)
        fast_logits = []
        for i in range(n):
            fast_logits.append(logits[0].clone())
            logits = decoder.step(torch.tensor([plain_ids[i]], device=device))  # follow plain's tokens
        fast_logits = torch.stack(fast_logits)
    fast_ids = fast_logits.argmax(-1).tolist()
    same = next((i for i, (a, b) in enumerate(zip(plain_ids, fast_ids, strict=True)) if a != b), n)
    gap = (fast_logits - plain_logits).abs().max() / plain_logits.abs().max()
    out = {"tokens_compared": n, "identical_prefix": same, "max_rel_logit_gap": round(float(gap), 4)}
    if fp32_reference:
        ids = torch.cat([inputs["input_ids"], torch.tensor([plain_ids[:-1]], device=device)], dim=1)
        with torch.inference_mode():
            model.thinker.float()  # weights round-trip exactly (bf16 -> fp32 -> bf16)
            ref = model.thinker(input_ids=ids, attention_mask=torch.ones_like(ids)).logits[0, 127:].float()
            model.thinker.to(torch.bfloat16)

        def rel(x: torch.Tensor) -> float:
            return round(float(((x - ref).norm(dim=-1) / ref.norm(dim=-1)).max()), 5)

        out.update(plain_bf16_vs_fp32=rel(plain_logits), fast_bf16_vs_fp32=rel(fast_logits))
        out["fp32_greedy_matches"] = {
            "plain": int((ref.argmax(-1) == plain_logits.argmax(-1)).sum()),
            "fast": int((ref.argmax(-1) == fast_logits.argmax(-1)).sum()),
        }
    return out


def speech(model, device: str, codes: int, fast: bool) -> dict:
    """Speech for a fixed code count: unchunked (the old `speak`) vs streaming (`speak_stream`).

    Both run the backend's own pieces: teacher-forced thinker, talker (fast or plain),
    token2wav. Unchunked = every code first, then token2wav once over the utterance, so its
    first audio is its last. Streaming = the talker in its thread, token2wav window by
    window (`stream_speech`), time to the first piece and to the last.
    """
    import numpy as np

    from carellm.backends import omni
    from carellm.backends.stream_speech import draw_noise, full_waveform

    backend = omni.OmniBackend(model, processor=None, settings=Settings(model="random-7b", fast=fast))
    reply_tokens = 2
    omni_max = omni.TALKER_CODES_PER_TOKEN * reply_tokens + 100
    n_codes = min(codes, omni_max)
    model.talker.generation_config.min_new_tokens = n_codes
    inputs = text_inputs(1, 64, device)
    reply = torch.randint(0, TEXT_TOKENS, (1, reply_tokens), device=device)
    speaker = model.speaker_map["Chelsie"]
    cond = speaker["cond"].to(device).float().expand(1, -1)
    ref_mel = speaker["ref_mel"].to(device).float().expand(1, -1, -1)

    def unchunked() -> tuple[float, float, int]:
        got: list[int] = []
        with torch.inference_mode():
            talker_inputs = backend._talker_inputs(inputs, inputs["input_ids"], reply, "Chelsie", False)
            noise = draw_noise(model.token2wav, omni_max, device)
            backend._talker_codes(talker_inputs, omni_max, got.append, lambda: False)
        sync(device)
        t_codes = time.perf_counter()
        wav = full_waveform(model.token2wav, got, cond, ref_mel, noise)
        return t_codes, time.perf_counter(), len(wav)

    def streamed() -> tuple[float, float, int]:
        first, samples = None, 0
        for piece in backend._speech_pieces(inputs, inputs["input_ids"], reply, "Chelsie", False):
            first = first or time.perf_counter()
            samples += len(piece)
        return first, time.perf_counter(), samples

    model.token2wav.float()
    out: dict = {"codes": n_codes}
    for name, run in (("unchunked", unchunked), ("streaming", streamed)):
        run()  # warm-up
        sync(device)
        t0 = time.perf_counter()
        mid, end, samples = run()
        audio_s = samples / 24000
        if name == "unchunked":
            out[name] = {"audio_s": round(audio_s, 3), "time_to_first_audio_s": round(end - t0, 3),
                         "rtf": round((end - t0) / audio_s, 3), "talker_s": round(mid - t0, 3),
                         "token2wav_s": round(end - mid, 3)}  # fmt: skip
        else:
            out[name] = {"audio_s": round(audio_s, 3), "time_to_first_audio_s": round(mid - t0, 3),
                         "rtf": round((end - t0) / audio_s, 3), "total_s": round(end - t0, 3)}  # fmt: skip
    # How close the chunked waveform is to the unchunked one from the same codes and noise.
    got: list[int] = []
    with torch.inference_mode():
        talker_inputs = backend._talker_inputs(inputs, inputs["input_ids"], reply, "Chelsie", False)
        noise = draw_noise(model.token2wav, omni_max, device)
        backend._talker_codes(talker_inputs, omni_max, got.append, lambda: False)
    from carellm.backends.stream_speech import stream_waveform

    full = full_waveform(model.token2wav, got, cond, ref_mel, noise)
    chunked = np.concatenate(list(stream_waveform(model.token2wav, got, cond, ref_mel, noise)))
    err = full - chunked
    out["chunked_vs_unchunked"] = {
        "max_abs_diff": round(float(np.abs(err).max()), 5),
        "snr_db": round(float(10 * np.log10((full**2).sum() / max((err**2).sum(), 1e-30))), 2),
    }
    return out


def speech_parts(
    model,
    device: str,
    codes: int = 150,
    reps: int = 5,
    compile_dit: bool = True,
) -> dict:
    """Where streamed speech's time goes, part by part (fast talker; token2wav eager vs graphs).

    talker: ms per code through `_fast_codes` (graph step + sampling + host sync) and the
    graph step alone; token2wav: one middle DiT window (past + chunk + future frames) and one
    middle vocoder span, eager vs replayed from the CUDA graph.
    """
    import numpy as np

    from carellm.backends import omni
    from carellm.backends.fast_decode import TalkerDecoder
    from carellm.backends.stream_speech import (
        ChunkPlan,
        WindowGraphs,
        draw_noise,
        sample_mel,
        stream_waveform,
        vocode,
    )

    backend = omni.OmniBackend(model, processor=None, settings=Settings(model="random-7b", fast=True))
    model.talker.generation_config.min_new_tokens = codes
    inputs = text_inputs(1, 64, device)
    reply = torch.randint(0, TEXT_TOKENS, (1, 2), device=device)
    out: dict = {}
    with torch.inference_mode():
        talker_inputs = backend._talker_inputs(inputs, inputs["input_ids"], reply, "Chelsie", False)
        for _ in range(2):  # the first run captures the talker's graph
            sync(device)
            t0 = time.perf_counter()
            got = list(backend._fast_codes(talker_inputs, codes + 100))
            sync(device)
            total = time.perf_counter() - t0
        out["talker_codes"] = len(got)
        out["talker_ms_per_code"] = round(1000 * total / max(1, len(got)), 3)
        # The captured step + sampling alone, replayed back to back (no host read per code).
        decoder: TalkerDecoder = backend._fast_decoder("talker")
        logits = decoder.start(talker_inputs, codes + 100)
        decoder.sampler.reset(talker_inputs["input_ids"])
        decoder.sampler.choose(logits, decoder.ids[:1])
        decoder.step_sampled()
        sync(device)
        t0 = time.perf_counter()
        for _ in range(codes):
            decoder.step_sampled()
        sync(device)
        out["talker_step_ms"] = round(1000 * (time.perf_counter() - t0) / codes, 3)

        t2w = model.token2wav.float()
        plan = ChunkPlan.for_model(t2w)
        frames = plan.past + plan.chunk + plan.future
        speaker = model.speaker_map["Chelsie"]
        cond = speaker["cond"].to(device).float().expand(1, -1)
        ref_mel = speaker["ref_mel"].to(device).float().expand(1, -1, -1)
        noise = draw_noise(t2w, frames // plan.repeats, device)
        ids = torch.randint(0, 8192, (1, frames // plan.repeats), device=device)
        mel = torch.randn(1, plan.chunk + 2 * plan.vocoder_context, noise.shape[2], device=device)
        graphs = WindowGraphs(t2w)

        def ms(fn, reps: int = reps) -> float:
            fn()
            sync(device)
            t0 = time.perf_counter()
            for _ in range(reps):
                fn()
            sync(device)
            return round(1000 * (time.perf_counter() - t0) / reps, 2)

        tf32 = WindowGraphs(t2w, tf32=True)
        out["dit_window_frames"] = frames
        out["dit_window_ms"] = {
            "eager": ms(lambda: sample_mel(t2w, ids, cond, ref_mel, noise)),
            "graph": ms(lambda: graphs.sample_mel(ids, cond, ref_mel, noise)),
            "graph_tf32": ms(lambda: tf32.sample_mel(ids, cond, ref_mel, noise)),
        }
        if device == "cuda" and compile_dit:
            fused = WindowGraphs(t2w, tf32=True, compile=True)
            t0 = time.perf_counter()
            fused.sample_mel(ids, cond, ref_mel, noise)
            out["dit_compile_s"] = round(time.perf_counter() - t0, 1)
            compiled_ms = ms(lambda: fused.sample_mel(ids, cond, ref_mel, noise))
            out["dit_window_ms"]["graph_tf32_compiled"] = compiled_ms
        out["vocoder_frames"] = mel.shape[1]
        out["vocoder_ms"] = {"eager": ms(lambda: vocode(t2w, mel)), "graph": ms(lambda: graphs.vocode(mel))}
        out["window_audio_ms"] = plan.chunk * plan.hop / 24  # audio one middle window adds
        # What TF32 costs: a whole 150-code stream, same codes and noise, float32 vs TF32 graphs.
        noise = draw_noise(t2w, codes, device)
        stream_codes = got[:codes]
        exact = np.concatenate(list(stream_waveform(t2w, stream_codes, cond, ref_mel, noise)))
        fast = np.concatenate(list(stream_waveform(t2w, stream_codes, cond, ref_mel, noise, graphs=tf32)))
        err = exact - fast
        out["tf32_vs_fp32_stream"] = {
            "max_abs_diff": round(float(np.abs(err).max()), 5),
            "snr_db": round(float(10 * np.log10((exact**2).sum() / max((err**2).sum(), 1e-30))), 2),
        }
    return out


def profile_step(decoder, device: str, steps: int = 20, batch: int = 1) -> dict:
    """torch.profiler over eager decode steps at `batch`: GPU kernel time per step by kind.

    The graph replays the same kernels; the profile says how much of a step is weight
    matmuls (the bandwidth floor) and how much the small kernels around them.
    """
    from torch.profiler import ProfilerActivity, profile

    inputs = text_inputs(batch, 128, device)
    was = decoder.use_graph
    decoder.use_graph = False
    try:
        nxt = decoder.start(inputs, steps + 16).argmax(-1)
        for _ in range(3):
            decoder.step(nxt)
        sync(device)
        with profile(activities=[ProfilerActivity.CUDA]) as prof:
            for _ in range(steps):
                decoder.step(nxt)
            sync(device)
    finally:
        decoder.use_graph = was
    kinds: dict[str, float] = {}
    launches: dict[str, float] = {}
    rows = []
    for evt in prof.key_averages():
        us = evt.self_device_time_total
        if us <= 0:
            continue
        name = evt.key.lower()
        if any(k in name for k in ("gemm", "gemv", "nvjet", "cutlass", "sm90_", "splitk", "matmul", "mm_")):
            kind = "matmul"
        elif any(k in name for k in ("flash", "fmha", "attention", "efficient", "sdpa")):
            kind = "attention"
        elif "memcpy" in name or "memset" in name:
            kind = "copy"
        else:
            kind = "elementwise_norm_rope_other"
        kinds[kind] = kinds.get(kind, 0.0) + us / steps / 1000
        launches[kind] = launches.get(kind, 0.0) + evt.count / steps
        rows.append((us / steps / 1000, evt.key[:80], kind))
    rows.sort(reverse=True)
    return {
        "steps": steps,
        "kernel_ms_per_step": {k: round(v, 3) for k, v in kinds.items()},
        "kernels_per_step": {k: round(v, 1) for k, v in launches.items()},
        "kernel_ms_total": round(sum(kinds.values()), 3),
        "top_kernels_ms": [[name, round(ms, 3), kind] for ms, name, kind in rows[:8]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["7b", "tiny"], default="7b")
    parser.add_argument("--decode-tokens", type=int, default=64)
    parser.add_argument("--batches", default="1,8,32")
    parser.add_argument("--prompts", default="512,2048")
    parser.add_argument("--no-speech", action="store_true")
    parser.add_argument("--no-compile", action="store_true")
    parser.add_argument("--fp32-reference", action="store_true", help="also compare both paths with float32")
    parser.add_argument("--only", default="", help="comma-separated sections to run (default: all)")
    args = parser.parse_args()

    from carellm.backends.fast_decode import ThinkerDecoder

    device = "cuda" if torch.cuda.is_available() else "cpu"
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    torch.manual_seed(0)
    result: dict = {"bench": "gpu_omni", "scale": args.scale, "device": device, "dtype": str(dtype),
                    "torch": torch.__version__, "errors": {}}  # fmt: skip
    import transformers

    result["transformers"] = transformers.__version__
    if device == "cuda":
        result["gpu"] = torch.cuda.get_device_name()
    seconds, model = timed(
        lambda: build_model(SHAPES_7B if args.scale == "7b" else SHAPES_TINY, device, dtype), device
    )
    result["build_s"] = round(seconds, 1)
    result["thinker_params_b"] = round(sum(p.numel() for p in model.thinker.parameters()) / 1e9, 3)
    log(f"model built in {seconds:.1f}s")
    n = args.decode_tokens
    batches = [int(b) for b in args.batches.split(",")]

    def section(name: str, fn) -> None:
        if args.only and name not in args.only.split(","):
            return
        try:
            fn()
        except Exception as exc:  # keep the other numbers; report what failed
            result["errors"][name] = f"{type(exc).__name__}: {exc}"
            log(f"{name} failed:\n{traceback.format_exc()}")
        log(f"{name} done")
        if os.environ.get("OUT"):  # partial results survive a run cut short
            Path(os.environ["OUT"], "partial.json").write_text(json.dumps(result))

    plain: dict = {"decode_tok_s": {}, "ttft_s": {}}
    fast: dict = {"decode_tok_s": {}, "ttft_s": {}}
    result["plain_generate"], result["fast_graph"] = plain, fast
    prompts = {f"text_{p}": text_inputs(1, p, device) for p in map(int, args.prompts.split(","))}

    def ttft_plain() -> None:
        prompts["audio_30s"] = audio_inputs(model, 30, device)
        prompts["image_1280x720"] = image_inputs(model, 1280, 720, device)
        for name, inputs in prompts.items():
            plain_ttft(model, inputs, device)  # warm-up
            plain["ttft_s"][name] = round(plain_ttft(model, inputs, device), 4)

    section("ttft_plain", ttft_plain)

    def decode_plain() -> None:
        for b in batches:  # fewer tokens at large batch: plain generate is slow
            plain["decode_tok_s"][str(b)] = round(plain_decode(model, b, n if b == 1 else n // 2, device), 1)

    section("decode_plain", decode_plain)

    decoder = ThinkerDecoder(model.thinker)

    def ttft_fast() -> None:
        for name, inputs in prompts.items():
            fast_ttft(decoder, inputs, device)
            fast["ttft_s"][name] = round(fast_ttft(decoder, inputs, device), 4)

    section("ttft_fast", ttft_fast)
    section("decode_fast", lambda: fast["decode_tok_s"].update(
        {str(b): round(fast_decode(decoder, b, n, device), 1) for b in batches}))  # fmt: skip
    if device == "cuda":
        section("step_time", lambda: fast.update(step_ms_b1=round(step_time_ms(decoder, device), 3)))
    fp8: dict = {"decode_tok_s": {}}
    result["fast_graph_fp8"] = fp8

    def decode_fp8() -> None:
        dec = ThinkerDecoder(model.thinker, fp8=True)
        fp8["decode_tok_s"].update({str(b): round(fast_decode(dec, b, n, device), 1) for b in batches})
        if device == "cuda":
            fp8["step_ms_b1"] = round(step_time_ms(dec, device), 3)
        fp8["vs_bf16_fast"] = fp8_quality(decoder, dec, device)

    section("decode_fp8", decode_fp8)
    serving: dict = {}
    result["batched_serving"] = serving

    def serve_batched() -> None:
        # Baseline in the same run: one request at a time (the server before batching) = clients 1.
        for clients in [1, *[b for b in batches if b > 1]]:
            serving[str(clients)] = batched_serving(decoder, clients, 4 * n, device, max(batches))
        # The same with sampling (the server's default), beside the greedy numbers above.
        serving["sampled"] = {
            str(clients): batched_serving(decoder, clients, 4 * n, device, max(batches), sampled=True)
            for clients in [1, max(batches)]
        }

    section("batched_serving", serve_batched)
    section(
        "agreement",
        lambda: result.update(agreement=agreement(model, decoder, 32, device, args.fp32_reference)),
    )
    if not args.no_speech:
        section("speech_plain", lambda: result.update(speech_plain=speech(model, device, 150, fast=False)))
        section(
            "speech_fast_talker",
            lambda: result.update(speech_fast_talker=speech(model, device, 150, fast=True)),
        )
    if not args.no_speech:
        section(
            "speech_parts",
            lambda: result.update(speech_parts=speech_parts(model, device, compile_dit=not args.no_compile)),
        )
    if device == "cuda":
        section("profile", lambda: result.update(profile_step_b1=profile_step(decoder, device)))
        section(
            "profile_b32", lambda: result.update(profile_step_b32=profile_step(decoder, device, batch=32))
        )
    if not args.no_compile and device == "cuda":
        compiled: dict = {"decode_tok_s": {}}
        result["fast_graph_compiled"] = compiled

        def decode_compiled() -> None:
            dec = ThinkerDecoder(model.thinker, compile=True)
            t0 = time.perf_counter()
            compiled["decode_tok_s"]["1"] = round(fast_decode(dec, 1, n, device), 1)
            compiled["first_shape_compile_s"] = round(time.perf_counter() - t0, 1)
            compiled["step_ms_b1"] = round(step_time_ms(dec, device), 3)
            compiled["profile_b1"] = profile_step(dec, device)

        section("decode_compiled", decode_compiled)

        def decode_compiled_fp8() -> None:
            dec = ThinkerDecoder(model.thinker, compile=True, fp8=True)
            compiled["fp8_decode_tok_s_b1"] = round(fast_decode(dec, 1, n, device), 1)
            compiled["fp8_step_ms_b1"] = round(step_time_ms(dec, device), 3)

        section("decode_compiled_fp8", decode_compiled_fp8)
    if device == "cuda":
        result["max_gpu_mem_gb"] = round(torch.cuda.max_memory_allocated() / 2**30, 1)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
