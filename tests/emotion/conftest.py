"""Real speech for the voice tests: espeak-ng at different pitch, rate and amplitude, and sox effects."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

SENTENCE = "I can't deal with this anymore, everything keeps going wrong and I have to fix it right now."


def _run(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


@pytest.fixture(scope="session")
def voices(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("voices")
    specs = {
        "agitated": ("-p", "85", "-s", "230", "-a", "190"),
        "calm": ("-p", "45", "-s", "160", "-a", "100"),
        "flat": ("-p", "15", "-s", "110", "-a", "40"),
    }
    paths = {}
    for name, args in specs.items():
        paths[name] = out / f"{name}.wav"
        _run("espeak-ng", *args, "-w", str(paths[name]), SENTENCE)
    calm = str(paths["calm"])
    for name, effect in {
        "fast": ["tempo", "1.7"],
        "slow": ["tempo", "0.6"],
        "tremolo": ["tremolo", "6", "80"],
    }.items():
        paths[name] = out / f"{name}.wav"
        _run("sox", calm, str(paths[name]), *effect)
    paths["telephone"] = out / "telephone.wav"
    _run("sox", calm, "-r", "8000", str(paths["telephone"]))
    paths["clipped"] = out / "clipped.wav"
    _run("sox", "-v", "8", calm, str(paths["clipped"]))
    paths["short"] = out / "short.wav"
    _run("sox", calm, str(paths["short"]), "trim", "0.3", "0.2")
    paths["silence"] = out / "silence.wav"
    _run("sox", "-n", "-r", "16000", "-c", "1", str(paths["silence"]), "trim", "0", "2")
    paths["mp3"] = out / "calm.mp3"
    _run("ffmpeg", "-loglevel", "error", "-y", "-i", calm, str(paths["mp3"]))
    return paths
