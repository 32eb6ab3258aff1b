"""The fast decode path gives the plain path's tokens (tiny model, CPU, no graph capture)."""

from __future__ import annotations

import pytest
import torch

from carellm.backends.base import GenerationOptions, Message
from carellm.backends.fast_decode import ThinkerDecoder, decode_tokens
from carellm.backends.omni import OmniBackend
from carellm.config import Settings
from carellm.media import MediaItem

MAX_NEW = 24


@pytest.fixture(scope="module")
def backends(tiny_model_dir):
    """Two backends over separate copies of the tiny model: plain generate and the fast path."""
    plain = OmniBackend.load(Settings(model=str(tiny_model_dir), seed=0, fast=False, max_speech_seconds=4))
    fast = OmniBackend.load(Settings(model=str(tiny_model_dir), seed=0, fast=True, max_speech_seconds=4))
    return plain, fast


def _text_messages() -> list[Message]:
    return [Message("system", "You are a kind listener."), Message("user", "I feel stressed about my exams.")]


def _media_messages(media_dir) -> list[Message]:
    media = [
        MediaItem("audio", str(media_dir / "speech.wav")),
        MediaItem("image", str(media_dir / "face.png")),
    ]
    return [Message("system", "You are a kind listener."), Message("user", "How do I sound?", media=media)]


def _eos(thinker) -> set[int]:
    eos = thinker.generation_config.eos_token_id
    return set(eos if isinstance(eos, list) else [eos])


def _plain_tokens(backend: OmniBackend, messages: list[Message]) -> list[int]:
    inputs = backend.prepare(messages).tensors
    with torch.inference_mode():
        out = backend.model.thinker.generate(**inputs, max_new_tokens=MAX_NEW, do_sample=False)
    return out[0, inputs["input_ids"].shape[1] :].tolist()


def _fast_tokens(backend: OmniBackend, messages: list[Message]) -> list[int]:
    decoder = ThinkerDecoder(backend.model.thinker)
    inputs = backend.prepare(messages).tensors
    return list(decode_tokens(decoder, inputs, MAX_NEW, _eos(backend.model.thinker)))


def test_greedy_tokens_match_generate_for_a_text_prompt(backends):
    plain, fast = backends
    assert _fast_tokens(fast, _text_messages()) == _plain_tokens(plain, _text_messages())


def test_greedy_tokens_match_generate_with_audio_and_image_in_the_prompt(backends, media_dir):
    plain, fast = backends
    messages = _media_messages(media_dir)
    assert _fast_tokens(fast, messages) == _plain_tokens(plain, messages)


def test_decode_logits_match_a_full_forward_after_a_multimodal_prompt(backends, media_dir):
    """Each step's logits equal the model's own forward over prompt + fed tokens (M-RoPE deltas included)."""
    _, fast = backends
    thinker = fast.model.thinker
    inputs = fast.prepare(_media_messages(media_dir)).tensors
    decoder = ThinkerDecoder(thinker)
    fed = torch.randint(
        0, thinker.config.text_config.vocab_size - 64, (6,), generator=torch.Generator().manual_seed(1)
    )
    with torch.inference_mode():
        steps = [decoder.start(inputs, max_new_tokens=len(fed))]
        steps += [decoder.step(token.view(1)).clone() for token in fed[:-1]]
        ids = torch.cat([inputs["input_ids"], fed[None, :-1]], dim=1)
        rest = {k: v for k, v in inputs.items() if k not in {"input_ids", "attention_mask"}}
        thinker.model.rope_deltas = None
        full = thinker(input_ids=ids, attention_mask=torch.ones_like(ids), **rest).logits[0].float()
    assert int(decoder.pos[0]) != int(decoder.index[0]), "the prompt must shift positions (rope_deltas != 0)"
    prompt_len = inputs["input_ids"].shape[1]
    expected = full[prompt_len - 1 :]
    got = torch.stack([s[0] for s in steps])
    torch.testing.assert_close(got, expected, atol=1e-4, rtol=1e-4)


def test_left_padded_batch_decodes_each_row_as_if_alone(backends):
    """Rows of different prompt lengths share one cache index; padding never leaks into a row."""
    _, fast = backends
    thinker = fast.model.thinker
    tok = fast.processor.tokenizer
    texts = ["I feel stressed.", "I have not slept well for weeks and I worry about my family."]
    decoder = ThinkerDecoder(thinker)
    alone = []
    for text in texts:
        ids = tok(text, return_tensors="pt").input_ids.to(thinker.device)
        alone.append(
            list(decode_tokens(decoder, {"input_ids": ids, "attention_mask": torch.ones_like(ids)}, 8, set()))
        )
    tok.padding_side = "left"
    batch = tok(texts, return_tensors="pt", padding=True).to(thinker.device)
    logits = decoder.start(dict(batch), max_new_tokens=8)
    rows: list[list[int]] = [[], []]
    for _ in range(8):
        nxt = logits.argmax(-1)
        for row, token in zip(rows, nxt.tolist(), strict=True):
            row.append(token)
        logits = decoder.step(nxt)
    assert rows == alone


def test_backend_stream_gives_the_same_text_with_and_without_the_fast_path(backends, media_dir):
    plain, fast = backends
    options = GenerationOptions(max_new_tokens=MAX_NEW, temperature=0.0, seed=0)
    messages = _media_messages(media_dir)
    text_plain = "".join(c.text for c in plain.stream(messages, options))
    text_fast = "".join(c.text for c in fast.stream(messages, options))
    assert fast._decoders.get("thinker") is not None and not plain._decoders
    assert text_fast == text_plain


def test_fast_path_is_off_on_cpu_unless_asked_for(tiny_model_dir):
    backend = OmniBackend.load(Settings(model=str(tiny_model_dir), seed=0))
    on = backend.device.type == "cuda"  # on by default where the model loads on a GPU
    assert (backend._fast_decoder("thinker") is not None) == on
    assert (backend._fast_decoder("talker") is not None) == on
    off = OmniBackend.load(Settings(model=str(tiny_model_dir), seed=0, fast=False))
    assert off._fast_decoder("thinker") is None and off._fast_decoder("talker") is None


def test_spoken_reply_is_the_same_with_the_fast_talker(backends, media_dir):
    """Same seed, same sampled codes, same waveform: the talker's fast step changes no numbers."""
    plain, fast = backends
    messages = _media_messages(media_dir)
    torch.manual_seed(0)
    wav_plain = plain.speak(messages, "Thank you.", "Chelsie")
    torch.manual_seed(0)
    wav_fast = fast.speak(messages, "Thank you.", "Chelsie")
    assert fast._decoders.get("talker") is not None
    assert wav_plain is not None and len(wav_plain) > 0
    assert wav_fast.shape == wav_plain.shape
    assert abs(wav_fast - wav_plain).max() < 1e-4


def test_fp8_weights_stay_close_to_the_full_precision_step(backends):
    """FP8 decode (CARELLM_FAST_FP8) against the same step in the model's dtype, token by token."""
    _, fast = backends
    thinker = fast.model.thinker
    inputs = fast.prepare(_text_messages()).tensors
    exact, fp8 = ThinkerDecoder(thinker), ThinkerDecoder(thinker, fp8=True)
    assert fp8.layers[0].qkv.w8.dtype == torch.float8_e4m3fn
    a, b = exact.start(inputs, 16), fp8.start(inputs, 16)
    assert torch.equal(a, b)  # the prefill is the model's own either way
    worst = 0.0
    for _ in range(12):
        token = a.argmax(-1)
        a, b = exact.step(token).clone(), fp8.step(token).clone()
        worst = max(worst, float((a - b).norm() / a.norm()))
    assert 0 < worst < 0.1


def test_a_second_decoder_shares_the_fused_weights_instead_of_copying_them(backends):
    _, fast = backends
    first, second = ThinkerDecoder(fast.model.thinker), ThinkerDecoder(fast.model.thinker)
    assert second.layers[0].qkv.weight.data_ptr() == first.layers[0].qkv.weight.data_ptr()
    assert second.layers[0].gate_up.weight.data_ptr() == first.layers[0].gate_up.weight.data_ptr()
    assert second.layers[0].qkv.bias.data_ptr() == first.layers[0].qkv.bias.data_ptr()


def test_rows_of_one_step_choose_as_each_would_alone():
    """The batch scheduler's choice for every row at once: greedy rows take the argmax of the
    penalised scores, a seeded row draws what it draws alone, whatever sits beside it."""
    from carellm.backends.fast_decode import GraphSampler

    vocab = 500
    gen = torch.Generator().manual_seed(0)
    prompts = [torch.randint(0, vocab, (1, 9), generator=gen) for _ in range(3)]
    logits = torch.randn(3, vocab, generator=gen) * 4

    def sampler(rows: int) -> GraphSampler:
        return GraphSampler(vocab, "cpu", 1.0, 50, 1.0, 1.3, eos_ids=(7,), rows=rows)

    batch = sampler(3)
    batch.reset(prompts[0], row=0, temperature=0.0)  # greedy
    batch.reset(prompts[1], row=1, temperature=0.8, top_p=0.9, generator=torch.Generator().manual_seed(5))
    batch.reset(prompts[2], row=2, temperature=1.2, top_p=0.7)  # shares the default generator
    out = torch.zeros(3, dtype=torch.long)
    batch.choose_rows(logits, out)

    alone = sampler(1)
    alone.reset(prompts[0], temperature=0.0)
    first = logits[:1]
    penalised = torch.where(alone.presence, torch.where(first < 0, first * 1.3, first / 1.3), first)
    assert int(out[0]) == int(penalised.argmax())
    alone.reset(prompts[1], temperature=0.8, top_p=0.9, generator=torch.Generator().manual_seed(5))
    one = torch.zeros(1, dtype=torch.long)
    alone.choose_rows(logits[1:2], one)
    assert int(out[1]) == int(one)
    own_filter = batch.filtered(logits[2:3], start=2)
    assert bool(own_filter[0, int(out[2])] > float("-inf"))
    assert batch.presence[torch.arange(3), out].all() and batch.count.view(-1).tolist() == [1, 1, 1]


def test_in_graph_sampling_filters_exactly_as_transformers_processors():
    """GraphSampler (the talker's sampling inside its captured step) against the processors
    `generate` applies, on random scores, prompts and histories: the same filtered scores."""
    from transformers import (
        LogitsProcessorList,
        RepetitionPenaltyLogitsProcessor,
        TemperatureLogitsWarper,
        TopKLogitsWarper,
        TopPLogitsWarper,
    )

    from carellm.backends.fast_decode import GraphSampler

    vocab, eos, blocked = 300, (290, 291), (5,)
    sampler = GraphSampler(vocab, "cpu", 0.9, 40, 0.8, 1.05, suppress=blocked, eos_ids=eos)
    processors = LogitsProcessorList(
        [RepetitionPenaltyLogitsProcessor(1.05), TemperatureLogitsWarper(0.9), TopKLogitsWarper(40),
         TopPLogitsWarper(0.8)]
    )  # fmt: skip
    gen = torch.Generator().manual_seed(0)
    for trial in range(20):
        prompt = torch.randint(0, vocab + 20, (1, 12), generator=gen)  # ids past the vocab are ignored
        generated = torch.randint(0, vocab, (1, trial), generator=gen)
        min_new = 10
        sampler.reset(prompt, min_new)
        for token in generated[0]:  # what choose() records for each id it drew
            sampler.presence[0, token] = True
            sampler.count.add_(1)
        logits = torch.randn(1, vocab, generator=gen) * 3
        expected = logits.clone()
        if trial < min_new:
            expected[:, list(eos)] = float("-inf")
        expected[:, list(blocked)] = float("-inf")
        expected = processors(torch.cat([prompt, generated], 1), expected)
        assert torch.equal(sampler.filtered(logits), expected), trial
    ids = torch.zeros(1, 1, dtype=torch.long)
    sampler.choose(torch.randn(1, vocab, generator=gen), ids)
    assert int(ids) == int(sampler.chosen) and bool(sampler.presence[0, int(ids)])


@pytest.mark.skipif(not torch.cuda.is_available(), reason="graph capture needs a GPU")
def test_capturing_the_talker_step_leaves_its_state_as_one_step_made_it(backends):
    """The capture's warm-up runs must not move the reply row, the cache or the sampler along."""
    _, fast = backends
    assert fast.device.type == "cuda"
    inputs = fast.prepare(_text_messages()).tensors
    reply = fast.processor.tokenizer("Thank you.", return_tensors="pt").input_ids.to(fast.device)
    with torch.inference_mode():
        talker_inputs = fast._talker_inputs(inputs, inputs["input_ids"], reply, "Chelsie", False)
    decoder = fast._fast_decoder("talker")
    with torch.inference_mode():
        logits = decoder.start(talker_inputs, 40)
        decoder._graphs = {}  # capture on the next step
        decoder.sampler.reset(talker_inputs["input_ids"])
        decoder.sampler.choose(logits, decoder.ids[:1])
        index = int(decoder.index[0])
        decoder.step_sampled()
        assert int(decoder.reply_at) == 1 and int(decoder.index[0]) == index + 1
        assert int(decoder.sampler.count) == 2


def test_text_generation_goes_on_while_an_utterance_is_being_spoken(backends):
    """On the fast path the talker and token2wav run beside text decoding: only the thinker
    pass of an utterance takes the model."""
    import threading

    _, fast = backends
    speech = fast.speak_stream(_text_messages(), "Thank you for telling me.", "Chelsie")
    assert len(next(speech)) > 0  # an utterance is open, holding its speech lock
    text: list[str] = []

    def write() -> None:
        options = GenerationOptions(max_new_tokens=8, temperature=0.0)
        text.extend(c.text for c in fast.stream(_text_messages(), options) if c.kind == "text")

    worker = threading.Thread(target=write, daemon=True)
    worker.start()
    worker.join(timeout=120)
    finished = not worker.is_alive()
    speech.close()
    assert finished and "".join(text)
    assert fast._speech_lock.acquire(blocking=False)
    fast._speech_lock.release()
