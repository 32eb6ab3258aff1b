"""The reply guard's learned model: what ships, how it loads, and that it can only add a block."""

from __future__ import annotations

import json

import pytest

from carellm.safety.guard_concepts import DENIED_LABEL
from carellm.safety.guard_corpus import BLIND_FILE, WRITTEN_FILE, split_of
from carellm.safety.guard_model import GUARD_CONFIG, GUARD_MANIFEST, GUARD_WEIGHTS, load_guard_model
from carellm.safety.manifest import read_manifest, text_digest
from carellm.safety.normalize import normalize
from carellm.safety.reply_guard import LEARNED, guard_reply, pattern_verdict

# A doctor's reply of the kind the model learned from: no pattern names it, the model does.
DOCTOR_STYLE = (
    "Based on your symptoms it seems you may be suffering from hypothyroidism. We should run a "
    "thyroid panel and start you on levothyroxine, and I'd like to see you again in six weeks."
)


def test_the_shipped_model_is_small_and_conservative():
    assert GUARD_WEIGHTS.stat().st_size + GUARD_CONFIG.stat().st_size <= 10 * 2**20
    thresholds = json.loads(GUARD_CONFIG.read_text(encoding="utf-8"))["thresholds"]
    assert {lang: t["block"] >= 0.9 for lang, t in thresholds.items()} == {"en": True, "zh": True}


def test_the_model_loads_once_per_process():
    assert load_guard_model() is load_guard_model()


def test_the_model_blocks_what_the_patterns_let_through():
    assert pattern_verdict(DOCTOR_STYLE).ok
    verdict = guard_reply(DOCTOR_STYLE, "en")
    assert not verdict.ok and verdict.violations == [LEARNED] and verdict.evidence[0].startswith("p=")


def test_the_model_can_only_add_a_block():
    assert guard_reply(DOCTOR_STYLE, "en", learned=False).ok
    blocked = "This is typical depression."
    assert guard_reply(blocked, "en").violations == pattern_verdict(blocked).violations == ["diagnosis"]


@pytest.mark.parametrize(("path", "prefix"), [(WRITTEN_FILE, "w"), (BLIND_FILE, "wb")])
def test_the_manifest_lists_the_written_replies_it_learned_from_and_not_the_held_out_ones(path, prefix):
    known = read_manifest(GUARD_MANIFEST)
    assert all(len(line) == 64 for line in known)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    learned = [r for i, r in enumerate(rows) if split_of(f"{prefix}:{i}") != "test"]
    held_out = [r for i, r in enumerate(rows) if split_of(f"{prefix}:{i}") == "test"]
    assert learned and held_out
    assert all(text_digest(r["text"]) in known for r in learned)
    assert not any(text_digest(r["text"]) in known for r in held_out)


def test_a_denied_label_is_left_to_the_patterns():
    """n-grams cannot read "not": the model stands down where a label is denied or asked about."""
    denied = "这不是典型的抑郁症，也可能是压力太大。"
    assert DENIED_LABEL.search(normalize(denied))
    assert guard_reply(denied, "zh").ok
    assert not guard_reply("这是典型的抑郁症。", "zh").ok
