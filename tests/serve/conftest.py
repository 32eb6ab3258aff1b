"""A real `carellm serve` app on 127.0.0.1 (uvicorn in a thread) over the tiny model.

Clients are the official `openai` SDK, unchanged. Until the safety package lands on main, the
counselor gets `MarkerGate`, a small real SafetyGate; once `carellm.safety.gate` exists the
server uses the default (production) layer.
"""

from __future__ import annotations

import importlib.util
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from carellm.counseling.hooks import GateDecision

API_KEY = "test-key-1"


class MarkerGate:
    """Replaces a turn that contains CRISIS_MARKER, like the crisis layer does for real risk."""

    MARKER = "I want to end my life"

    def check_user_turn(self, text, lang, history, session_id=None):
        if self.MARKER.lower() in text.lower():
            return GateDecision(replace_with="Please call 988 now.", level="imminent", categories=["suicide"])
        return GateDecision()

    def check_reply(self, reply, lang, session_id=None, final=True):
        return GateDecision()


def has_safety_layer() -> bool:
    return importlib.util.find_spec("carellm.safety.gate") is not None


@pytest.fixture(scope="session")
def counselor(omni_backend, tiny_model_dir):
    from carellm.config import Settings
    from carellm.counseling.counselor import Counselor

    settings = Settings(model=str(tiny_model_dir), max_new_tokens=12, seed=0)
    return Counselor(omni_backend, settings, gate=None if has_safety_layer() else MarkerGate())


class RunningServer:
    def __init__(self, app, port: int = 0) -> None:
        """port: 0 for a free one; a stopped server's port to start it again there."""
        import uvicorn

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = app
        config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 300  # a start may compile decode steps first (test_warm_up)
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@pytest.fixture(scope="session")
def run_app() -> Iterator[Callable[[object], RunningServer]]:
    """Serve any ASGI app on 127.0.0.1; all are stopped at the end of the test run."""
    running: list[RunningServer] = []

    def run(app, port: int = 0) -> RunningServer:
        server = RunningServer(app, port)
        running.append(server)
        return server

    yield run
    for server in running:
        server.stop()


@pytest.fixture(scope="session")
def start_server(counselor, run_app) -> Callable[..., RunningServer]:
    """Start `carellm serve`'s app with the given ServeSettings fields (and create_app keywords)."""
    from carellm.serve.app import create_app
    from carellm.serve.settings import ServeSettings

    def start(app_counselor=None, recorder=None, emotion_factory=None, **fields) -> RunningServer:
        fields.setdefault("api_keys", [API_KEY])
        settings = ServeSettings(**fields)
        app = create_app(
            app_counselor or counselor, settings, recorder=recorder, emotion_factory=emotion_factory
        )
        return run_app(app)

    return start


@pytest.fixture(scope="session")
def server(start_server) -> RunningServer:
    return start_server(rate_limit_per_minute=10_000, max_waiting=64)


@pytest.fixture(scope="session")
def client(server):
    from openai import OpenAI

    return OpenAI(base_url=f"{server.url}/v1", api_key=API_KEY, max_retries=0, timeout=120)


@pytest.fixture(scope="session")
def api_key() -> str:
    return API_KEY


@pytest.fixture(scope="session")
def model_id(counselor) -> str:
    return counselor.settings.model
