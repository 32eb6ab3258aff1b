"""`carellm talk`: a spoken session from the terminal, with WAV files in place of the devices."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import soundfile as sf

from carellm.counseling.counselor import Counselor
from carellm.serve.realtime.client import talk_wav
from tests.scripted import ScriptedHearing

ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
CRISIS = "I want to end my life tonight"


def test_talk_in_process_speaks_a_wav_turn_and_writes_the_reply(tiny_model_dir, media_dir, tmp_path):
    out = tmp_path / "reply.wav"
    env = {**ENV, "CARELLM_DB_URL": f"sqlite:///{tmp_path / 'sessions.db'}", "CARELLM_MAX_NEW_TOKENS": "8",
           "CARELLM_MAX_SPEECH_SECONDS": "2", "COLUMNS": "200"}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "carellm", "talk", "--model", str(tiny_model_dir), "--lang", "en",
         "--input-wav", str(media_dir / "speech.wav"), "--output-wav", str(out)],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "research" in lines[0].lower() or "not a" in lines[0].lower()  # the disclaimer first
    assert any(line.startswith("counselor: ") for line in lines)
    audio, rate = sf.read(str(out))
    assert rate == 24_000 and len(audio) > 0


def test_talk_prints_and_speaks_the_crisis_response(start_server, counselor, omni_backend, api_key, tmp_path):
    wav = tmp_path / "crisis.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(wav), CRISIS], check=True, capture_output=True)
    hearing = Counselor(ScriptedHearing(omni_backend, CRISIS), counselor.settings, gate=counselor.gate)
    srv = start_server(app_counselor=hearing)
    captions: list[tuple[str, str]] = []
    result = talk_wav(srv.url, api_key, wav, lambda who, text: captions.append((who, text)), "en")
    expected = counselor.gate.check_user_turn(CRISIS, "en", []).replace_with
    assert result.crisis and not result.errors
    assert ("you", CRISIS) in captions
    said = [text for who, text in captions if who == "counselor"]
    assert said and said[0].startswith(expected)
    assert np.concatenate(result.audio).size > 0


def test_talk_without_audio_devices_says_to_use_wav_files():
    env = {**ENV, "SD_ENABLE_ASIO": "0"}
    result = subprocess.run(
        [sys.executable, "-m", "carellm", "talk", "--url", "http://127.0.0.1:9"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "--input-wav" in result.stdout + result.stderr
