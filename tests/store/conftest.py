"""Store fixtures: every store test runs on SQLite and on a throwaway PostgreSQL cluster.

The cluster is created with Debian's initdb/pg_ctl on 127.0.0.1 (a free port, trust auth, a
temporary directory) once per test run; each test gets its own fresh database in it. Without
the binaries the PostgreSQL runs skip with a reason, except in CI where that is a failure.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from carellm.config import Settings


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb refuses to run as root: run the cluster as the `postgres` user then."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="session")
def pg_server():
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL binaries are missing in CI: apt-get install -y postgresql")
        pytest.skip(
            "PostgreSQL is not installed (apt-get install -y postgresql); skipping the PostgreSQL run"
        )
    root = Path(tempfile.mkdtemp(prefix="carellm-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", _free_port()
    subprocess.run(_as_postgres([initdb, "-D", str(data), "-A", "trust", "-U", "postgres"]), check=True,
                   capture_output=True)  # fmt: skip
    opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=on"
    start = [pg_ctl, "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w", "start"]
    subprocess.run(_as_postgres(start), check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_postgres([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]), capture_output=True
        )
        shutil.rmtree(root, ignore_errors=True)


def _fresh_pg_database(server: str) -> str:
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    deadline = time.time() + 10
    while True:
        try:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE {name}")
            return f"{server}/{name}"
        except psycopg.OperationalError:
            if time.time() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'sessions.db'}"
    return _fresh_pg_database(request.getfixturevalue("pg_server"))


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'db' / 'sessions.db'}"


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def settings(data_dir, tiny_model_dir) -> Settings:
    return Settings(model=str(tiny_model_dir), max_new_tokens=12, seed=0, data_dir=data_dir)


@pytest.fixture(scope="module")
def counselor(omni_backend, tiny_model_dir):
    from carellm.counseling.counselor import Counselor

    return Counselor(omni_backend, Settings(model=str(tiny_model_dir), max_new_tokens=12, seed=0))


def turn_record(session_id: str, index: int, text: str = "", media: list[str] | None = None):
    """A TurnRecord as the session builds it, for tests that need many turns without a model."""
    from carellm.counseling.hooks import GateDecision, TurnRecord

    now = time.time()
    return TurnRecord(
        session_id=session_id, turn_index=index, lang="en",
        user_text=text or f"user message {index} of {session_id}", media=media or [],
        reply_text=f"reply {index}", model_text=f"reply {index}",
        user_gate=GateDecision(), reply_gate=GateDecision(), emotion=None, started_at=now, finished_at=now,
    )  # fmt: skip


@pytest.fixture
def make_turn():
    return turn_record


@pytest.fixture
def open_db(data_dir, db_url):
    """open_db(key=None, retention_days=None) -> Store on this test's database; closed afterwards."""
    from carellm.store import StoreSettings, open_store

    opened = []

    def _open(key: str | None = None, url: str | None = None, **extra):
        store = open_store(
            Settings(data_dir=data_dir), StoreSettings(db_url=url or db_url, encryption_key=key, **extra)
        )
        opened.append(store)
        return store

    yield _open
    for store in opened:
        store.close()
