"""Bad input in the browser: a clear message on the page, never a stack trace, never a lost conversation."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.web.pages import BOT, USER, bot_count, open_page, send

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("bad-media")
    fake = out / "notes.wav"
    fake.write_text("these are meeting notes, not a recording\n" * 50)
    long = out / "two-hours.flac"  # 2 h of near-silence: tiny as FLAC, far over the 300 s limit
    sox = ["sox", "-n", "-r", "8000", "-c", "1", str(long), "synth", "7200", "sine", "300", "vol", "0.001"]
    subprocess.run(sox, check=True, capture_output=True)
    from PIL import Image

    huge = out / "huge.png"  # 48 megapixels, over the 40 MP limit
    Image.new("RGB", (8000, 6000), (200, 220, 240)).save(huge)
    return {"fake": fake, "long": long, "huge": huge}


def error_text(page) -> str:
    return page.locator("#status .carellm-error").last.inner_text()


def assert_clean(page, text: str) -> None:
    assert "Traceback" not in page.content()
    assert "nothing was lost" in text


def test_a_text_file_sent_as_audio_is_refused_and_the_chat_kept(page, bad_files, shots):
    send(page, "Hello.")
    send(page, "Here is my recording.", bad_files["fake"])
    text = error_text(page)
    assert "notes.wav" in text
    assert_clean(page, text)
    assert bot_count(page) == 1 and page.locator(USER).count() == 1
    assert page.locator("#message textarea").input_value() == "Here is my recording."  # kept for a retry
    page.screenshot(path=shots / "11-not-audio.png", full_page=True)


def test_a_two_hour_recording_is_refused(page, bad_files, shots):
    send(page, "", bad_files["long"])
    text = error_text(page)
    assert "7200 s" in text and "300 s" in text
    assert_clean(page, text)
    page.screenshot(path=shots / "12-two-hours.png", full_page=True)


def test_a_huge_image_is_refused(page, bad_files):
    send(page, "Look at this.", bad_files["huge"])
    text = error_text(page)
    assert "huge.png" in text and "pixels" in text.lower()
    assert_clean(page, text)


def test_an_empty_message_says_so(page):
    send(page, "")
    text = error_text(page)
    assert "empty" in text
    assert_clean(page, text)


def test_the_backend_going_away_mid_reply_keeps_the_conversation(browser, dropping_url, shots):
    page = open_page(browser, dropping_url)
    try:
        send(page, "First message.")
        first = page.locator(BOT).last.inner_text()
        send(page, "Second message.")
        text = error_text(page)
        assert "stopped answering" in text and "closed the connection" in text
        assert_clean(page, text)
        assert bot_count(page) == 1 and page.locator(BOT).last.inner_text() == first
        page.screenshot(path=shots / "13-backend-gone.png", full_page=True)
        send(page, "Second message, again.")  # the next try goes through
        assert bot_count(page) == 2
    finally:
        page.context.close()
