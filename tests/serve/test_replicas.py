"""API replicas that share sessions (`carellm serve --shared-sessions`), end to end.

Two `carellm serve --backend openai` processes on one PostgreSQL database, in front of a third
`carellm serve` on the tiny model (the engine, real HTTP, every request it gets kept). Greedy
decoding and a few tokens a turn: the replies are noise, but the same noise on every replica.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import suppress
from pathlib import Path

import httpx
import pytest

from carellm.config import Settings
from carellm.serve.security import key_id
from carellm.store import StoreSettings, open_store
from tests.postgres import fresh_pg_database
from tests.serve.engine import Recorded, engine_app

REPLICA_KEY = "replica-key"
START_S = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Replica:
    """One `carellm serve` process; its output goes to a log file shown when it fails to start."""

    def __init__(self, name: str, root: Path, db_url: str, engine_url: str, engine_key: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = root / f"{name}.log"
        cmd = [
            sys.executable, "-m", "carellm", "serve", "--backend", "openai", "--model", "carellm",
            "--base-url", f"{engine_url}/v1", "--upstream-api-key", engine_key, "--port", str(self.port),
            "--api-key", REPLICA_KEY, "--rate-limit", "100000", "--guard-self-check", "off",
            "--shared-sessions",
        ]  # fmt: skip
        env = {**os.environ, "CARELLM_DB_URL": db_url, "CARELLM_DATA_DIR": str(root / name)}
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"replica did not start:\n{self.log.read_text(errors='replace')[-3000:]}")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture(scope="module")
def engine(counselor, run_app, api_key) -> tuple[str, Recorded]:
    app = engine_app(counselor, api_key)
    return run_app(app).url, app


@pytest.fixture(scope="module")
def db_url(pg_server) -> str:
    return fresh_pg_database(pg_server)


@pytest.fixture(scope="module")
def replicas(engine, db_url, api_key, tmp_path_factory):
    root = tmp_path_factory.mktemp("replicas")
    started = [Replica(name, root, db_url, engine[0], api_key) for name in ("a", "b")]
    try:
        for replica in started:
            replica.wait_ready()
        yield started
    finally:
        for replica in started:
            replica.stop()


@pytest.fixture(scope="module")
def store(db_url, tmp_path_factory):
    opened = open_store(Settings(data_dir=tmp_path_factory.mktemp("reader")), StoreSettings(db_url=db_url))
    yield opened
    opened.close()


def say(replica: Replica, session_id: str, text: str, max_tokens: int = 6, reset: bool = False) -> str:
    """One turn of a server-side session; the reply's text once the replica acknowledged it."""
    resp = httpx.post(
        f"{replica.url}/v1/chat/completions",
        headers={"Authorization": f"Bearer {REPLICA_KEY}"},
        json={
            "model": "carellm",
            "messages": [{"role": "user", "content": text}],
            "temperature": 0,
            "max_tokens": max_tokens,
            "carellm": {"session_id": session_id, "lang": "en", "disclaimer": "field-only", "reset": reset},
        },
        timeout=120,
    )
    assert resp.status_code == 200, resp.text
    return resp.json()["choices"][0]["message"]["content"]


def stored_id(session_id: str) -> str:
    """The id the replicas store the session under (the caller's key id, then the client's id)."""
    return f"{key_id(REPLICA_KEY)}-{session_id}"


def expected(texts: list[str], replies: list[str]) -> list[tuple[str, str]]:
    pairs = [[("user", text), ("assistant", reply)] for text, reply in zip(texts, replies, strict=True)]
    return [message for pair in pairs for message in pair]


def test_a_conversation_alternating_between_replicas_stays_whole(replicas, engine, store):
    texts = [f"alternating turn {i}: work was long and I feel worn out." for i in range(5)]
    replies = [say(replicas[i % 2], "alternate", text) for i, text in enumerate(texts)]
    for i in range(1, len(texts)):
        # What the engine was asked for turn i: every earlier turn, in order, then turn i.
        history = engine[1].conversation(texts[i])
        assert history == [*expected(texts[:i], replies[:i]), ("user", texts[i])]
    turns = store.turns(stored_id("alternate"))
    assert [(t.index, t.user_text, t.reply_text) for t in turns] == list(
        zip(range(5), texts, replies, strict=True)
    )


def test_two_replicas_never_interleave_one_sessions_turns(replicas, engine, store):
    first = say(replicas[0], "together", "together turn 0: I could not sleep.")
    texts = ["together turn 1: my sister called.", "together turn 2: we argued again."]
    replies: dict[str, str] = {}

    def turn(replica: Replica, text: str) -> None:
        replies[text] = say(replica, "together", text)

    threads = [threading.Thread(target=turn, args=(r, t)) for r, t in zip(replicas, texts, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert set(replies) == set(texts)  # both turns were taken, one after the other
    turns = store.turns(stored_id("together"))
    assert [t.index for t in turns] == [0, 1, 2]
    order = [t.user_text for t in turns[1:]]
    assert sorted(order) == sorted(texts)
    # The later turn's prompt holds the earlier one (it waited for it, on the other replica).
    history = engine[1].conversation(order[1])
    earlier = [turns[0].user_text, order[0]]
    assert history == [*expected(earlier, [first, replies[order[0]]]), ("user", order[1])]


def test_a_reset_on_one_replica_holds_on_every_replica(replicas, engine, store):
    a, b = replicas
    before = [say(a, "reset", "reset turn 0: before the reset.")]
    texts = ["reset turn 1: let us start over.", "reset turn 2: on the other replica."]
    replies = [say(b, "reset", texts[0], reset=True), say(a, "reset", texts[1])]
    # Replica a rebuilt the session from the store: its history starts at the reset.
    assert engine[1].conversation(texts[0]) == [("user", texts[0])]
    assert engine[1].conversation(texts[1]) == [*expected(texts[:1], replies[:1]), ("user", texts[1])]
    turns = store.turns(stored_id("reset"))
    assert [(t.index, t.fresh) for t in turns] == [(0, True), (1, True), (2, False)]
    assert [t.reply_text for t in turns] == [*before, *replies]


def test_the_longest_client_id_is_stored_on_postgresql(replicas, store):
    long_id = "L" * 64  # stored as 81 characters: the key's hash, "-", the client's id
    say(replicas[0], long_id, "a long id, turn 0")
    say(replicas[1], long_id, "a long id, turn 1")
    assert [t.user_text for t in store.turns(stored_id(long_id))] == [
        "a long id, turn 0",
        "a long id, turn 1",
    ]


def test_a_replica_killed_mid_conversation_loses_no_acknowledged_turn(replicas, engine, store):
    a, b = replicas
    acknowledged = [f"kill turn {i}: the week has been heavy." for i in range(2)]
    replies = [say(replica, "killed", text) for replica, text in zip((a, b), acknowledged, strict=True)]
    asked = len(engine[1].bodies)
    cut_off = "kill turn 2: this one is cut off."
    threading.Thread(target=lambda: _ignore_errors(say, a, "killed", cut_off, 64), daemon=True).start()
    deadline = time.monotonic() + 60
    while len(engine[1].bodies) == asked and time.monotonic() < deadline:
        time.sleep(0.005)
    a.kill()  # while its turn is with the engine: it holds the session's lock, nothing stored yet
    after = "kill turn 3: I am still here."
    say(b, "killed", after)
    stored = [t.user_text for t in store.turns(stored_id("killed"))]
    assert stored[:2] == acknowledged and stored[-1] == after
    assert stored[2:-1] in ([], [cut_off])  # the cut-off turn only if it was stored before the kill
    history = engine[1].conversation(after)
    assert history[:4] == expected(acknowledged, replies)
    assert [text for role, text in history if role == "user"] == stored


def _ignore_errors(fn, *args) -> None:
    with suppress(httpx.HTTPError, AssertionError):  # the replica was killed under it
        fn(*args)
