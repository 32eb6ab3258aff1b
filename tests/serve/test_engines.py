"""Several engines behind one remote backend (`--base-url a,b`): real `carellm serve` engines on
the tiny model, and two small servers that fail the ways engines fail (5xx, a cut stream)."""

from __future__ import annotations

import json
import threading
import time

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse, StreamingResponse

from carellm.backends.base import GenerationOptions, Message
from carellm.backends.engines import EnginePool, engine_urls
from carellm.backends.openai import OpenAIBackend
from carellm.errors import BackendError
from tests.serve.engine import Recorded, engine_app

GREEDY = GenerationOptions(max_new_tokens=4, temperature=0.0)
BACKOFF_S = 0.5


def ask(backend: OpenAIBackend, text: str = "hello") -> str:
    return "".join(c.text for c in backend.stream([Message("user", text)], GREEDY) if c.kind == "text")


def backend_over(*urls: str, key: str = "") -> OpenAIBackend:
    return OpenAIBackend(",".join(f"{url}/v1" for url in urls), "carellm", key, engine_backoff_s=BACKOFF_S)


def test_base_url_names_one_engine_or_several():
    assert engine_urls("http://a:8000/v1") == ["http://a:8000/v1"]
    assert engine_urls(" http://a/v1/, http://b/v1 ,http://a/v1") == ["http://a/v1", "http://b/v1"]


def test_the_engine_with_fewest_requests_in_flight_is_picked():
    pool = EnginePool(["a", "b", "c"], backoff_s=1.0)
    first, second = pool.candidates(), pool.candidates()
    in_flight = {next(first).url, next(second).url}
    assert len(in_flight) == 2  # the second request did not join the first
    assert next(pool.candidates()).url not in in_flight


def test_a_failed_engine_rests_and_comes_back_after_its_back_off():
    # Rests of 20 s and 40 s: a loaded CI machine cannot reach their end between the lines.
    pool = EnginePool(["a", "b"], backoff_s=20.0)
    pool.failed(pool.engines[0])
    assert [next(pool.candidates()).url for _ in range(4)] == ["b"] * 4
    pool.failed(pool.engines[0])  # failing again: it rests twice as long
    assert 30.0 < pool.engines[0].resting_until - time.monotonic() <= 40.0
    pool.engines[0].resting_until = time.monotonic() - 0.001  # its rest is over
    assert {next(pool.candidates()).url for _ in range(4)} == {"a", "b"}
    pool.answered(pool.engines[0])
    assert pool.engines[0].failures == 0


@pytest.fixture
def two_engines(counselor, run_app, api_key):
    apps = [engine_app(counselor, api_key) for _ in range(2)]
    return [run_app(app) for app in apps], apps


def test_requests_spread_over_the_engines(two_engines, api_key):
    servers, apps = two_engines
    backend = backend_over(*(s.url for s in servers), key=api_key)
    assert backend.concurrency == 16
    for i in range(4):
        ask(backend, f"spread {i}")
    assert [len(app.bodies) for app in apps] == [2, 2]


def test_an_engine_stopped_mid_run_fails_no_request_and_returns_after_its_back_off(
    two_engines, api_key, run_app
):
    servers, apps = two_engines
    backend = backend_over(*(s.url for s in servers), key=api_key)
    failures: list[BaseException] = []
    done = threading.Semaphore(0)
    stopped = threading.Event()

    def client(name: str) -> None:
        for i in range(4):
            if i == 2:  # half-way, the engine is stopped under them (a fast machine must not finish first)
                stopped.wait(timeout=120)
            try:
                ask(backend, f"{name} {i}")
            except BackendError as exc:
                failures.append(exc)
            done.release()

    threads = [threading.Thread(target=client, args=(name,)) for name in ("left", "right")]
    for thread in threads:
        thread.start()
    for _ in range(4):
        done.acquire(timeout=120)
    servers[1].stop()  # mid-run: the clients go on sending
    stopped.set()
    for thread in threads:
        thread.join(timeout=120)
    # Only a reply the stopped engine had started streaming may fail; none did here, or it says so.
    assert all("mid-reply" in exc.message for exc in failures), failures
    assert sum(len(app.bodies) for app in apps) >= 8 - len(failures)
    # Taken out when it failed (whether its rest is still running depends on how fast the
    # machine got through the other requests; a loaded CI machine may outlast 0.5 s).
    stopped = backend.engines.engines[1]
    assert stopped.failures >= 1 and backend.engines.engines[0].failures == 0

    restarted = run_app(apps[1], port=servers[1].port)
    time.sleep(max(0.0, stopped.resting_until - time.monotonic()) + 0.1)  # till the rest it earned is over
    before = len(apps[1].bodies)
    for i in range(4):
        ask(backend, f"recovered {i}")
    assert len(apps[1].bodies) > before and backend.engines.resting() == []
    restarted.stop()


def _failing_engine(status: int) -> Recorded:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def fail() -> JSONResponse:
        return JSONResponse({"error": {"message": "engine overloaded"}}, status_code=status)

    return Recorded(app)


def _cut_engine() -> Recorded:
    """Streams the start of a reply, then the connection breaks (an engine that died mid-reply)."""
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def cut() -> StreamingResponse:
        async def events():
            chunk = {"choices": [{"index": 0, "delta": {"content": "I hear "}}]}
            yield f"data: {json.dumps(chunk)}\n\n"
            raise RuntimeError("the engine went away")

        return StreamingResponse(events(), media_type="text/event-stream")

    return Recorded(app)


def test_an_engine_answering_5xx_is_skipped_and_the_request_retried(counselor, run_app, api_key):
    bad, good = _failing_engine(503), engine_app(counselor, api_key)
    backend = backend_over(run_app(bad).url, run_app(good).url, key=api_key)
    for i in range(3):
        assert isinstance(ask(backend, f"retried {i}"), str)
    assert len(good.bodies) == 3 and len(bad.bodies) == 1  # tried once, then left to rest


def test_a_client_error_is_not_retried_elsewhere(counselor, run_app, api_key):
    bad, good = _failing_engine(400), engine_app(counselor, api_key)
    backend = backend_over(run_app(bad).url, run_app(good).url, key=api_key)
    outcomes = []
    for i in range(2):
        try:
            outcomes.append(ask(backend, f"refused {i}"))
        except BackendError as exc:
            outcomes.append(exc)
    assert sum(isinstance(o, BackendError) and "400" in o.message for o in outcomes) == 1
    assert len(bad.bodies) == 1 and len(good.bodies) == 1 and backend.engines.resting() == []


def test_a_reply_cut_mid_stream_is_not_sent_again(counselor, run_app, api_key):
    cut, good = _cut_engine(), engine_app(counselor, api_key)
    backend = backend_over(run_app(cut).url, run_app(good).url, key=api_key)
    errors = []
    for i in range(2):
        try:
            ask(backend, f"cut {i}")
        except BackendError as exc:
            errors.append(exc)
    assert len(errors) == 1 and "mid-reply" in errors[0].message and "again" in errors[0].hint
    assert len(cut.bodies) == 1 and len(good.bodies) == 1  # the cut request went nowhere else


def test_health_shows_resting_engines_without_their_credentials(counselor, run_app, start_server, api_key):
    import socket

    import httpx

    from carellm.config import Settings
    from carellm.counseling.counselor import Counselor

    with socket.socket() as s:  # a port nothing listens on: the engine is down
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dead = f"http://carellm:s3cret@127.0.0.1:{port}/v1?token=t0ken"
    good = run_app(engine_app(counselor, api_key)).url
    backend = OpenAIBackend(f"{dead},{good}/v1", "carellm", api_key, engine_backoff_s=30)
    front = Counselor(backend, Settings(model="carellm", max_new_tokens=4, seed=0), gate=counselor.gate)
    server = start_server(app_counselor=front, rate_limit_per_minute=10_000)
    before = httpx.get(f"{server.url}/health", timeout=10).json()["engines"]
    assert [e["resting"] for e in before] == [False, False]
    for i in range(2):  # each engine is picked first once; the dead one fails over to the other
        ask(backend, f"health {i}")
    response = httpx.get(f"{server.url}/health", timeout=10)
    assert response.status_code == 200  # the API is up; the list says which engine is out
    down, up = response.json()["engines"]
    assert down["url"] == f"http://127.0.0.1:{port}/v1" and down["resting"] and down["failures"] == 1
    assert 0 < down["resting_s"] <= 30 and not up["resting"] and up["url"] == f"{good}/v1"
    for secret in ("s3cret", "t0ken", "carellm:"):
        assert secret not in response.text
