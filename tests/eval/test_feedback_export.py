"""The feedback loop on a real SQLite store: ratings and a reviewer's correction become DPO pairs
and SFT records (PII scrubbed), and the pairs go through TRL's chat-template step unchanged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from carellm.config import Settings
from carellm.counseling.hooks import GateDecision, TurnRecord
from carellm.store import open_store
from carellm.store.settings import StoreSettings


def _turn(session: str, index: int, user: str, reply: str, model: str | None = None, reason: str = ""):
    return TurnRecord(
        session_id=session, turn_index=index, lang="en", user_text=user, media=[], reply_text=reply,
        model_text=reply if model is None else model, user_gate=GateDecision(),
        reply_gate=GateDecision(reason=reason), emotion=None, started_at=time.time(), finished_at=time.time(),
    )  # fmt: skip


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'sessions.db'}"
    store = open_store(Settings(data_dir=tmp_path), StoreSettings(db_url=url))
    # Session a: a good first reply, a bad second one that a reviewer corrected.
    store.record(
        _turn("a", 0, "I can't sleep before exams. Mail me at jo@example.com", "That sounds exhausting.")
    )
    store.record(_turn("a", 1, "What should I do?", "Just stop worrying."))
    store.save_feedback("a", 0, 1)
    store.save_feedback("a", 1, -1, "dismissive")
    # Session b: rated down, never corrected; session c: the guard replaced a reply that was rated down.
    store.record(_turn("b", 0, "I feel alone", "ok"))
    store.save_feedback("b", 0, -1)
    store.record(
        _turn(
            "c",
            0,
            "Can I double my dose?",
            "I can't advise on medication.",
            "Yes, take 40mg.",
            "reply-policy:dose",
        )
    )
    store.save_feedback("c", 0, -1)
    store.save_correction("c", 0, "I can't advise on doses; your prescriber can. What's making tonight hard?")
    store.save_correction("a", 1, "It makes sense to feel this way. What has helped you sleep before?")
    store.close()
    return dict(
        os.environ, CARELLM_DB_URL=url, CARELLM_DATA_DIR=str(tmp_path), HF_HUB_OFFLINE="1", COLUMNS="200"
    )


def run(env, *args):
    cmd = [sys.executable, "-m", "carellm", "feedback", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)


def test_dpo_pairs_a_corrected_reply_against_what_the_model_wrote(db, tmp_path, tiny_model_dir):
    out = tmp_path / "pairs.jsonl"
    done = run(db, "export", "--to", "dpo", "--out", str(out))
    assert done.returncode == 0, done.stderr
    pairs = [json.loads(line) for line in out.read_text().splitlines()]
    assert (
        len(pairs) == 2
        and "Wrote 2 dpo records" in done.stdout
        and "skipped 1: rated down, no correction" in done.stdout
    )
    a = next(p for p in pairs if p["rejected"][0]["content"] == "Just stop worrying.")
    assert [m["role"] for m in a["prompt"]] == ["user", "assistant", "user"]
    assert "jo@example.com" not in json.dumps(a) and "PII" in done.stdout
    c = next(p for p in pairs if "prescriber" in p["chosen"][0]["content"])
    assert c["rejected"][0]["content"] == "Yes, take 40mg."  # the model's text, not the guard's fallback

    from transformers import AutoTokenizer
    from trl import is_conversational, maybe_apply_chat_template

    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    assert is_conversational(a)
    templated = maybe_apply_chat_template(a, tokenizer)
    assert "Just stop worrying." in templated["rejected"] and "What should I do?" in templated["prompt"]


def test_sft_keeps_conversations_up_to_their_last_good_reply(db, tmp_path):
    from carellm.data.schema import parse_line

    out = tmp_path / "sft.jsonl"
    done = run(db, "export", "--to", "sft", "--out", str(out))
    assert done.returncode == 0, done.stderr
    records = [parse_line(line) for line in out.read_text().splitlines()]
    assert len(records) == 1 and records[0].source == "feedback"
    assert [m.content for m in records[0].messages][1] == "That sounds exhausting."
    assert len(records[0].messages) == 2  # the rated-down second turn is not taught


def test_correcting_a_turn_that_was_not_stored_is_a_clear_error(db):
    done = run(db, "correct", "a", "7", "--text", "better")
    assert done.returncode == 2 and "has no turn 7" in done.stderr and "Traceback" not in done.stderr
