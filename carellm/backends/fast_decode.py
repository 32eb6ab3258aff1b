"""A fast one-token decode step for the Qwen2.5-Omni thinker.

`generate` spends ~70 ms per token on a 7B thinker on an H100 although reading the weights
takes ~5 ms: the time goes to Python and kernel launches. Here the prefill still runs
through the model itself (so audio, images, video and their M-RoPE positions are exactly
the model's), its KV cache is copied into a pre-allocated static cache, and each further
token runs through a lean decoder over the thinker's *own* weight tensors, captured once
in a CUDA graph and replayed. On CPU the same decoder runs eagerly, which is what the
equivalence tests exercise.

Positions: after a multimodal prompt, decode positions are `cache index + rope_deltas`
(TMRoPE). For generated text the three M-RoPE sections share that one position, so the
rotation is plain RoPE at that offset.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from carellm.backends.compile_cache import StepCache, variant_name

log = logging.getLogger(__name__)

CACHE_BUCKET = 512  # static caches (and graphs) are made for lengths rounded up to this
# Inductor's options for the step: what "max-autotune-no-cudagraphs" sets (the graph is ours,
# captured below). The coordinate-descent tuning of Triton block sizes is the whole gain: without
# it the compiled step took 6.63 ms, as long as the uncompiled one (docs/perf.md, run 7).
COMPILE_OPTIONS: dict[str, bool] = {"max_autotune": True, "coordinate_descent_tuning": True}


FP8 = torch.float8_e4m3fn
FP8_MAX = 448.0  # largest finite e4m3 value


class _Matmul:
    """`x @ W.T + b` over the model's weight, or over an FP8 (e4m3) copy of it.

    FP8 halves the bytes a decode step reads (the step is bound by weight reads): one
    scale per output row for the weight, one per token for the activation (dynamic),
    products summed by `torch._scaled_mm` in higher precision. The bf16 weight stays for
    prefill, so FP8 only ever changes decode steps.
    """

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor | None = None, fp8: bool = False) -> None:
        self.weight, self.bias = weight, bias
        self.w8: torch.Tensor | None = None
        if fp8:
            scale = weight.abs().amax(-1, keepdim=True).float().clamp(min=1e-12) / FP8_MAX
            self.w8 = (weight.float() / scale).to(FP8)
            self.w_scale = scale.t().contiguous()  # (1, out): scaled_mm's row-wise layout

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        if self.w8 is None:
            return F.linear(x, self.weight, self.bias)
        flat = x.reshape(-1, x.shape[-1])
        rows = flat.shape[0]
        pad = -rows % 16 if flat.is_cuda else 0  # cuBLAS FP8 wants rows in multiples of 16
        if pad:
            flat = F.pad(flat, (0, 0, 0, pad))
        x_scale = flat.abs().amax(-1, keepdim=True).float().clamp(min=1e-12) / FP8_MAX
        x8 = (flat.float() / x_scale).to(FP8)
        out = torch._scaled_mm(x8, self.w8.t(), scale_a=x_scale, scale_b=self.w_scale, out_dtype=x.dtype)
        out = out[:rows].view(*x.shape[:-1], -1)
        return out if self.bias is None else out + self.bias


@dataclass
class _Layer:
    qkv: _Matmul
    o: _Matmul
    gate_up: _Matmul
    down: _Matmul
    ln1: torch.Tensor
    ln2: torch.Tensor


def _fuse_rows(linears: list[torch.nn.Linear], with_bias: bool) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Stack the weights of `linears` into one matrix and make each module a view into it.

    The modules keep working (and the model keeps its memory footprint) while one matmul
    replaces several in the decode step.
    """
    fused = linears[0].__dict__.get("_carellm_fused")
    if fused is not None:  # another decoder over the same model fused them
        return fused
    weight = torch.cat([lin.weight.data for lin in linears], dim=0)
    bias = torch.cat([lin.bias.data for lin in linears], dim=0) if with_bias else None
    start = 0
    for lin in linears:
        rows = lin.weight.shape[0]
        lin.weight.data = weight[start : start + rows]
        if bias is not None:
            lin.bias.data = bias[start : start + rows]
        start += rows
    linears[0].__dict__["_carellm_fused"] = (weight, bias)  # no extra memory: the modules are views of it
    return weight, bias


def _rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
    """Qwen2.5's RMSNorm: normalised in float32, rounded to the model's dtype, then scaled.

    `F.rms_norm` without a weight does the first two in one fused kernel (the model's own
    RMSNorm takes eight small ones); the weight is applied after rounding, as the model does.
    """
    return weight * F.rms_norm(x, (x.shape[-1],), eps=eps)


def _rotate_half(x: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class StaticDecoder:
    """Static KV cache + lean decode step over a Qwen2-style decoder's own weights.

    Subclasses prefill through their model (`start`) and say how a fed token becomes the
    first layer's input (`_input_embeds`). `step(ids)` feeds one token per row and returns
    the next logits. Each row has its own cache index and position, so rows can be a
    left-padded batch (`start`) or independent requests admitted into free rows while the
    others decode (`admit`/`release`, what `batching.DecodeScheduler` does). Only the first
    `n` rows take part in a step; a CUDA graph is captured per `n`.
    """

    def __init__(
        self,
        text,
        head: torch.Tensor,
        use_graph: bool | None = None,
        compile: bool = False,
        fp8: bool = False,
    ):
        cfg = text.config
        self.cfg = cfg
        self.device = text.embed_tokens.weight.device
        self.dtype = text.embed_tokens.weight.dtype
        self.heads = cfg.num_attention_heads
        self.kv_heads = cfg.num_key_value_heads
        self.head_dim = getattr(cfg, "head_dim", None) or cfg.hidden_size // self.heads
        self.eps = cfg.rms_norm_eps
        self.use_graph = (self.device.type == "cuda") if use_graph is None else use_graph
        devices = {p.device for p in text.parameters()} | {head.device}
        if len(devices) > 1:
            raise NotImplementedError(f"the model is split over {len(devices)} devices")
        rotary = text.rotary_emb
        if rotary.rope_type != "default" or getattr(rotary, "attention_scaling", 1.0) != 1.0:
            raise NotImplementedError(f"fast decode supports default RoPE only, not {rotary.rope_type}")
        self.inv_freq = rotary.inv_freq.to(self.device, torch.float32)
        self.embed = text.embed_tokens.weight
        self.norm = text.norm.weight
        self.lm_head = _Matmul(head, fp8=fp8)
        self.vocab = head.shape[0]
        self.layers: list[_Layer] = []
        for layer in text.layers:
            attn, mlp = layer.self_attn, layer.mlp
            qkv_w, qkv_b = _fuse_rows([attn.q_proj, attn.k_proj, attn.v_proj], with_bias=True)
            gate_up_w, _ = _fuse_rows([mlp.gate_proj, mlp.up_proj], with_bias=False)
            self.layers.append(
                _Layer(
                    _Matmul(qkv_w, qkv_b, fp8),
                    _Matmul(attn.o_proj.weight, fp8=fp8),
                    _Matmul(gate_up_w, fp8=fp8),
                    _Matmul(mlp.down_proj.weight, fp8=fp8),
                    layer.input_layernorm.weight,
                    layer.post_attention_layernorm.weight,
                )
            )
        self.step_cache: StepCache | None = None
        self._compiled_step: Callable[[int], None] | None = None
        self.batch = 0
        self.max_len = 0
        self._graphs: dict[int, torch.cuda.CUDAGraph] = {}
        self.sampler: GraphSampler | None = None
        if compile:  # compiled for every shape, nothing kept on disk (benchmarks, tests)
            self.use_compile(StepCache("on"))

    # ------------------------------------------------------------------ compilation
    def shape_fields(self) -> dict[str, str | int | bool]:
        """What about this decoder a compiled step depends on (part of its cache key)."""
        return {
            "part": type(self).__name__,
            "hidden": self.embed.shape[1],
            "layers": len(self.layers),
            "heads": self.heads,
            "kv_heads": self.kv_heads,
            "head_dim": self.head_dim,
            "ffn": self.layers[0].down.weight.shape[1] if self.layers else 0,
            "vocab": self.vocab,
            "dtype": str(self.dtype),
            "fp8": self.lm_head.w8 is not None,
            "compile_options": ",".join(f"{k}={v}" for k, v in sorted(COMPILE_OPTIONS.items())),
        }

    def use_compile(self, cache: StepCache) -> None:
        """Compile the step shapes `cache` wants (from its directory when they are there)."""
        self.step_cache = cache
        self._compiled_step = None
        self._graphs = {}
        if not cache.compiles:
            return
        cache.activate()
        # One compiled graph per (rows, cache length) shape, never a dynamic one: max-autotune
        # picks kernels per shape, and a dynamic graph would neither fuse as well nor cache by shape.
        torch._dynamo.config.recompile_limit = max(torch._dynamo.config.recompile_limit, 64)
        step = torch.compile(self._step_impl, options=dict(COMPILE_OPTIONS), fullgraph=True, dynamic=False)
        self._compiled_step = step

    def _variant(self, n: int) -> str:
        """The step shape a compiled graph is made for: buffer rows, cache length, rows stepped."""
        return variant_name(self.batch, self.max_len, n)

    def _step_for(self, n: int) -> tuple[Callable[[int], None], str | None]:
        """The step function for `n` rows, and the variant to record once it has run compiled."""
        variant = self._variant(n)
        if self._compiled_step is not None and self.step_cache is not None and self.step_cache.wants(variant):
            return self._compiled_step, variant
        return self._step_impl, None

    # ------------------------------------------------------------------ buffers
    def _allocate(self, batch: int, max_len: int, keep: bool = False) -> None:
        """(Re)make the static cache and step buffers; reused while the shape fits.

        `keep` copies the rows already there into the new buffers (admitting a longer
        request while others decode).
        """
        if batch <= self.batch and max_len <= self.max_len and (keep or batch == self.batch):
            return
        max_len = -(-max_len // CACHE_BUCKET) * CACHE_BUCKET
        if keep:
            batch, max_len = max(batch, self.batch), max(max_len, self.max_len)
        old = self.__dict__.copy() if keep and self.batch else None
        self._graphs = {}
        self.batch, self.max_len = batch, max_len
        shape = (len(self.layers), batch, self.kv_heads, max_len, self.head_dim)
        dev = self.device
        self.k_cache = torch.zeros(shape, dtype=self.dtype, device=dev)
        self.v_cache = torch.zeros(shape, dtype=self.dtype, device=dev)
        self.key_ok = torch.zeros(batch, max_len, dtype=torch.bool, device=dev)  # padding is False
        self.ids = torch.zeros(batch, 1, dtype=torch.long, device=dev)
        self.pos = torch.zeros(batch, dtype=torch.long, device=dev)  # RoPE position per row
        self.index = torch.zeros(batch, dtype=torch.long, device=dev)  # cache slot written next, per row
        self.active = torch.zeros(batch, dtype=torch.long, device=dev)  # 1: the row advances
        self.rows = torch.arange(batch, device=dev)
        self.head_ids = torch.arange(self.kv_heads, device=dev)
        self.slots = torch.arange(max_len, device=dev)
        self.logits = torch.zeros(batch, self.vocab, dtype=torch.float32, device=dev)
        self._allocate_extra(batch, max_len)
        if old is not None:
            b, n = old["batch"], old["max_len"]
            self.k_cache[:, :b, :, :n].copy_(old["k_cache"])
            self.v_cache[:, :b, :, :n].copy_(old["v_cache"])
            self.key_ok[:b, :n].copy_(old["key_ok"])
            for name in ("pos", "index", "active"):
                getattr(self, name)[:b].copy_(old[name])

    def _allocate_extra(self, batch: int, max_len: int) -> None:
        """Buffers a subclass's step reads besides ids/pos/index."""

    @torch.inference_mode()
    def prepare(self, batch: int, max_len: int, widths: list[int]) -> list[str]:
        """Fresh, empty buffers of this shape, with the step for each of `widths` rows made ready
        before any request: compiled (or loaded from the step cache) where the cache wants that
        shape, and graph-captured on CUDA. A server calls this at start, so its first requests
        wait for neither (a warm shape's first use costs 5-10 s on an H100, docs/perf.md run 7).
        Returns the shapes that run compiled.
        """
        self.batch = self.max_len = 0  # whatever was there goes: no request holds a row yet
        self._allocate(batch, max_len)
        compiled = []
        for n in widths:
            step, variant = self._step_for(n)
            if self.use_graph:
                self._capture(n)  # runs the step (compiling it) and puts every buffer back
            else:
                self._body(n, step)
                if variant is not None and self.step_cache is not None:
                    self.step_cache.record(variant)
            if variant is not None:
                compiled.append(variant)
        self.key_ok.zero_()  # the eager runs above wrote slot 0 of empty rows
        return compiled

    def _input_embeds(self, n: int) -> torch.Tensor:
        return F.embedding(self.ids[:n], self.embed)

    # ------------------------------------------------------------------ the step
    def _step_impl(self, n: int) -> None:
        """One token for each of the first `n` rows: reads ids/pos/index, writes logits."""
        hd, length = self.head_dim, self.max_len
        pos, index, active = self.pos[:n], self.index[:n], self.active[:n]
        x = self._input_embeds(n)  # (n, 1, hidden)
        freqs = pos[:, None].float() * self.inv_freq  # (n, hd/2)
        emb = torch.cat((freqs, freqs), dim=-1)[:, None, :]  # (n, 1, hd): over every q and k head
        cos, sin = emb.cos().to(self.dtype), emb.sin().to(self.dtype)
        self.key_ok.view(-1).index_fill_(0, self.rows[:n] * length + index, True)
        visible = (self.slots <= index[:, None]) & self.key_ok[:n]  # (n, max_len)
        # SDPA turns a boolean mask into an additive one on every call: once per step here instead.
        mask = torch.zeros(visible.shape, dtype=self.dtype, device=visible.device)
        mask = mask.masked_fill_(~visible, float("-inf"))[:, None, None, :]
        # Where each row's new key/value goes in a layer's cache seen as (batch*kv*len, hd).
        kv_slots = ((self.rows[:n, None] * self.kv_heads + self.head_ids) * length + index[:, None]).view(-1)
        q_size, kv_size = self.heads * hd, self.kv_heads * hd
        for i, layer in enumerate(self.layers):
            h = _rms_norm(x, layer.ln1, self.eps)
            qkv = layer.qkv(h)
            # q and k heads rotate together: one set of RoPE kernels instead of two.
            qk = qkv[..., : q_size + kv_size].view(n, self.heads + self.kv_heads, hd)
            qk = qk * cos + _rotate_half(qk) * sin
            q = qk[:, : self.heads, None, :]  # (n, heads, 1, hd)
            k = qk[:, self.heads :]
            v = qkv[..., q_size + kv_size :]
            self.k_cache[i].view(-1, hd).index_copy_(0, kv_slots, k.reshape(-1, hd))
            self.v_cache[i].view(-1, hd).index_copy_(0, kv_slots, v.reshape(-1, hd))
            a = F.scaled_dot_product_attention(
                q, self.k_cache[i, :n], self.v_cache[i, :n], attn_mask=mask, enable_gqa=True
            )
            x = x + layer.o(a.transpose(1, 2).reshape(n, 1, q_size))
            h = _rms_norm(x, layer.ln2, self.eps)
            gate, up = layer.gate_up(h).chunk(2, dim=-1)
            x = x + layer.down(F.silu(gate) * up)
        x = _rms_norm(x, self.norm, self.eps)
        self.logits[:n].copy_(self.lm_head(x[:, 0]).float())
        pos.add_(active)
        index.add_(active)

    def _body(self, n: int, step: Callable[[int], None]) -> None:
        """What one replay does: the step, then (with a sampler) the choice of the next ids."""
        step(n)
        if self.sampler is not None:
            self.sampler.choose(self.logits[:n], self.ids[:n])

    def _state(self) -> list[torch.Tensor]:
        """Everything a step changes, restored after the warm-up runs of a capture."""
        state = [self.k_cache, self.v_cache, self.key_ok, self.pos, self.index, self.ids]
        return state + (self.sampler.state() if self.sampler is not None else [])

    def _capture(self, n: int) -> torch.cuda.CUDAGraph:
        """Record the step for `n` rows once; warm-up runs on a side stream as CUDA graphs require."""
        state = self._state()
        saved = [t.clone() for t in state]
        step, variant = self._step_for(n)
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            try:  # the first run of a compiled step compiles it (or loads it from the cache)
                self._warm_up(n, step, variant)
            except Exception as exc:  # a compiler failure costs speed, never the reply
                if variant is None:
                    raise
                log.warning("compiled decode step failed (%s); using the uncompiled one", exc)
                for dst, src in zip(state, saved, strict=True):
                    dst.copy_(src)
                step, variant = self._step_impl, None
                self._warm_up(n, step, variant)
        torch.cuda.current_stream().wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            self._body(n, step)
        for dst, src in zip(state, saved, strict=True):
            dst.copy_(src)
        self._graphs[n] = graph
        if variant is not None and self.step_cache is not None:
            self.step_cache.record(variant)
        return graph

    def _warm_up(self, n: int, step: Callable[[int], None], variant: str | None) -> None:
        start = time.perf_counter()
        for _ in range(3):
            self._body(n, step)
        if variant is not None:
            torch.cuda.synchronize()
            log.info("decode step %s compiled in %.1f s", variant, time.perf_counter() - start)

    def _run(self, n: int) -> None:
        if self.use_graph:
            graph = self._graphs.get(n) or self._capture(n)
            graph.replay()
        else:
            step, variant = self._step_for(n)
            self._body(n, step)
            if variant is not None and self.step_cache is not None:
                self.step_cache.record(variant)

    def _load(self, cache, attention: torch.Tensor, deltas: torch.Tensor | None, max_new_tokens: int) -> None:
        """Copy a prefilled DynamicCache into the static one and set the next positions."""
        batch, prompt_len = attention.shape
        self._allocate(batch, prompt_len + max_new_tokens + 1)
        for i, layer in enumerate(cache.layers):
            self.k_cache[i, :, :, :prompt_len].copy_(layer.keys)
            self.v_cache[i, :, :, :prompt_len].copy_(layer.values)
        self.key_ok.zero_()
        self.key_ok[:, :prompt_len].copy_(attention.bool())
        deltas = torch.zeros(batch, 1, dtype=torch.long, device=self.device) if deltas is None else deltas
        # The next token's position, as `generate` builds it: text position + rope delta.
        self.pos.copy_(attention.long().sum(-1) + deltas.view(-1).to(self.device))
        self.index.fill_(prompt_len)
        self.active.fill_(1)

    def admit(self, row: int, rows: int, cache, delta: int, max_new_tokens: int) -> None:
        """Put one prefilled request (batch-1 cache, no padding) into `row`; the others keep going.

        `rows` is how many rows the caller uses in all; the buffers grow (keeping what is
        in them) when the request needs a longer cache.
        """
        prompt_len = cache.get_seq_length()
        self._allocate(rows, prompt_len + max_new_tokens + 1, keep=True)
        for i, layer in enumerate(cache.layers):
            self.k_cache[i, row, :, :prompt_len].copy_(layer.keys[0])
            self.v_cache[i, row, :, :prompt_len].copy_(layer.values[0])
        self.key_ok[row].zero_()
        self.key_ok[row, :prompt_len] = True
        self.pos[row] = prompt_len + delta
        self.index[row] = prompt_len
        self.active[row] = 1

    def release(self, row: int) -> None:
        """The row stops advancing; its cache is overwritten by the next request admitted there."""
        if row < self.batch:
            self.active[row] = 0

    @torch.inference_mode()
    def step(self, next_ids: torch.Tensor) -> torch.Tensor:
        """Feed one token to each of the first len(next_ids) rows; their next logits (n, vocab)."""
        if self.sampler is not None:
            raise RuntimeError("this decoder samples inside its step: use step_sampled()")
        n = next_ids.numel()
        self.ids[:n].copy_(next_ids.view(n, 1))
        self._run(n)
        return self.logits[:n]

    @torch.inference_mode()
    def step_sampled(self) -> torch.Tensor:
        """Feed the id the sampler chose last; the step samples the next one (batch 1)."""
        assert self.sampler is not None
        self._run(1)
        return self.sampler.chosen

    def use_sampler(self, sampler: GraphSampler | None) -> None:
        """Sample inside the captured step from now on (None: the caller picks from logits)."""
        self.sampler = sampler
        self._graphs = {}

    def room(self) -> int:
        """Tokens that can still be fed before the static cache is full."""
        return self.max_len - int(self.index.max())


class ThinkerDecoder(StaticDecoder):
    """The fast decoder over a `Qwen2_5OmniThinkerForConditionalGeneration`."""

    def __init__(
        self, thinker, use_graph: bool | None = None, compile: bool = False, fp8: bool = False
    ) -> None:
        super().__init__(thinker.model.language_model, thinker.lm_head.weight, use_graph, compile, fp8)
        self.thinker = thinker

    @torch.inference_mode()
    def start(self, inputs: dict, max_new_tokens: int, use_audio_in_video: bool = False) -> torch.Tensor:
        """Prefill `inputs` (the processor's tensors) through the model; first logits (b, vocab)."""
        cache, attention, logits = self._prefill(inputs, use_audio_in_video)
        self._load(cache, attention, self.thinker.model.rope_deltas, max_new_tokens)
        return logits

    @torch.inference_mode()
    def start_row(
        self, row: int, rows: int, inputs: dict, max_new_tokens: int, use_audio_in_video: bool = False
    ) -> torch.Tensor:
        """Prefill one request into `row` while the other rows keep their state; logits (1, vocab)."""
        cache, _, logits = self._prefill(inputs, use_audio_in_video)
        deltas = self.thinker.model.rope_deltas
        self.admit(row, rows, cache, 0 if deltas is None else int(deltas.view(-1)[0]), max_new_tokens)
        return logits

    def begin_prefill(self, row: int, rows: int, inputs: dict, max_new_tokens: int) -> PartialPrefill | None:
        """Hold `row` for a text-only prompt that `prefill_some` will write into the static cache a
        piece at a time; None for a prompt with media (its encoders and TMRoPE positions need the
        whole prompt and the model's own forward: `start_row`). `rows`: as for `admit`."""
        ids, attention = inputs["input_ids"], inputs.get("attention_mask")
        if set(inputs) - {"input_ids", "attention_mask"} or ids.shape[0] != 1:
            return None
        if attention is not None and not bool(attention.all()):
            return None
        self._allocate(rows, ids.shape[1] + max_new_tokens + 1, keep=True)
        self.active[row] = 0
        self.key_ok[row].zero_()
        # Steps run while the prompt is written also write this (inactive) row, at its index:
        # parked on the last slot, which the request writes before it ever reads it.
        self.index[row] = self.max_len - 1
        return PartialPrefill(ids, row)

    @torch.inference_mode()
    def prefill_some(self, part: PartialPrefill, tokens: int) -> torch.Tensor | None:
        """Write the next `tokens` prompt tokens of `part` into its row of the static cache (one
        lean forward over the model's weights, ~400 kernels: a 512-token call through the model's
        own forward cost ~35 ms on an H100, mostly launch overhead); the last position's logits
        (1, vocab) once the whole prompt is in and the row decodes, else None."""
        start, end = part.done, min(part.length, part.done + tokens)
        x = self._prefill_chunk(part.row, part.ids[:, start:end], start)
        part.done = end
        if end < part.length:
            return None
        row = part.row
        self.key_ok[row, :end] = True
        self.pos[row] = end  # text only: position = index, rope delta 0
        self.index[row] = end
        self.active[row] = 1
        return F.linear(x[:, -1], self.lm_head.weight).float()

    def _prefill_chunk(self, row: int, ids: torch.Tensor, start: int) -> torch.Tensor:
        """Prompt tokens start.. of `row` through every layer, their keys and values into the
        cache; the final hidden states (1, n, hidden). Plain RoPE (the three M-RoPE sections
        share a text token's position); bf16 weights even with FP8 (prefill stays as it was)."""
        n, hd = ids.shape[1], self.head_dim
        end = start + n
        positions = torch.arange(start, end, device=self.device)
        freqs = positions[:, None].float() * self.inv_freq
        emb = torch.cat((freqs, freqs), dim=-1)[None, :, None, :]  # (1, n, 1, hd)
        cos, sin = emb.cos().to(self.dtype), emb.sin().to(self.dtype)
        causal = self.slots[:end][None, :] <= positions[:, None]  # (n, end): earlier keys only
        mask = torch.zeros(causal.shape, dtype=self.dtype, device=self.device)
        mask = mask.masked_fill_(~causal, float("-inf"))[None, None]
        q_size, kv_size = self.heads * hd, self.kv_heads * hd
        x = F.embedding(ids, self.embed)
        for i, layer in enumerate(self.layers):
            h = _rms_norm(x, layer.ln1, self.eps)
            qkv = F.linear(h, layer.qkv.weight, layer.qkv.bias)
            qk = qkv[..., : q_size + kv_size].view(1, n, self.heads + self.kv_heads, hd)
            qk = qk * cos + _rotate_half(qk) * sin
            q = qk[:, :, : self.heads].transpose(1, 2)  # (1, heads, n, hd)
            self.k_cache[i, row, :, start:end] = qk[0, :, self.heads :].transpose(0, 1)
            self.v_cache[i, row, :, start:end] = (
                qkv[0, :, q_size + kv_size :].view(n, self.kv_heads, hd).transpose(0, 1)
            )
            keys, values = self.k_cache[i, row : row + 1, :, :end], self.v_cache[i, row : row + 1, :, :end]
            a = F.scaled_dot_product_attention(q, keys, values, attn_mask=mask, enable_gqa=True)
            x = x + F.linear(a.transpose(1, 2).reshape(1, n, q_size), layer.o.weight, layer.o.bias)
            h = _rms_norm(x, layer.ln2, self.eps)
            gate, up = F.linear(h, layer.gate_up.weight).chunk(2, dim=-1)
            x = x + F.linear(F.silu(gate) * up, layer.down.weight)
        return _rms_norm(x, self.norm, self.eps)

    def _prefill(self, inputs: dict, use_audio_in_video: bool):
        from transformers.cache_utils import DynamicCache

        ids, attention = inputs["input_ids"], inputs.get("attention_mask")
        if attention is None:
            attention = torch.ones_like(ids)
        self.thinker.model.rope_deltas = None  # recomputed from this prompt
        cache = DynamicCache(config=self.thinker.config.get_text_config())
        rest = {k: v for k, v in inputs.items() if k not in {"input_ids", "attention_mask"}}
        # The thinker's inner model (not the LM wrapper) so only the last position meets lm_head.
        out = self.thinker.model(
            input_ids=ids,
            attention_mask=attention,
            past_key_values=cache,
            use_cache=True,
            use_audio_in_video=use_audio_in_video,
            **rest,
        )
        return cache, attention, F.linear(out.last_hidden_state[:, -1], self.lm_head.weight).float()


@dataclass
class PartialPrefill:
    """A text prompt being written into `row` of the static cache piece by piece: its ids and how
    many of them are in (`ThinkerDecoder.begin_prefill` / `prefill_some`)."""

    ids: torch.Tensor  # (1, prompt length)
    row: int
    done: int = 0

    @property
    def length(self) -> int:
        return self.ids.shape[1]


class TalkerDecoder(StaticDecoder):
    """The fast decoder over a `Qwen2_5OmniTalkerForConditionalGeneration`.

    A fed codec code becomes `proj(codec_embed(code) + reply[j])`, j the step, held at the
    last reply row once the reply is used up: what the talker's own forward does with
    `thinker_reply_part` while generating.
    """

    def __init__(self, talker, use_graph: bool | None = None, compile: bool = False) -> None:
        super().__init__(talker.model, talker.codec_head.weight, use_graph, compile)
        self.talker = talker
        self.proj_w = talker.thinker_to_talker_proj.weight
        self.proj_b = talker.thinker_to_talker_proj.bias

    def _allocate_extra(self, batch: int, max_len: int) -> None:
        self.reply = torch.zeros(batch, max_len, self.embed.shape[1], dtype=self.dtype, device=self.device)
        self.reply_at = torch.zeros(1, dtype=torch.long, device=self.device)
        self.reply_last = torch.zeros(1, dtype=torch.long, device=self.device)

    def _state(self) -> list[torch.Tensor]:
        return [*super()._state(), self.reply_at]

    def _input_embeds(self, n: int) -> torch.Tensor:
        at = torch.minimum(self.reply_at, self.reply_last)
        x = F.embedding(self.ids[:n], self.embed) + self.reply[:n].index_select(1, at)
        self.reply_at.add_(1)
        return F.linear(x, self.proj_w, self.proj_b)

    @torch.inference_mode()
    def start(self, inputs: dict, max_new_tokens: int, use_audio_in_video: bool = False) -> torch.Tensor:
        """Prefill with the model inputs `talker.generate` would get (see OmniBackend._speak_tokens)."""
        from transformers.cache_utils import DynamicCache

        kwargs = dict(inputs)  # use_audio_in_video travels inside
        reply = kwargs.pop("thinker_reply_part")
        kwargs.pop("input_ids")  # the prefill reads inputs_embeds; ids only feed repetition penalty
        attention = kwargs["attention_mask"]
        self.talker.rope_deltas = None
        cache = DynamicCache(config=self.talker.config)
        out = self.talker(past_key_values=cache, use_cache=True, thinker_reply_part=reply, **kwargs)
        self._load(cache, attention, self.talker.rope_deltas, max_new_tokens)
        if reply.shape[1] > self.max_len:
            raise NotImplementedError("reply longer than the static cache")
        self.reply[:, : reply.shape[1]].copy_(reply)
        self.reply_at.zero_()
        self.reply_last.fill_(reply.shape[1] - 1)
        return out.logits[:, -1].float()


def decode_tokens(
    decoder: ThinkerDecoder,
    inputs: dict,
    max_new_tokens: int,
    eos_ids: set[int],
    use_audio_in_video: bool = False,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[int]:
    """Yield greedy token ids for batch 1 until EOS, the limit, or `should_stop()`.

    The EOS token itself is yielded, as `generate` emits it to its streamer. (Sampling:
    `decode_sampled`, or the batch scheduler.)
    """
    logits = decoder.start(inputs, max_new_tokens, use_audio_in_video)
    for n in range(max_new_tokens):
        nxt = logits.argmax(-1)
        token = int(nxt.view(-1)[0])
        yield token
        if token in eos_ids or n + 1 == max_new_tokens or (should_stop is not None and should_stop()):
            return
        logits = decoder.step(nxt.view(-1))


def decode_sampled(
    decoder: TalkerDecoder,
    inputs: dict,
    max_new_tokens: int,
    eos_ids: set[int],
    min_new_tokens: int = 0,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[int]:
    """`decode_tokens` for a decoder with a `GraphSampler`: each replay steps and samples on the
    GPU, so the host only reads the chosen id (batch 1). The EOS id itself is yielded."""
    sampler = decoder.sampler
    assert sampler is not None
    with torch.inference_mode():
        logits = decoder.start(inputs, max_new_tokens)
        sampler.reset(inputs["input_ids"], min_new_tokens)
        sampler.choose(logits, decoder.ids[:1])
        chosen = sampler.chosen
        for n in range(max_new_tokens):
            token = int(chosen[0])
            yield token
            if token in eos_ids or n + 1 == max_new_tokens or (should_stop is not None and should_stop()):
                return
            chosen = decoder.step_sampled()


class GraphSampler:
    """Sampling as fixed-shape device ops over the decoder's rows, so it can run inside a
    captured step (the talker) or once for a whole batched step (the scheduler).

    The filters `generate` applies (min-new-tokens EOS block, suppressed ids, repetition
    penalty, temperature, top-k, top-p) with transformers' arithmetic in the same order (tested
    against its processors); the penalty reads a presence mask per row instead of the growing
    id list, min-new-tokens a device counter, and temperature / top-p are per row, so rows
    with different requests share one set of kernels and nothing waits on the host.
    """

    def __init__(
        self,
        vocab: int,
        device,
        temperature: float,
        top_k: int | None,
        top_p: float,
        repetition_penalty: float | None,
        suppress: tuple[int, ...] = (),
        eos_ids: tuple[int, ...] = (),
        rows: int = 1,
    ) -> None:
        self.vocab, self.top_k = vocab, top_k
        self.penalty = repetition_penalty or 1.0
        self.default = (temperature, top_p)
        self.presence = torch.zeros(rows, vocab, dtype=torch.bool, device=device)
        self.count = torch.zeros(rows, 1, dtype=torch.long, device=device)
        self.min_new = torch.zeros(rows, 1, dtype=torch.long, device=device)
        self.temperature = torch.ones(rows, 1, dtype=torch.float32, device=device)
        self.top_p_drop = torch.zeros(rows, 1, dtype=torch.float32, device=device)  # 1 - top_p
        self.chosen = torch.zeros(rows, dtype=torch.long, device=device)
        self.eos = self._mask(eos_ids, device)
        self.blocked = self._mask(suppress, device)
        self.greedy = [False] * rows
        self.generators: list[torch.Generator | None] = [None] * rows

    def _mask(self, ids: tuple[int, ...], device) -> torch.Tensor | None:
        if not ids:
            return None
        mask = torch.zeros(1, self.vocab, dtype=torch.bool, device=device)
        mask[0, list(ids)] = True
        return mask

    def state(self) -> list[torch.Tensor]:
        return [self.presence, self.count, self.chosen]

    def reset(
        self,
        prompt_ids: torch.Tensor,
        min_new_tokens: int = 0,
        row: int = 0,
        temperature: float | None = None,
        top_p: float | None = None,
        generator: torch.Generator | None = None,
    ) -> None:
        """A new sequence in `row`: its prompt's ids count as seen (as `generate`'s penalty sees
        them). Temperature 0 is greedy; `generator` makes the row's draws its own (seeded)."""
        temperature = self.default[0] if temperature is None else temperature
        top_p = self.default[1] if top_p is None else top_p
        self.presence[row].zero_()
        ids = prompt_ids.reshape(-1).to(self.presence.device)
        self.presence[row, ids[ids < self.vocab]] = True
        self.count[row] = 0
        self.min_new[row] = min_new_tokens
        self.greedy[row] = temperature <= 0
        # Greedy rows: no temperature, no top-p (argmax of the penalised scores, as `generate`).
        self.temperature[row] = 1.0 if self.greedy[row] else temperature
        self.top_p_drop[row] = 0.0 if self.greedy[row] or top_p >= 1.0 else 1 - top_p  # in float64
        self.generators[row] = generator

    def filtered(self, logits: torch.Tensor, start: int = 0, greedy: bool = False) -> torch.Tensor:
        """The scores rows start.. start+n draw their next id from (-inf where filtered out).

        `greedy`: only what can change the argmax (EOS block, suppression, penalty)."""
        rows, inf = slice(start, start + logits.shape[0]), float("-inf")
        scores = logits
        if self.eos is not None:
            scores = scores.masked_fill(self.eos & (self.count[rows] < self.min_new[rows]), inf)
        if self.blocked is not None:
            scores = scores.masked_fill(self.blocked, inf)
        if self.penalty != 1.0:
            penalised = torch.where(scores < 0, scores * self.penalty, scores / self.penalty)
            scores = torch.where(self.presence[rows], penalised, scores)
        if greedy:
            return scores
        scores = scores / self.temperature[rows]
        if self.top_k:
            top_k = min(self.top_k, scores.size(-1))
            scores = scores.masked_fill(scores < torch.topk(scores, top_k)[0][..., -1, None], inf)
        ordered, order = torch.sort(scores, descending=False)
        drop = ordered.softmax(dim=-1).cumsum(dim=-1) <= self.top_p_drop[rows]
        drop[..., -1:] = False
        return scores.masked_fill(drop.scatter(1, order, drop), inf)

    def choose(self, logits: torch.Tensor, ids_out: torch.Tensor) -> None:
        """Draw every row's next id (all rows sampling, the default generator): graph-safe."""
        drawn = torch.multinomial(torch.softmax(self.filtered(logits), dim=-1), 1)  # (n, 1)
        self._record(drawn, ids_out)

    def choose_rows(self, logits: torch.Tensor, ids_out: torch.Tensor, start: int = 0) -> None:
        """Like `choose` for rows start.. that differ: greedy rows take the argmax, seeded rows
        draw from their own generator, the rest draw together. Eager (host-side branching)."""
        n = logits.shape[0]
        scores = self.filtered(logits, start, greedy=all(self.greedy[start : start + n]))
        drawn = scores.argmax(-1, keepdim=True)
        shared = [i for i in range(n) if not self.greedy[start + i] and self.generators[start + i] is None]
        if shared:
            rows = torch.tensor(shared, device=scores.device)
            drawn[rows] = torch.multinomial(torch.softmax(scores[rows], dim=-1), 1)
        for i in range(n):
            generator = self.generators[start + i]
            if not self.greedy[start + i] and generator is not None:
                probs = torch.softmax(scores[i : i + 1], dim=-1)
                drawn[i] = torch.multinomial(probs, 1, generator=generator)[0]
        self._record(drawn, ids_out, start)

    def release(self, row: int) -> None:
        """The row's request ended: it stops drawing from that request's generator."""
        self.greedy[row], self.generators[row] = True, None

    def _record(self, drawn: torch.Tensor, ids_out: torch.Tensor, start: int = 0) -> None:
        rows = slice(start, start + drawn.shape[0])
        self.chosen[rows].copy_(drawn.view(-1))
        ids_out.copy_(drawn.view(ids_out.shape))
        self.presence[rows].scatter_(1, drawn, True)
        self.count[rows].add_(1)
