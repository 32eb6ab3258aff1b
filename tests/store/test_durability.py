"""Durability: SIGKILL loses no acknowledged turn; storage failures do not end a session."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from sqlalchemy import event

from carellm.config import Settings
from carellm.store import FallbackRecorder, StoreError, StoreSettings, open_store

REPO = Path(__file__).resolve().parents[2]
PROMPT = "\r\nyou> "  # at a line start: a random reply may contain "you>"


def _chat_env(db_url: str, data_dir: Path) -> dict[str, str]:
    return {**os.environ, "CARELLM_DB_URL": db_url, "CARELLM_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1",
            "TERM": "dumb", "COLUMNS": "200"}  # fmt: skip


def _spawn_chat(tiny_model_dir, env) -> pexpect.spawn:
    args = ["-m", "carellm", "chat", "--model", str(tiny_model_dir), "--max-new-tokens", "8", "--lang", "en",
            "--session", "kill9"]  # fmt: skip
    child = pexpect.spawn(sys.executable, args, cwd=str(REPO), env=env, timeout=180, encoding="utf-8")
    child.logfile_read = io.StringIO()  # the whole screen, shown when an assertion fails
    child.expect(PROMPT)
    return child


def test_sigkill_mid_session_loses_no_acknowledged_turn(db_url, data_dir, tiny_model_dir):
    env = _chat_env(db_url, data_dir)
    child = _spawn_chat(tiny_model_dir, env)
    acknowledged = []
    for i in range(3):
        child.sendline(f"durable message number {i}")
        child.expect(PROMPT)  # the reply was shown and the REPL is ready again: the turn is acknowledged
        acknowledged.append(f"durable message number {i}")
    screen = child.logfile_read.getvalue()
    assert "Warning" not in screen, screen  # a warning would mean a turn was kept in memory only
    child.sendline("a message still being answered")
    os.kill(child.pid, signal.SIGKILL)
    child.close(force=True)
    assert child.signalstatus == signal.SIGKILL

    store = open_store(Settings(data_dir=data_dir), StoreSettings(db_url=db_url))
    texts = [t.user_text for t in store.turns("kill9")]
    store.close()
    assert texts[:3] == acknowledged and len(texts) in {3, 4}, child.logfile_read.getvalue()

    child = _spawn_chat(tiny_model_dir, env)  # restart: the session resumes from the store
    assert f"resumed with {len(texts)} turns" in child.before
    child.sendline("after the restart")
    child.expect(PROMPT)
    child.sendline("/quit")
    child.expect(pexpect.EOF)
    store = open_store(Settings(data_dir=data_dir), StoreSettings(db_url=db_url))
    turns = store.turns("kill9")
    store.close()
    assert [t.index for t in turns] == list(range(len(texts) + 1))
    assert turns[-1].user_text == "after the restart"


def test_a_full_database_warns_and_the_session_goes_on_in_memory(sqlite_url, data_dir, counselor):
    store = open_store(Settings(data_dir=data_dir), StoreSettings(db_url=sqlite_url))
    warnings: list[str] = []
    recorder = FallbackRecorder(store, warnings.append)
    session = counselor.session(lang="en", recorder=recorder, session_id="full")
    session.send("before the disk fills")

    def cap_size(dbapi_conn, _record) -> None:  # SQLite's own "database or disk is full" path
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count={pages}")

    event.listen(store.engine, "connect", cap_size)
    store.engine.dispose()
    session.send("while the disk is full " + "calm " * 700)  # needs a new page
    assert session.turns == 2 and len(recorder.unsaved) == 1
    assert warnings and "disk is full" in warnings[0]

    event.remove(store.engine, "connect", cap_size)
    store.engine.dispose()
    session.send("after space was freed")
    assert recorder.unsaved == []
    assert [t.index for t in store.turns("full")] == [0, 1, 2]


def test_a_store_write_failure_is_a_clear_error(sqlite_url, data_dir, make_turn):
    store = open_store(Settings(data_dir=data_dir), StoreSettings(db_url=sqlite_url))
    store.record(make_turn("dup", 0))
    with pytest.raises(StoreError, match="Could not save this turn") as info:
        store.record(make_turn("dup", 0, text="private words"))
    assert "private words" not in str(info.value)


def test_chat_on_a_read_only_database_warns_and_still_answers(tmp_path, data_dir, tiny_model_dir):
    path = tmp_path / "ro.db"
    open_store(Settings(data_dir=data_dir), StoreSettings(db_url=f"sqlite:///{path}")).close()
    env = _chat_env(f"sqlite:///file:{path}?mode=ro&uri=true", data_dir)
    out = subprocess.run(
        [sys.executable, "-m", "carellm", "chat", "--model", str(tiny_model_dir), "--max-new-tokens", "8",
         "--session", "ro", "-m", "hello there"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "readonly database" in out.stdout and "goes on in memory" in out.stdout
    assert "carellm>" in out.stdout and "Traceback" not in out.stderr
