"""Measuring voice arousal on a RAVDESS-style folder: file names, speaker split, sessions."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from carellm.emotion.voice_eval import auc, choose_threshold, evaluate, read_ravdess
from carellm.errors import InputError

from .conftest import SENTENCE, _run

TENSE = ("-p", "85", "-s", "230", "-a", "190")
FLAT = ("-p", "15", "-s", "110", "-a", "40")


def _speak(path: Path, args: tuple[str, ...]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    _run("espeak-ng", *args, "-w", str(path), SENTENCE)


@pytest.fixture(scope="module")
def ravdess(tmp_path_factory) -> Path:
    """Four actors (two dev, two held out), each with angry/happy spoken tense and calm/sad flat."""
    root = tmp_path_factory.mktemp("ravdess")
    tense, flat = root / "tense.wav", root / "flat.wav"
    _speak(tense, TENSE)
    _speak(flat, FLAT)
    for actor in (1, 2, 13, 14):
        folder = root / f"Actor_{actor:02d}"
        folder.mkdir()
        for emotion, source in (("05", tense), ("03", tense), ("02", flat), ("04", flat)):
            for statement in ("01", "02"):
                # each copy a little softer or louder, so no two files are the same recording
                name = f"03-01-{emotion}-01-{statement}-01-{actor:02d}.wav"
                gain = 0.7 + 0.01 * actor + 0.1 * int(statement) + 0.001 * int(emotion)
                _run("sox", str(source), str(folder / name), "vol", f"{gain:.3f}")
    tense.unlink()
    flat.unlink()
    return root


def test_names_give_speaker_emotion_and_side_and_disgust_is_left_out(ravdess, tmp_path):
    folder = shutil.copytree(ravdess / "Actor_01", tmp_path / "Actor_01")
    shutil.copy(folder / "03-01-05-01-01-01-01.wav", folder / "03-01-07-01-01-01-01.wav")  # disgust
    shutil.copy(folder / "03-01-05-01-01-01-01.wav", folder / "notes.wav")
    clips = read_ravdess(tmp_path)
    assert len(clips) == 8 and {c.actor for c in clips} == {1}
    angry = next(c for c in clips if c.path.name == "03-01-05-01-01-01-01.wav")
    calm = next(c for c in clips if c.path.name == "03-01-02-01-01-01-01.wav")
    assert angry.high and angry.emotion == "angry" and not calm.high and calm.emotion == "calm"


def test_the_same_recording_under_two_names_counts_once(ravdess, tmp_path):
    folder = shutil.copytree(ravdess / "Actor_01", tmp_path / "Actor_01")
    shutil.copy(folder / "03-01-03-01-01-01-01.wav", folder / "03-01-03-01-01-02-01.wav")
    assert len(read_ravdess(tmp_path)) == 8


def test_a_folder_without_clips_says_what_to_give(tmp_path):
    with pytest.raises(InputError, match="Actor_01"):
        read_ravdess(tmp_path)


def test_auc_and_the_threshold_chosen():
    assert auc([0.9, 0.8, 0.2, 0.1], [True, True, False, False]) == 1.0
    assert auc([0.1, 0.9], [True, False]) == 0.0
    assert choose_threshold([0.9, 0.7, 0.3, 0.2], [True, True, False, False]) in {0.7, 0.3}


def test_tense_and_flat_voices_are_told_apart_on_held_out_speakers(ravdess):
    out = evaluate(ravdess, log=lambda _: None)
    assert out["speakers"] == {"dev": [1, 2], "test": [13, 14]}
    assert out["test"]["n"] == 16 and out["test"]["auc"] == 1.0 and out["test"]["accuracy"][0] == 1.0
    in_context = out["sessions_test"]["in_context"]
    assert out["sessions_test"]["turns"] > 0 and in_context["auc"] > 0.9


def test_the_cli_says_which_folder_it_needs(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "carellm", "emotion", "voice-eval", "--data", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0 and "Actor_01" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
