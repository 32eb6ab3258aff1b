"""Shared fixtures: a tiny random Qwen2.5-Omni checkpoint and real media files.

Everything is built once per test run: the checkpoint with `make_tiny_model` (the same
code `carellm dev make-tiny-model` runs), speech with espeak-ng, audio formats with sox and
ffmpeg, images with Pillow and videos with ffmpeg.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _run(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    from carellm.dev.tiny_model import make_tiny_model

    return make_tiny_model(tmp_path_factory.mktemp("tiny-omni"))


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory) -> Path:
    """speech.{wav,flac,mp3,ogg,webm}, face.{png,jpg,webp}, clip.mp4 (with sound), clip.webm."""
    for tool in ("espeak-ng", "sox", "ffmpeg"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: apt-get install {tool} (see .ci/run)")
    out = tmp_path_factory.mktemp("media")
    wav = out / "speech.wav"
    _run("espeak-ng", "-v", "en-us", "-w", str(wav), "I have been feeling very stressed and tired lately.")
    _run("sox", str(wav), "-r", "44100", str(out / "speech.flac"))
    for ext, codec in (("mp3", "libmp3lame"), ("ogg", "libvorbis"), ("webm", "libopus")):
        _run("ffmpeg", "-loglevel", "error", "-y", "-i", str(wav), "-c:a", codec, str(out / f"speech.{ext}"))
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (320, 240), (235, 220, 200))
    draw = ImageDraw.Draw(img)
    draw.ellipse((100, 50, 220, 190), fill=(250, 200, 160))
    draw.arc((130, 110, 190, 160), 200, 340, fill=(90, 40, 40), width=4)
    for ext in ("png", "jpg", "webp"):
        img.save(out / f"face.{ext}")
    _run(
        "ffmpeg", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", "testsrc=size=224x168:rate=8",
        "-i", str(wav), "-t", "2", "-shortest", "-pix_fmt", "yuv420p", "-c:a", "aac", str(out / "clip.mp4"),
    )  # fmt: skip
    _run(
        "ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=8",
        "-t", "2", "-c:v", "libvpx", str(out / "clip.webm"),
    )  # fmt: skip
    return out


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL cluster for the run (tests/postgres.py); its URL, no database."""
    from tests.postgres import pg_cluster

    yield from pg_cluster()


@pytest.fixture(scope="session")
def omni_backend(tiny_model_dir):
    from carellm.backends.omni import OmniBackend
    from carellm.config import Settings

    # Random talker weights never emit end-of-speech: bound spoken replies to keep tests fast.
    return OmniBackend.load(Settings(model=str(tiny_model_dir), seed=0, max_speech_seconds=4))


CHROMIUM = os.environ.get("CARELLM_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run: Playwright's sync API cannot start a second
    instance while one is open, so the web page and the evaluation report share it."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (see scripts/install.sh --test)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
