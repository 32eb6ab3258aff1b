"""`carellm train check-speech`: the same replies spoken by two checkpoints, compared code by code."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from carellm.train.speech_check import check_speech, compare_codes, default_replies, replies_from_file


def _two_replies():
    replies = default_replies()
    return [replies[0], replies[3]]  # one English, one Chinese


def test_codes_are_compared_position_by_position():
    assert compare_codes([1, 2, 3, 4], [1, 2, 3, 4]) == (1.0, None)
    assert compare_codes([1, 2, 3, 4], [1, 9, 3, 4]) == (0.75, 1)
    assert compare_codes([1, 2, 3, 4], [1, 2]) == (0.5, 2)  # shorter: the missing codes differ
    assert compare_codes([], []) == (1.0, None)


def test_a_checkpoint_against_itself_has_not_drifted(tiny_model_dir):
    report = check_speech(str(tiny_model_dir), str(tiny_model_dir), _two_replies(), seed=3)
    assert [r.agreement for r in report.replies] == [1.0, 1.0]
    assert all(r.first_difference is None and r.duration_ratio == 1.0 for r in report.replies)
    assert all(r.base_codes > 10 for r in report.replies) and not any(r.drifted for r in report.replies)


def test_a_changed_thinker_changes_the_talkers_codes(tiny_model_dir, fittable_tiny_dir):
    # The fittable copy's thinker embeddings are scaled x20 (tests/train/conftest.py): the talker
    # reads those hidden states, so with the same seed its codes must part from the base's.
    report = check_speech(str(tiny_model_dir), str(fittable_tiny_dir), _two_replies(), seed=3)
    assert all(r.first_difference is not None for r in report.replies)
    assert report.mean_agreement < 0.9
    payload = report.to_dict()
    assert payload["replies"][1]["reply"].startswith("听起来") and "mean_agreement" in payload


def test_replies_come_from_a_training_file(eight_conversations):
    replies = replies_from_file(eight_conversations, limit=3)
    assert [r.reply for r in replies] == [
        f"It sounds like {w} is heavy for you." for w in ("sad", "tired", "lonely")
    ]
    assert [m.role for m in replies[0].prompt] == ["system", "user"]


def test_the_cli_reports_json_and_refuses_a_missing_checkpoint(tiny_model_dir, eight_conversations, tmp_path):
    base = [sys.executable, "-m", "carellm", "train", "check-speech", "--base", str(tiny_model_dir)]
    ok = subprocess.run(
        [*base, "--tuned", str(tiny_model_dir), "--data", str(eight_conversations), "--limit", "1", "--json"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    report = json.loads(ok.stdout.strip().splitlines()[-1])
    assert report["mean_agreement"] == 1.0 and report["drifted"] == 0 and len(report["replies"]) == 1
    missing = subprocess.run(
        [*base, "--tuned", str(tmp_path / "nowhere")], capture_output=True, text=True, timeout=300
    )
    assert missing.returncode != 0 and "Traceback" not in missing.stderr
    assert "nowhere" in missing.stderr


@pytest.mark.parametrize("voice", ["Nobody"])
def test_an_unknown_voice_is_named(tiny_model_dir, voice):
    from carellm.errors import CareLLMError

    with pytest.raises(CareLLMError, match="Unknown voice"):
        check_speech(str(tiny_model_dir), str(tiny_model_dir), _two_replies()[:1], voice=voice)
