"""In-process Qwen2.5-Omni backend (Hugging Face transformers).

Text is streamed from the thinker. Speech is made afterwards by `speak`, from the text the
safety layer approved: the thinker is run once over prompt + approved reply (teacher
forcing) to get the hidden states the talker conditions on, exactly as `generate` would
have produced them, then the talker and token2wav run. This costs one extra prefill but
guarantees that nothing unchecked is ever spoken, and that a fixed crisis response can be
spoken too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from typing import TYPE_CHECKING, TypedDict

import numpy as np

from carellm.backends.base import Chunk, GenerationOptions, Message
from carellm.backends.inputs import PreparedInputs, omni_inputs
from carellm.backends.loading import (
    missing_weights_error,
    out_of_memory_error,
    quiet_known_config_warnings,
    resolve_model,
)
from carellm.backends.transcription import transcription_messages, transcription_options
from carellm.config import MediaLimits, Settings
from carellm.errors import BackendError, CareLLMError
from carellm.media import MediaItem

if TYPE_CHECKING:  # torch-heavy modules, imported when the fast path is first used
    from carellm.backends.batching import DecodeScheduler
    from carellm.backends.stream_speech import WindowGraphs

log = logging.getLogger(__name__)

# Text tokens per second of audio after the encoder's pooling, and the speech codes the talker
# emits per text token (upper bound), used for context budgeting and the talker's length cap.
AUDIO_TOKENS_PER_SECOND = 25
TALKER_CODES_PER_TOKEN = 25
TALKER_CODES_PER_SECOND = 50  # token2wav turns 150 codes into 3.0 s of 24 kHz audio
# Prompt tokens the server's decode steps are made ready for at start (with max_new_tokens): a
# system prompt and the first turns. A longer conversation grows the cache to the next length.
WARM_PROMPT_TOKENS = 512
SMALL_MODEL_PARAMETERS = 100_000_000  # below this (test checkpoints) CPU ops run on one thread
MEDIA_KWARGS = ("image_grid_thw", "video_grid_thw", "video_second_per_grid")


class TalkerSampling(TypedDict):
    """The talker's sampling keywords, for `talker.generate` and the fast decoder's sampler alike."""

    top_k: int
    top_p: float
    temperature: float
    repetition_penalty: float


TALKER_SAMPLING: TalkerSampling = {"top_k": 40, "top_p": 0.8, "temperature": 0.9, "repetition_penalty": 1.05}


def _pick_dtype(dtype: str):
    import torch

    if dtype != "auto":
        return getattr(torch, dtype)
    if torch.cuda.is_available():
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.float32


def _pick_attention(choice: str) -> str:
    import importlib.util

    import torch

    if choice != "auto":
        return choice
    if torch.cuda.is_available() and importlib.util.find_spec("flash_attn") is not None:
        return "flash_attention_2"
    return "sdpa"


class OmniBackend:
    """Qwen2.5-Omni 7B/3B (or a tiny test checkpoint) through transformers."""

    name = "omni"
    speaks_separately = True

    def __init__(self, model, processor, settings: Settings) -> None:
        self.model = model
        self.processor = processor
        self.settings = settings
        self.limits: MediaLimits = settings.media
        self._lock = threading.Lock()  # one model call at a time (a whole generation, or one batched step)
        self._speech_lock = threading.Lock()  # one utterance at a time (talker decoder, token2wav graphs)
        self._decoders: dict = {}  # fast_decode decoders ("thinker", "talker"), made on first use
        self._batcher: DecodeScheduler | None = None  # over the fast thinker, made on first use
        self._t2w_graphs: WindowGraphs | None = None  # on CUDA, made on first streamed speech

    # ----------------------------------------------------------------- loading
    @classmethod
    def load(cls, settings: Settings) -> OmniBackend:
        import torch
        from transformers import Qwen2_5OmniForConditionalGeneration

        from carellm.backends.processor import load_processor

        quiet_known_config_warnings()
        model_id, local_only = resolve_model(settings.model)
        kwargs = dict(
            local_files_only=local_only,
            dtype=_pick_dtype(settings.dtype),
            attn_implementation=_pick_attention(settings.attn_implementation),
        )
        if torch.cuda.is_available():
            kwargs["device_map"] = settings.device_map
        try:
            processor = load_processor(model_id, local_files_only=local_only)
            model = Qwen2_5OmniForConditionalGeneration.from_pretrained(model_id, **kwargs)
        except torch.cuda.OutOfMemoryError as exc:
            raise out_of_memory_error(settings.model, settings.audio_output) from exc
        except (OSError, ValueError) as exc:
            raise missing_weights_error(settings.model, exc) from exc
        model.eval()
        if not torch.cuda.is_available() and model.num_parameters() < SMALL_MODEL_PARAMETERS:
            # A tiny model's ops take microseconds: spread over threads they cost more in waiting
            # than they save, and on shared cores each parallel region waits for a busy core. On
            # 2 cores under load the tiny DiT's 36 evaluations took 25.5 s on 2 threads, 1.05 s
            # on 1 (a spoken reply: minutes against seconds).
            torch.set_num_threads(1)
        if not settings.audio_output:
            model.disable_talker()  # frees the talker and token2wav (~2 GB for 7B)
        return cls(model, processor, settings)

    @property
    def can_speak(self) -> bool:
        return bool(getattr(self.model, "has_talker", False))

    @property
    def device(self):
        return self.model.thinker.get_input_embeddings().weight.device

    @property
    def accelerated(self) -> bool:
        return self.device.type == "cuda"

    # ----------------------------------------------------------------- inputs
    def prepare(self, messages: Sequence[Message], reply: str | None = None) -> PreparedInputs:
        prepared = omni_inputs(self.processor, messages, self.limits, reply=reply)
        device = self.device
        prepared.tensors = {k: (v.to(device) if hasattr(v, "to") else v) for k, v in prepared.tensors.items()}
        return prepared

    def count_tokens(self, messages: Sequence[Message]) -> int:
        """Text tokens plus an estimate for media that does not decode anything new."""
        tok = self.processor.tokenizer
        total = 0
        for msg in messages:
            total += len(tok(msg.text, add_special_tokens=False).input_ids) + 5
            for item in msg.media:
                total += _estimate_media_tokens(item, self.limits)
        return total

    # ----------------------------------------------------------------- text
    def stream(self, messages: Sequence[Message], options: GenerationOptions) -> Iterator[Chunk]:
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        class _Counting(TextIteratorStreamer):
            """Also counts the reply's tokens and keeps the last, to tell a reply max_new_tokens cut."""

            tokens = 0
            last: int | None = None

            def put(self, value):
                if not (self.skip_prompt and self.next_tokens_are_prompt):  # not the prompt
                    ids = value.reshape(-1).tolist()
                    self.tokens += len(ids)
                    self.last = ids[-1] if ids else self.last
                super().put(value)

        prepared = self.prepare(messages)
        tokenizer = self.processor.tokenizer
        streamer = _Counting(tokenizer, skip_prompt=True, skip_special_tokens=True, timeout=600)
        cancelled = threading.Event()
        failure: list[BaseException] = []

        class _Cancel(StoppingCriteria):
            def __call__(self, input_ids, scores, **kwargs):
                return cancelled.is_set()

        gen_kwargs = dict(
            **prepared.tensors,
            use_audio_in_video=prepared.use_audio_in_video,
            max_new_tokens=options.max_new_tokens,
            do_sample=options.temperature > 0,
            streamer=streamer,
            stopping_criteria=StoppingCriteriaList([_Cancel()]),
        )
        if options.temperature > 0:
            gen_kwargs.update(temperature=options.temperature, top_p=options.top_p)

        def run() -> None:
            try:
                batcher = self._decode_batcher()
                if batcher is not None:  # takes the model lock step by step, shared with other requests
                    self._generate_fast(batcher, prepared, options, streamer, cancelled.is_set)
                    return
                with self._lock, torch.inference_mode():
                    if options.seed is not None:
                        torch.manual_seed(options.seed)
                    self.model.thinker.generate(**gen_kwargs)
            except BaseException as exc:  # surfaced in the consumer thread below
                failure.append(exc)
                streamer.end()

        worker = threading.Thread(target=run, name="carellm-omni-generate", daemon=True)
        worker.start()
        try:
            for piece in streamer:
                if piece:
                    yield Chunk("text", text=piece)
        finally:
            cancelled.set()
            worker.join()
        if failure:
            exc = failure[0]
            if isinstance(exc, torch.cuda.OutOfMemoryError):
                raise out_of_memory_error(self.settings.model, self.can_speak) from exc
            raise BackendError(
                f"The model failed while generating ({type(exc).__name__}: {exc}).",
                "Try again; if it keeps failing, run `carellm doctor`.",
            ) from exc
        if streamer.tokens >= options.max_new_tokens and streamer.last not in self._eos_ids():
            yield Chunk("end", finish_reason="length")  # stopped by the limit, not by the model

    def _eos_ids(self) -> set[int]:
        """The thinker's end-of-reply tokens."""
        eos = self.model.thinker.generation_config.eos_token_id
        return set(eos if isinstance(eos, list) else [eos]) if eos is not None else set()

    def transcribe(self, speech: Sequence[MediaItem], lang: str | None, max_new_tokens: int) -> str:
        """The model's own reading of `speech`: the thinker alone, greedy, through `stream` (so the
        same chat template, and on the fast path the same batch as other conversations' replies)."""
        messages = transcription_messages(speech, lang)
        return "".join(c.text for c in self.stream(messages, transcription_options(max_new_tokens))).strip()

    def _fast_decoder(self, part: str):
        """The static-cache decoder for "thinker" or "talker" when `settings.fast` allows it.

        None (plain `generate`) when fast is off, which `Settings.fast=None` means on CPU.
        """
        from carellm.backends.compile_cache import open_step_cache
        from carellm.backends.fast_decode import TalkerDecoder, ThinkerDecoder

        if not self._fast_wanted():
            return None
        if part not in self._decoders:
            try:
                if part == "thinker":
                    settings = self.settings
                    thinker = ThinkerDecoder(self.model.thinker, fp8=settings.fast_fp8)
                    thinker.use_compile(open_step_cache(thinker, settings.compile, settings.cache_dir))
                    self._decoders[part] = thinker
                else:
                    self._decoders[part] = TalkerDecoder(self.model.talker)
                    self._decoders[part].use_sampler(talker_sampler(self.model.talker))
            except NotImplementedError as exc:  # e.g. layers split over devices: plain generate
                log.warning("fast %s decode unavailable, using plain generate: %s", part, exc)
                self._decoders[part] = None
        return self._decoders[part]

    @property
    def concurrency(self) -> int:
        """Generations this backend runs together: the fast path's decode slots, else 1."""
        return self._slots() if self._fast_wanted() else 1

    def _slots(self) -> int:
        return self.settings.decode_slots or (8 if self.device.type == "cuda" else 1)

    def _fast_wanted(self) -> bool:
        return self.settings.fast if self.settings.fast is not None else self.device.type == "cuda"

    def _decode_batcher(self):
        """The continuous-batching scheduler over the fast thinker (None: plain `generate`)."""
        from carellm.backends.batching import DecodeScheduler

        with self._lock:
            if self._batcher is None:
                decoder = self._fast_decoder("thinker")
                if decoder is not None:
                    sampler = thinker_sampler(self.model.thinker, self._slots())
                    self._batcher = DecodeScheduler(decoder, self._slots(), self._lock, sampler)
        return self._batcher

    def warm_up(self) -> None:
        """Make the batch scheduler's decode steps ready before the first request: every width it
        steps at (1, 2, 4... up to the slots), at the cache length a request with a
        `WARM_PROMPT_TOKENS` prompt and the default `max_new_tokens` needs and at every length the
        compile cache holds for this many slots, each compiled or loaded from the cache where
        `Settings.compile` wants it (auto: only what is cached) and captured on CUDA. Nothing
        without the fast path."""
        import time

        from carellm.backends.compile_cache import cached_lengths
        from carellm.backends.fast_decode import CACHE_BUCKET

        batcher = self._decode_batcher()
        if batcher is None:
            return
        started = time.perf_counter()
        cache = batcher.decoder.step_cache
        # Room for the prompt too (a system prompt and the first turns), or the first requests would
        # grow the cache at once to a length that was never made ready.
        need = WARM_PROMPT_TOKENS + self.settings.max_new_tokens + 1
        first = -(-need // CACHE_BUCKET) * CACHE_BUCKET
        lengths = {first} | (cached_lengths(cache.warm, self._slots()) if cache is not None else set())
        compiled = batcher.warm_up(sorted(lengths))
        log.info(
            "decode steps ready in %.1f s: %d slots, cache lengths %s, %d shapes compiled",
            time.perf_counter() - started,
            self._slots(),
            sorted(lengths),
            len(compiled),
        )

    def _generate_fast(
        self, batcher, prepared: PreparedInputs, options: GenerationOptions, streamer, stop
    ) -> None:
        """Feed `streamer` exactly as `thinker.generate` would, from the batched fast decoder."""
        import torch

        from carellm.backends.batching import Sampling

        config = self.model.thinker.generation_config
        eos_ids = self._eos_ids()
        generator = None
        if options.seed is not None and options.temperature > 0:  # per request: rows share the step
            generator = torch.Generator(self.device).manual_seed(options.seed)
        sampling = Sampling(options.temperature, options.top_p, generator, config.min_new_tokens or 0)
        streamer.put(prepared.tensors["input_ids"].cpu())  # skipped: skip_prompt=True
        tokens = batcher.generate(
            prepared.tensors,
            options.max_new_tokens,
            eos_ids,
            sampling,
            prepared.use_audio_in_video,
            stop,
        )
        for token in tokens:
            streamer.put(torch.tensor([token]))
        streamer.end()

    # ----------------------------------------------------------------- speech
    def speak(self, messages: Sequence[Message], reply: str, voice: str) -> np.ndarray | None:
        """Speech for `reply` as the assistant's answer to `messages` (24 kHz mono float32)."""
        pieces = list(self.speak_stream(messages, reply, voice, chunked=False))
        return np.concatenate(pieces) if pieces else None

    def speak_stream(
        self,
        messages: Sequence[Message],
        reply: str,
        voice: str,
        max_seconds: float | None = None,
        chunked: bool | None = None,
    ) -> Iterator[np.ndarray]:
        """Speech for the approved `reply`, as 24 kHz float32 pieces while the talker still runs.

        At most `max_seconds` (None: `settings.max_speech_seconds`), and never more codes than
        the checkpoint's talker config allows when it sets `max_speech_codes` (the tiny random
        model does: its talker never emits a stop code by itself).

        The talker decodes codes (in a background thread on CUDA); token2wav turns them into
        audio a window at a time (`stream_speech`). `chunked=False` gives one piece from
        token2wav over the whole utterance (what `speak` uses); None chooses per device
        (`_chunked_token2wav`). One utterance at a time; text generation waits only for the
        thinker pass, or, on the plain path, until the generator is finished or closed.
        """
        if not self.can_speak or not reply.strip():
            return
        if max_seconds is not None and max_seconds * TALKER_CODES_PER_SECOND < 1:
            return  # not one code's worth of time left
        self._check_voice(voice)
        prepared = self.prepare(messages)
        inputs = prepared.tensors
        prompt_ids = inputs["input_ids"]
        reply_ids = self._reply_ids(reply, prompt_ids.device)
        if chunked is None:
            chunked = self._chunked_token2wav()
        yield from self._speech_pieces(
            inputs, prompt_ids, reply_ids, voice, prepared.use_audio_in_video, chunked, max_seconds
        )

    def _check_voice(self, voice: str) -> None:
        if voice not in self.model.speaker_map:
            voices = ", ".join(self.model.speaker_map)
            raise CareLLMError(f"Unknown voice '{voice}'.", f"Choose one of: {voices}.")

    def _reply_ids(self, reply: str, device):
        ids = self.processor.tokenizer(reply, add_special_tokens=False, return_tensors="pt").input_ids
        return ids.to(device)

    def speech_codes(self, messages: Sequence[Message], reply: str, voice: str, seed: int) -> list[int]:
        """The talker's codes for `reply`, sampled from `seed`, without audio.

        Two checkpoints given the same reply and seed differ only where their thinkers' hidden
        states do: what `carellm train check-speech` compares after fine-tuning.
        """
        import torch

        if not self.can_speak:
            raise CareLLMError(f"{self.settings.model} has no talker.", "Compare checkpoints that speak.")
        self._check_voice(voice)
        prepared = self.prepare(messages)
        prompt_ids = prepared.tensors["input_ids"]
        reply_ids = self._reply_ids(reply, prompt_ids.device)
        codes: list[int] = []
        with self._speech_lock, self._lock, torch.inference_mode():
            talker_inputs, _noise, _cond, _mel, max_codes = self._speech_setup(
                prepared.tensors, prompt_ids, reply_ids, voice, prepared.use_audio_in_video, None
            )
            torch.manual_seed(seed)
            self._talker_codes(talker_inputs, max_codes, codes.append, lambda: False)
        return codes

    def _chunked_token2wav(self) -> bool:
        """Window-by-window token2wav where it pays: on CPU, and on a GPU with the windows
        graph-captured (the fast path); eager windows on a GPU cost about as much as a whole
        utterance each (launch-bound, docs/perf.md), so `--no-fast` runs token2wav once."""
        return self.settings.stream_speech and (self.device.type != "cuda" or self._fast_wanted())

    def _window_graphs(self):
        """CUDA-graph replays of token2wav's recurring windows (None: eager, on CPU or `--no-fast`)."""
        from carellm.backends.stream_speech import WindowGraphs

        if self.device.type != "cuda" or not self._fast_wanted():
            return None
        if self._t2w_graphs is None:
            self._t2w_graphs = WindowGraphs(self.model.token2wav, tf32=True)
        return self._t2w_graphs

    def _speech_pieces(
        self,
        inputs: dict,
        prompt_ids,
        reply_ids,
        voice: str,
        use_audio_in_video: bool,
        chunked: bool = True,
        seconds: float | None = None,
    ) -> Iterator[np.ndarray]:
        """Thinker over prompt + reply, then the talker in a thread feeding chunked token2wav."""
        import torch

        with self._speech_lock, ExitStack() as model_lock:  # held across yields, till closed
            model_lock.enter_context(self._lock)  # the thinker pass shares the thinker with text
            with torch.inference_mode():
                talker_inputs, noise, cond, ref_mel, max_codes = self._speech_setup(
                    inputs, prompt_ids, reply_ids, voice, use_audio_in_video, seconds
                )
            # On the fast path text decoding draws from per-request generators and keeps its own
            # buffers, so the talker and token2wav may run beside it; the plain path's seeded
            # `generate` shares the default generator with the talker, so it waits.
            if self._fast_wanted():
                model_lock.close()
            yield from self._speak_codes(talker_inputs, noise, cond, ref_mel, max_codes, chunked)

    def _speech_setup(
        self, inputs: dict, prompt_ids, reply_ids, voice: str, use_audio_in_video: bool, seconds: float | None
    ):
        """The talker's inputs (a thinker pass), its code budget and token2wav's noise and voice."""
        import torch

        from carellm.backends.stream_speech import draw_noise

        model = self.model
        speaker = model.speaker_map[voice]
        dev = prompt_ids.device
        talker_inputs = self._talker_inputs(inputs, prompt_ids, reply_ids, voice, use_audio_in_video)
        if seconds is None:
            seconds = self.settings.max_speech_seconds
        max_codes = min(
            4096,
            TALKER_CODES_PER_TOKEN * reply_ids.shape[1] + 100,
            max(1, int(TALKER_CODES_PER_SECOND * seconds)),
            getattr(model.config.talker_config, "max_speech_codes", None) or 4096,
        )
        if model.token2wav.dtype != torch.float:
            model.token2wav.float()
        noise = draw_noise(model.token2wav, max_codes, dev)  # before the talker samples
        cond = speaker["cond"].to(dev).float().expand(1, -1)
        ref_mel = speaker["ref_mel"].to(dev).float().expand(1, -1, -1)
        return talker_inputs, noise, cond, ref_mel, max_codes

    def _speak_codes(self, talker_inputs: dict, noise, cond, ref_mel, max_codes: int, chunked: bool):
        """The talker (in its own thread on CUDA) feeding token2wav; 24 kHz pieces."""
        from carellm.backends.stream_speech import Prefetch, full_waveform, stream_waveform

        model, dev = self.model, noise.device
        # On CUDA the talker runs ahead in its own thread while token2wav works. On CPU two
        # threads would fight over the same cores (10x slower on 2 cores), so the fast talker
        # is pulled lazily between token2wav windows and the plain one runs first.
        prefetch = None
        if dev.type == "cuda":
            prefetch = Prefetch(lambda put, stop: self._talker_codes(talker_inputs, max_codes, put, stop))
            codes: Iterable[int] = prefetch
        elif self._fast_decoder("talker") is not None:
            codes = self._fast_codes(talker_inputs, max_codes)
        else:
            codes = []
            self._talker_codes(talker_inputs, max_codes, codes.append, lambda: False)
        try:
            if chunked:
                graphs = self._window_graphs()
                yield from stream_waveform(model.token2wav, codes, cond, ref_mel, noise, graphs=graphs)
            elif got := list(codes):
                yield full_waveform(model.token2wav, got, cond, ref_mel, noise)
        finally:
            if prefetch is not None:
                prefetch.close()

    def _talker_inputs(
        self, inputs: dict, prompt_ids, reply_ids, voice: str, use_audio_in_video: bool
    ) -> dict:
        """Run the thinker over prompt + approved reply; the talker's prefill inputs."""
        import torch

        model, talker = self.model, self.model.talker
        cfg = model.config.thinker_config
        batch, prompt_len = prompt_ids.shape
        full_ids = torch.cat([prompt_ids, reply_ids], dim=1)
        attention = torch.cat([inputs["attention_mask"], torch.ones_like(reply_ids)], dim=1)
        thinker_kwargs = {k: v for k, v in inputs.items() if k not in {"input_ids", "attention_mask"}}
        out = model.thinker(
            input_ids=full_ids,
            attention_mask=attention,
            output_hidden_states=True,
            use_cache=False,
            use_audio_in_video=use_audio_in_video,
            **thinker_kwargs,
        )
        embeds, last = out.hidden_states[0], out.hidden_states[-1]
        # Mirror Qwen2_5OmniForConditionalGeneration.generate: the talker sees zeros where
        # the prompt held audio/image/video features.
        prompt_embeds = embeds[:, :prompt_len].clone()
        for token_id in (cfg.audio_token_index, cfg.image_token_index, cfg.video_token_index):
            prompt_embeds[prompt_ids == token_id] = 0
        reply_part = last[:, prompt_len:] + embeds[:, prompt_len:]

        speaker = model.speaker_map[voice]
        embed = model.thinker.get_input_embeddings()
        dev = prompt_ids.device

        def token(value: int):
            return torch.full((batch, 1), value, dtype=torch.long, device=dev)

        text_bos = token(speaker["bos_token"])
        talker_text_ids = torch.cat([prompt_ids, text_bos, reply_ids[:, :1]], dim=1)
        talker_ids = torch.cat(
            [
                torch.full_like(prompt_ids, talker.codec_mask_token),
                token(talker.codec_pad_token),
                token(talker.codec_bos_token),
            ],
            dim=1,
        )
        talker_embeds = torch.cat(
            [last[:, :prompt_len] + prompt_embeds, embed(text_bos), reply_part[:, :1]], dim=1
        )
        reply_rest = torch.cat(
            [reply_part[:, 1:], embed(token(talker.text_eos_token)), embed(token(talker.text_pad_token))],
            dim=1,
        )
        talker_kwargs = {k: inputs[k] for k in MEDIA_KWARGS if k in inputs}
        if "feature_attention_mask" in inputs:
            talker_kwargs["audio_feature_lengths"] = inputs["feature_attention_mask"].sum(dim=1)
        return dict(
            input_ids=talker_ids,
            input_text_ids=talker_text_ids,
            thinker_reply_part=reply_rest,
            inputs_embeds=talker_embeds,
            attention_mask=torch.cat(
                [inputs["attention_mask"], inputs["attention_mask"].new_ones((batch, 2))], dim=1
            ),
            use_audio_in_video=use_audio_in_video,
            **talker_kwargs,
        )

    def _talker_codes(self, talker_inputs: dict, max_codes: int, put, stop) -> None:
        """`put` each speech code as the talker makes it, up to (not including) the first stop code."""
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList
        from transformers.generation.streamers import BaseStreamer

        talker = self.model.talker
        eos = _stop_codes(talker)
        with torch.inference_mode():
            if self._fast_decoder("talker") is not None:
                for code in self._fast_codes(talker_inputs, max_codes, stop):
                    put(code)
                return

            class _Codes(BaseStreamer):
                """generate's streamer hook: the prompt first (skipped), then each new code."""

                prompt_seen = ended = False

                def put(self, value) -> None:
                    if not self.prompt_seen:
                        self.prompt_seen = True
                        return
                    for code in value.reshape(-1).tolist():
                        self.ended = self.ended or code in eos
                        if not self.ended:
                            put(code)

                def end(self) -> None:
                    pass

            class _Stop(StoppingCriteria):
                def __call__(self, input_ids, scores, **kwargs):
                    return stop()

            talker.generate(
                **talker_inputs,
                suppress_tokens=[talker.codec_bos_token],
                max_new_tokens=max_codes,
                do_sample=True,
                eos_token_id=eos,
                pad_token_id=talker.codec_pad_token,
                streamer=_Codes(),
                stopping_criteria=StoppingCriteriaList([_Stop()]),
                **TALKER_SAMPLING,
            )

    def _fast_codes(self, talker_inputs: dict, max_codes: int, stop=None) -> Iterator[int]:
        """Speech codes from the fast talker, lazily, up to (not including) the first stop code."""
        from carellm.backends.fast_decode import decode_sampled

        talker = self.model.talker
        eos = _stop_codes(talker)
        decoder = self._fast_decoder("talker")
        min_new = talker.generation_config.min_new_tokens or 0
        for code in decode_sampled(decoder, talker_inputs, max_codes, set(eos), min_new, should_stop=stop):
            if code in eos:
                return
            yield code


def thinker_sampler(thinker, rows: int):
    """Sampling for the batched thinker: the generation config's top-k, repetition penalty and
    EOS; temperature and top-p come with each request."""
    from carellm.backends.fast_decode import GraphSampler

    config = thinker.generation_config
    eos = config.eos_token_id
    eos_ids = tuple(eos if isinstance(eos, list) else [eos]) if eos is not None else ()
    return GraphSampler(
        thinker.lm_head.weight.shape[0],
        thinker.device,
        temperature=1.0,
        top_k=getattr(config, "top_k", None),
        top_p=1.0,
        repetition_penalty=getattr(config, "repetition_penalty", None),
        eos_ids=eos_ids,
        rows=rows,
    )


def talker_sampler(talker):
    """The talker's sampling (what `talker.generate` applies) for the fast decoder's captured step."""
    from carellm.backends.fast_decode import GraphSampler

    return GraphSampler(
        talker.config.vocab_size,
        talker.device,
        suppress=(talker.codec_bos_token,),
        eos_ids=tuple(_stop_codes(talker)),
        **TALKER_SAMPLING,
    )


def _stop_codes(talker) -> list[int]:
    """The codes that end speech: generate's default for the talker ([8292, 8294] released)."""
    return [talker.codec_pad_token, talker.codec_eos_token]


def _estimate_media_tokens(item: MediaItem, limits: MediaLimits) -> int:
    if item.kind == "audio":
        return int(len(item.audio(limits)) / 16000 * AUDIO_TOKENS_PER_SECOND) + 2
    if item.kind == "image":
        w, h = item.image(limits).size
        scale = min(1.0, (limits.image_max_pixels / max(w * h, 1)) ** 0.5)
        return max(1, round(w * scale / 28)) * max(1, round(h * scale / 28)) + 2
    clip = item.video(limits)
    frames = clip.frames
    per_frame = (frames.shape[1] // 28) * (frames.shape[2] // 28)
    extra = int(len(clip.audio) / 16000 * AUDIO_TOKENS_PER_SECOND) if clip.audio is not None else 0
    return (len(frames) // 2) * per_frame + extra + 2
