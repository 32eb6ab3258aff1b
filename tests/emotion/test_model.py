"""The shipped text-emotion model: on by default, sane on clear sentences, falls back without its file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from carellm.emotion import analyze_text, analyze_texts
from carellm.emotion.model import CONFIG_FILE, MANIFEST_FILE, WEIGHTS_FILE, load_emotion_model
from carellm.safety.features import hashed_counts
from carellm.safety.manifest import read_manifest, text_digest

DATA = Path(__file__).parents[1] / "data" / "emotion"
CLEAR = [  # written for this test, not taken from any training source
    ("I'm so happy, I finally got the job I wanted!", "en", "joy"),
    ("This is wonderful news, thank you so much", "en", "joy"),
    ("I feel so sad and empty since my dog died", "en", "sadness"),
    ("I've been crying all night, everything feels hopeless", "en", "sadness"),
    ("I'm furious, they lied to my face again", "en", "anger"),
    ("I am so angry at my boss for humiliating me", "en", "anger"),
    ("I'm terrified about the surgery tomorrow", "en", "anxiety"),
    ("I feel so nervous and scared about the exam results", "en", "anxiety"),
    ("今天太开心了，终于考上了理想的大学！", "zh", "joy"),
    ("收到你的礼物好幸福，谢谢你", "zh", "joy"),
    ("外婆走了，我心里特别难过，一直在哭", "zh", "sadness"),
    ("好伤心，感觉什么都没有意义了", "zh", "sadness"),
    ("气死我了，他们又骗了我", "zh", "anger"),
    ("太可恶了，这种人简直不要脸", "zh", "anger"),
    ("好害怕明天的手术，怎么办", "zh", "anxiety"),
    ("一想到考试就紧张得心慌，担心考不过", "zh", "anxiety"),
]


def test_the_model_ships_within_the_size_budget():
    assert WEIGHTS_FILE.is_file() and CONFIG_FILE.is_file()
    assert WEIGHTS_FILE.stat().st_size <= 50 * 2**20
    meta = json.loads(CONFIG_FILE.read_text(encoding="utf-8"))
    assert set(meta["known"]) == {"en", "zh"} and "loneliness" not in meta["known"]["zh"]


@pytest.mark.parametrize(("text", "lang", "label"), CLEAR)
def test_clear_sentences_get_their_label(text, lang, label):
    result = analyze_text(text, lang)
    assert result.primary == label, result.scores
    assert result.source == "lexicon+model"


def test_the_model_is_on_by_default_and_off_on_request():
    assert analyze_text("I'm so happy today", "en").source == "lexicon+model"
    assert analyze_text("I'm so happy today", "en", model=False).source == "lexicon"
    assert {r.source for r in analyze_texts(["好开心", "I'm sad"])} == {"lexicon+model"}


def test_labels_the_model_never_saw_are_the_lexicons():
    """No real corpus labels loneliness: the curated lexicon keeps it."""
    assert analyze_text("I feel so lonely, nobody understands me", "en").primary == "loneliness"
    assert analyze_text("我很孤独，没有人理解我", "zh").primary == "loneliness"


def test_lexicon_fallback_when_the_model_file_is_missing(tmp_path, monkeypatch):
    import carellm.emotion.model as shipped

    monkeypatch.setattr(shipped, "WEIGHTS_FILE", tmp_path / "emotion_model.npz")
    assert load_emotion_model() is None
    result = analyze_text("I am so happy today", "en")
    assert result.source == "lexicon" and result.primary == "joy"


def test_the_cli_uses_the_model_by_default():
    done = subprocess.run(
        [sys.executable, "-m", "carellm", "emotion", "analyze", "--text", "气死我了，他们又骗了我", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout)
    assert result["source"] == "lexicon+model" and result["primary"] == "anger"


def test_the_manifest_lists_training_texts_but_not_the_handwritten_set():
    known = read_manifest(MANIFEST_FILE)
    assert len(known) > 50_000
    rows = [json.loads(line) for line in (DATA / "labelled.jsonl").open(encoding="utf-8")]
    assert not [r["text"] for r in rows if text_digest(r["text"]) in known]


def test_one_encoding_serves_both_heads():
    """The crisis model and the emotion head read the same cached feature vector of a message."""
    from carellm.safety.risk_model import load_risk_model

    text = "I can't stop crying and I don't know who to talk to (a unique message 7f3a)"
    hashed_counts.cache_clear()
    load_risk_model().probabilities([text], "en")
    before = hashed_counts.cache_info()
    analyze_text(text, "en")
    after = hashed_counts.cache_info()
    assert after.misses == before.misses and after.hits > before.hits
