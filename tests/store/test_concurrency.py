"""Concurrent writers (server workers): 8 threads sharing a store, 8 processes sharing a database."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import text

from carellm.config import Settings
from carellm.store import StoreSettings, open_store

REPO = Path(__file__).resolve().parents[2]
TURNS = 25
WRITERS = 8

WORKER = """
import sys, time
from carellm.config import Settings
from carellm.counseling.hooks import GateDecision, TurnRecord
from carellm.store import StoreSettings, open_store
url, data_dir, sid, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
store = open_store(Settings(data_dir=data_dir), StoreSettings(db_url=url))
for i in range(n):
    now = time.time()
    store.record(TurnRecord(sid, i, "en", f"{sid} says {i}", [], "r", "r", GateDecision(), GateDecision(),
                            None, now, now))
print("ok")
"""


def _check_all_turns(store, sessions: list[str]) -> None:
    for sid in sessions:
        assert [t.user_text for t in store.turns(sid)] == [f"{sid} says {i}" for i in range(TURNS)]


def test_eight_threads_sharing_a_store_lose_no_turn(open_db, make_turn):
    store = open_db()
    sessions = [f"thread-{n}" for n in range(WRITERS)]

    def write(sid: str) -> None:
        for i in range(TURNS):
            store.record(make_turn(sid, i, text=f"{sid} says {i}"))

    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(write, sessions))
    _check_all_turns(store, sessions)


def test_eight_processes_writing_at_once_lose_no_turn_and_keep_the_database_intact(db_url, data_dir):
    sessions = [f"proc-{n}" for n in range(WRITERS)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, db_url, str(data_dir), sid, str(TURNS)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for sid in sessions
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    store = open_store(Settings(data_dir=data_dir), StoreSettings(db_url=db_url))
    _check_all_turns(store, sessions)
    if store.engine.dialect.name == "sqlite":
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    store.close()
