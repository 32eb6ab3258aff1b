"""The learned risk model's pieces: manifest, calibration, metrics, and the shipped model itself."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from carellm.safety.calibration import fit_isotonic, reliability
from carellm.safety.manifest import CRISIS_MANIFEST, overlap, read_manifest, text_digest, write_manifest
from carellm.safety.metrics import average_precision, bootstrap, detection_report, pr_curve
from carellm.safety.risk_model import chunks, load_risk_model

DATA = Path(__file__).parents[1] / "data" / "safety"


def test_manifest_finds_a_listed_text_in_any_spelling_and_not_an_unlisted_one(tmp_path):
    path = tmp_path / "manifest.txt"
    assert write_manifest(path, ["I want to end it all", "今天 天气 很好"], "a header\nof two lines") == 2
    assert text_digest("I  WANT to end it   all") == text_digest("I want to end it all")
    assert overlap(["i want to end it all", "今天天气很好", "I want to go home"], path) == [
        "i want to end it all",
        "今天天气很好",
    ]
    assert len(read_manifest(path)) == 2


def test_shipped_manifest_lists_the_training_texts_and_not_the_held_out_ones():
    known = read_manifest(CRISIS_MANIFEST)
    assert len(known) > 20_000
    assert all(len(d) == 64 for d in list(known)[:100])
    developed = [json.loads(x)["text"] for x in (DATA / "dev.jsonl").open(encoding="utf-8")]
    assert all(text_digest(t) in known for t in developed)
    never_tuned = [json.loads(x)["text"] for x in (DATA / "test2.jsonl").open(encoding="utf-8")]
    assert sum(text_digest(t) in known for t in never_tuned) <= 3  # a few sentences recur in other sets


def test_isotonic_calibration_is_monotone_and_matches_observed_rates():
    rng = np.random.default_rng(0)
    scores = rng.normal(size=4000)
    truth = 1 / (1 + np.exp(-2 * scores))
    labels = rng.random(4000) < truth
    calibration = fit_isotonic(scores, labels)
    grid = np.linspace(-3, 3, 61)
    mapped = calibration(grid)
    assert np.all(np.diff(mapped) >= 0)
    assert abs(float(calibration([0.0])[0]) - 0.5) < 0.08
    raw_ece = reliability(1 / (1 + np.exp(-scores)), labels)["ece"]
    assert reliability(calibration(scores), labels)["ece"] < raw_ece


def test_reliability_bins_count_every_prediction():
    table = reliability([0.05, 0.15, 0.95, 0.95], [False, False, True, False])
    assert sum(b["n"] for b in table["bins"]) == 4
    top = table["bins"][-1]
    assert top["n"] == 2 and top["observed"] == 0.5 and top["mean_predicted"] == 0.95
    assert table["ece"] == pytest.approx((0.05 + 0.15 + 2 * 0.45) / 4, abs=1e-4)


def test_bootstrap_interval_holds_the_estimate_and_narrows_with_more_data():
    small, large = bootstrap([True] * 9 + [False]), bootstrap([True] * 900 + [False] * 100)
    assert small.low <= 0.9 <= small.high and large.low <= 0.9 <= large.high
    assert large.high - large.low < small.high - small.low
    assert np.isnan(bootstrap([]).value)


def test_detection_report_and_pr_curve():
    report = detection_report([True, True, False, True], [True, False, False, True])
    assert report["recall"][0] == 1.0 and report["fpr"][0] == 0.5
    assert report["precision"][0] == pytest.approx(2 / 3, abs=1e-4)  # rounded to 4 places for reports
    curve = pr_curve([0.9, 0.8, 0.3, 0.1], [True, False, True, False])
    assert curve["recall"] == [0.5, 0.5, 1.0, 1.0] and curve["precision"][0] == 1.0
    assert average_precision([0.9, 0.8, 0.3, 0.1], [True, True, False, False]) == 1.0


def test_a_long_post_is_read_in_pieces():
    story = "I had a long week at work. " * 30 + "I just want to die. " + "The weekend was fine. " * 30
    pieces = chunks(story)
    assert len(pieces) > 3 and any("want to die" in p for p in pieces)
    assert chunks("short text") == ["short text"]


def test_the_shipped_model_separates_real_risk_from_everyday_text():
    model = load_risk_model()
    en = model.probabilities(
        ["I can't do this anymore, I just want to die", "Had a lovely lunch today"], "en"
    )
    zh = model.probabilities(["我真的不想活了，活着太累了", "今天去公园散步了"], "zh")
    assert en[0] > en[1] and zh[0] > zh[1]
    assert model.level(float(en[0]), "en") != "none" and model.level(float(zh[0]), "zh") != "none"
    assert model.level(float(en[1]), "en") == "none" and model.level(float(zh[1]), "zh") == "none"
    assert set(model.thresholds) == {"en", "zh"}
    for limits in model.thresholds.values():
        assert 0 < limits["medium"] <= limits["high"] <= 1


@pytest.mark.parametrize(
    ("history", "text", "lang"),
    [
        (
            ["anyone want to end it all together this weekend? I have enough pills for two"],
            "yes, together. count me in",
            "en",
        ),
        (["我真的撑不下去了"], "就这样吧，再见了", "zh"),
    ],
)
def test_risk_that_shows_only_across_turns_is_caught(history, text, lang):
    from carellm.safety import assess

    assert not assess(text, lang).flagged  # alone, the reply says nothing
    together = assess(text, lang, history)
    assert together.flagged and any(r.startswith("model-window:") for r in together.reasons)


@pytest.mark.parametrize(
    ("history", "text", "lang"),
    [
        (["what are you doing this weekend?"], "yes, together. count me in", "en"),
        (["想不想周末一起去爬山"], "好的，一起吧", "zh"),
    ],
)
def test_the_same_reply_after_an_everyday_question_is_not_flagged(history, text, lang):
    from carellm.safety import assess

    assert not assess(text, lang, history).flagged


def test_a_wish_stated_in_the_middle_of_a_long_post_is_caught_and_the_story_alone_is_not():
    from carellm.safety import assess

    before = "I had a long week at work and my manager keeps piling on tasks. " * 6
    after = "Anyway the weekend is coming and I will visit my parents. " * 6
    assert assess(before + "Honestly I want to kill myself. " + after, "en").flagged
    assert not assess(before + "Honestly I am so tired. " + after, "en").flagged


def test_first_person_feelings_keep_their_own_false_alarm_budget():
    from carellm.safety.training import _medium_threshold

    # 100 easy everyday texts (never flagged), 20 first-person feelings, 10 crisis rows.
    rows = (
        [{"source": "goemotions", "kind": "x", "label": "safe"}] * 100
        + [{"source": "carer", "kind": "feel_sadness", "label": "safe"}] * 20
        + [{"source": "twitter_intention", "kind": "x", "label": "crisis"}] * 10
    )
    # One feeling scores 0.6 like half the crisis rows: pooled with the everyday texts that is
    # 1/120 (under 4%), on its own 1/20 = 5% (over): the threshold must rise above it.
    p = np.array([0.0] * 100 + [0.6] + [0.0] * 19 + [0.6] * 5 + [0.9] * 5)
    assert _medium_threshold(p, rows, hard_budget=0.1) == 0.9
    assert _medium_threshold(p, rows, hard_budget=0.1, feelings_apart=False) == 0.6
