"""Store fixtures: every store test runs on SQLite and on a throwaway PostgreSQL cluster
(`pg_server`, tests/conftest.py); each test gets its own fresh database in it.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from carellm.config import Settings
from tests.postgres import fresh_pg_database


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'sessions.db'}"
    return fresh_pg_database(request.getfixturevalue("pg_server"))


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
