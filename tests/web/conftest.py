"""The real page on 127.0.0.1 over the tiny model, and a real headless Chromium to drive it.

Debian's chromium (/usr/bin/chromium) is used through Playwright; Playwright's own browser
downloads are never needed. One app and one browser serve the whole test run.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from tests.scripted import Passthrough
from tests.web.pages import DESKTOP, open_page

SHOTS = Path(os.environ.get("CARELLM_TEST_SCREENSHOTS", "/tmp/carellm-web-shots"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def web_settings(tiny_model_dir, tmp_path_factory):
    from carellm.config import Settings

    data = tmp_path_factory.mktemp("web-data")
    return Settings(model=str(tiny_model_dir), max_new_tokens=24, seed=0, data_dir=data)


@pytest.fixture(scope="session")
def counselor(omni_backend, web_settings):
    from carellm.counseling.counselor import Counselor

    return Counselor(omni_backend, web_settings)


@pytest.fixture(scope="session")
def feedback_file(web_settings) -> Path:
    return web_settings.data_dir / "feedback" / "web.jsonl"


def serve(counselor, settings) -> Iterator[str]:
    """The page from `build_app` on a free 127.0.0.1 port, in this process."""
    from carellm.web.app import build_app, launch
    from carellm.web.settings import WebSettings

    web = WebSettings(host="127.0.0.1", port=free_port())  # ui_lang auto: follows the browser
    demo = build_app(counselor, settings, web)
    launch(demo, web, prevent_thread_lock=True)
    try:
        yield f"http://127.0.0.1:{web.port}"
    finally:
        demo.close()


@pytest.fixture(scope="session")
def web_url(counselor, web_settings, feedback_file):
    yield from serve(counselor, web_settings)


class DroppingBackend(Passthrough):
    """A real backend that goes away in the middle of every second reply (a remote server dying).

    It is the tiny Omni model itself; only the failure is staged, where a network engine raises it.
    """

    name = "dropping"
    speaks_separately = True

    def __init__(self, inner) -> None:
        super().__init__(inner)
        self.calls = 0

    def stream(self, messages: Sequence, options) -> Iterator:
        from carellm.errors import BackendError

        self.calls += 1
        for n, chunk in enumerate(self.inner.stream(messages, options)):
            if self.calls % 2 == 0 and n == 2:
                raise BackendError("The model server closed the connection.", "Send your message again.")
            yield chunk


@pytest.fixture(scope="session")
def dropping_url(omni_backend, web_settings):
    from carellm.counseling.counselor import Counselor

    yield from serve(Counselor(DroppingBackend(omni_backend), web_settings), web_settings)


@pytest.fixture(scope="session")
def scripted_url(omni_backend, web_settings):
    """A page whose replies are fixed sentences spoken by the tiny model, so when speech may start
    (after the first sentence) is known; see tests/scripted.py."""
    from carellm.counseling.counselor import Counselor
    from tests.scripted import ScriptedText

    backend = ScriptedText(omni_backend, ["I hear you. ", "That sounds ", "really hard."])
    yield from serve(Counselor(backend, web_settings), web_settings)


@pytest.fixture(scope="session")
def shots() -> Path:
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    return SHOTS


@pytest.fixture
def page(browser, web_url):
    """A fresh desktop tab (its own session) past the disclaimer, closed after the test."""
    page = open_page(browser, web_url, DESKTOP)
    yield page
    page.context.close()
