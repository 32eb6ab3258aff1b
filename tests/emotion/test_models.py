"""The trained classifier and the LLM pass (with a real tiny model, whose answers are noise)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from carellm.emotion import analyze_text
from carellm.emotion.classifier import EmotionClassifier, train
from carellm.emotion.labels import GOEMOTIONS

DATA = Path(__file__).parents[1] / "data" / "emotion"


def test_classifier_trains_on_goemotions_tsv_and_loads_by_path(tmp_path):
    card = train(DATA / "goemotions_sample.tsv", tmp_path / "model")
    assert card["examples"] == 28 and (tmp_path / "model" / "model_card.json").is_file()
    clf = EmotionClassifier.load(tmp_path / "model")
    result = analyze_text("I am so happy and thankful for this", "en", classifier=clf)
    assert result.source == "lexicon+model+classifier" and result.primary == "joy"
    assert set(result.goemotions) == set(GOEMOTIONS)


def test_classifier_trains_on_the_unified_schema(tmp_path):
    data = tmp_path / "unified.jsonl"
    rows = [
        {"messages": [{"role": "user", "content": t}], "labels": {"emotion": lab}}
        for t, lab in [
            ("我好孤独", "loneliness"),
            ("没人陪我", "loneliness"),
            ("今天很开心", "joy"),
            ("太高兴了", "joy"),
            ("好害怕", "anxiety"),
            ("我很紧张", "anxiety"),
            ("气死了", "anger"),
            ("我很生气", "anger"),
            ("好难过", "sadness"),
            ("我很伤心", "sadness"),
        ]
    ]
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert train(data, tmp_path / "m")["label_counts"] == {
        "anger": 2,
        "anxiety": 2,
        "joy": 2,
        "loneliness": 2,
        "sadness": 2,
    }


def test_train_cli_reports_the_bad_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"text": "hi", "labels": ["joy"]}\n{"text": "x", "labels": ["not-an-emotion"]}\n', encoding="utf-8"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "carellm",
            "emotion",
            "train",
            "--data",
            str(bad),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ, HF_HUB_OFFLINE="1"),
        timeout=120,
    )
    assert done.returncode == 2 and "bad.jsonl:2" in done.stderr and "Traceback" not in done.stderr


def test_llm_pass_with_garbage_output_falls_back(omni_backend):
    result = analyze_text("I'm so anxious I can't breathe properly", "en", backend=omni_backend)
    assert result.source == "lexicon+model" and result.primary == "anxiety"


def test_llm_pass_uses_a_valid_answer():
    from carellm.backends.base import Chunk

    class ScriptedBackend:  # a real Backend implementation that always gives the same answer
        name, speaks_separately, can_speak = "scripted", True, False

        def stream(self, messages, options):
            scores = {
                "anxiety": 0.1,
                "sadness": 0.9,
                "anger": 0,
                "shame": 0,
                "loneliness": 0,
                "joy": 0,
                "neutral": 0,
            }
            yield Chunk("text", text="Sure: " + json.dumps({"scores": scores}))

    result = analyze_text("hmm", "en", backend=ScriptedBackend())
    assert result.source == "lexicon+model+llm" and result.primary == "sadness"
