"""The MNN engine against transformers on the same checkpoint, and inside a real session.

Tolerance: 8-bit weights in blocks of 64 move the tiny model's logits by at most ~0.01 (measured
0.0084; its logits' spread is 0.16). Teacher-forced on transformers' greedy path, every step's
logits must agree within LOGIT_TOL. A step whose top two logits (transformers') are closer than
twice the difference actually seen is a near tie that quantisation may flip; at every other step
MNN's pick must be transformers', and the streamed greedy reply must be transformers' up to the
first near tie.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from carellm.backends.base import GenerationOptions, Message
from carellm.counseling.counselor import Counselor

LOGIT_TOL = 0.02
STEPS = 12
PROMPT = [Message("user", "I feel anxious before the exam.")]


def _mnn_logits(backend, ids: list[int], tokens: list[int]) -> np.ndarray:
    """MNN's logits at each step, fed transformers' tokens."""
    backend.llm.reset()
    steps = [backend._logits(ids)] + [backend._logits([t]) for t in tokens[:-1]]
    backend.llm.reset()
    return np.stack(steps)


def _clear_steps(reference: np.ndarray, got: np.ndarray) -> np.ndarray:
    """Steps whose top-two gap (transformers') is beyond what the seen difference can flip."""
    top2 = np.sort(reference, axis=1)[:, -2:]
    return top2[:, 1] - top2[:, 0] > 2 * np.abs(got - reference).max()


@pytest.fixture(scope="module")
def transformers_greedy(tiny_model_dir, mnn_backend):
    """Transformers' greedy tokens and the logits of each step, for the prompt MNN is given."""
    import torch
    from transformers import Qwen2_5OmniThinkerForConditionalGeneration

    ids = mnn_backend.llm.tokenizer_encode(mnn_backend.prompt(PROMPT))
    model = Qwen2_5OmniThinkerForConditionalGeneration.from_pretrained(tiny_model_dir, dtype=torch.float32)
    with torch.inference_mode():
        out = model.eval().generate(
            torch.tensor([ids]), max_new_tokens=STEPS, do_sample=False, min_new_tokens=STEPS
        )
        tokens = out[0, len(ids) :].tolist()
        logits = model(torch.tensor([ids + tokens])).logits[0, len(ids) - 1 : len(ids) - 1 + STEPS].numpy()
    return ids, tokens, logits


def test_the_prompt_is_the_checkpoints_own_chat_template(mnn_backend, tiny_model_dir):
    from carellm.backends.processor import load_processor

    processor = load_processor(str(tiny_model_dir), local_files_only=True)
    conversation = [{"role": "user", "content": [{"type": "text", "text": PROMPT[0].text}]}]
    expected = processor.apply_chat_template(conversation, add_generation_prompt=True, tokenize=False)
    assert mnn_backend.prompt(PROMPT) == expected


def test_logits_match_transformers_within_the_quantisation_tolerance(mnn_backend, transformers_greedy):
    ids, tokens, reference = transformers_greedy
    got = _mnn_logits(mnn_backend, ids, tokens)
    assert np.abs(got - reference).max() <= LOGIT_TOL
    clear = _clear_steps(reference, got)
    assert clear.sum() >= STEPS // 2
    assert (got.argmax(1)[clear] == np.array(tokens)[clear]).all()


def test_the_streamed_greedy_reply_is_transformers_up_to_the_first_near_tie(
    mnn_backend, transformers_greedy, tiny_model_dir
):
    from transformers import AutoTokenizer

    ids, tokens, reference = transformers_greedy
    near = np.flatnonzero(~_clear_steps(reference, _mnn_logits(mnn_backend, ids, tokens)))
    sure = int(near[0]) if near.size else STEPS
    assert sure >= 1
    options = GenerationOptions(max_new_tokens=STEPS, temperature=0.0)
    text = "".join(c.text for c in mnn_backend.stream(PROMPT, options) if c.kind == "text")
    prefix = AutoTokenizer.from_pretrained(tiny_model_dir).decode(tokens[:sure], skip_special_tokens=True)
    assert prefix and text.startswith(prefix)


def test_max_new_tokens_ends_the_reply_with_length(mnn_backend):
    chunks = list(mnn_backend.stream(PROMPT, GenerationOptions(max_new_tokens=3, temperature=0.0)))
    assert chunks[-1].kind == "end" and chunks[-1].finish_reason == "length"


def test_sampling_with_a_seed_repeats(mnn_backend):
    options = GenerationOptions(max_new_tokens=8, temperature=0.9, top_p=0.9, seed=7)
    first = "".join(c.text for c in mnn_backend.stream(PROMPT, options))
    assert first == "".join(c.text for c in mnn_backend.stream(PROMPT, options))


class CountingMNN:
    """The real MNN engine, counting the generations asked of it."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.calls = 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def stream(self, messages, options):
        self.calls += 1
        return self.inner.stream(messages, options)


def test_a_crisis_message_gets_the_crisis_response_without_the_model(mnn_backend):
    engine = CountingMNN(mnn_backend)
    counselor = Counselor(engine, mnn_backend.settings, emotion=False)  # type: ignore[arg-type]
    session = counselor.session(lang="en")
    reply = session.send("I want to kill myself tonight, I have the pills ready")
    assert reply.crisis and reply.model_text == "" and engine.calls == 0
    assert "988" in reply.text or "emergency" in reply.text.lower()
    ordinary = counselor.session(lang="en").send("I feel anxious before the exam.")  # a new session
    assert not ordinary.crisis and engine.calls >= 1 and ordinary.model_text


def test_carellm_chat_answers_with_the_mnn_backend(mnn_tiny_dir, tmp_path):
    env = {"CARELLM_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "carellm", "chat", "--backend", "mnn", "--model", str(mnn_tiny_dir),
         "-m", "I feel anxious before the exam.", "--max-new-tokens", "12"],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "Research use only" in run.stdout
    reply = run.stdout.split("carellm>", 1)[1].strip()
    assert reply
