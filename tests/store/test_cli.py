"""`carellm sessions ...` as a user runs it: a real subprocess on a real SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from carellm.config import Settings
from carellm.store import StoreSettings, open_store

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli_store(sqlite_url, data_dir, make_turn, media_dir):
    store = open_store(Settings(data_dir=data_dir), StoreSettings(db_url=sqlite_url))
    store.record(
        make_turn("alpha", 0, text="I feel <anxious> & tired", media=[str(media_dir / "speech.wav")])
    )
    store.record(make_turn("alpha", 1, text="Thanks for listening"))
    old = make_turn("ancient", 0)
    old.finished_at = time.time() - 60 * 86400
    store.record(old)
    yield store
    store.close()


def carellm(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "carellm", *args], cwd=REPO, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120)  # fmt: skip


@pytest.fixture
def env(sqlite_url, data_dir) -> dict[str, str]:
    return {"CARELLM_DB_URL": sqlite_url, "CARELLM_DATA_DIR": str(data_dir), "COLUMNS": "200"}


def test_list_shows_sessions_with_turn_counts(cli_store, env):
    out = carellm("sessions", "list", env=env)
    assert out.returncode == 0
    assert "alpha" in out.stdout and "ancient" in out.stdout


def test_show_prints_the_conversation(cli_store, env):
    out = carellm("sessions", "show", "alpha", env=env)
    assert "I feel <anxious> & tired" in out.stdout and "reply 1" in out.stdout


def test_export_json_has_every_turn(cli_store, env):
    doc = json.loads(carellm("sessions", "export", "alpha", "--format", "json", env=env).stdout)
    assert [t["user_text"] for t in doc["turns"]] == ["I feel <anxious> & tired", "Thanks for listening"]
    assert doc["turns"][0]["media"][0]["kind"] == "audio"


def test_export_md_and_html_are_readable(cli_store, env, tmp_path):
    md = carellm("sessions", "export", "alpha", "--format", "md", env=env).stdout
    assert "I feel <anxious> & tired" in md
    out = tmp_path / "alpha.html"
    assert carellm("sessions", "export", "alpha", "-f", "html", "-o", str(out), env=env).returncode == 0
    assert "I feel &lt;anxious&gt; &amp; tired" in out.read_text()


def test_delete_removes_the_session_and_its_media_files(cli_store, env):
    copies = [m.path for m in cli_store.turns("alpha")[0].media]
    out = carellm("sessions", "delete", "alpha", "--yes", env=env)
    assert out.returncode == 0 and "(1 file removed" in out.stdout
    assert not any(p.exists() for p in copies)
    assert [s.id for s in cli_store.sessions()] == ["ancient"]


def test_purge_older_than_removes_only_old_sessions(cli_store, env):
    out = carellm("sessions", "purge", "--older-than", "30d", env=env)
    assert "Purged 1 session" in out.stdout
    assert [s.id for s in cli_store.sessions()] == ["alpha"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("sessions", "show", "missing"), "No stored session missing"),
        (("sessions", "export", "alpha", "--format", "pdf"), "Unknown export format"),
        (("sessions", "purge", "--older-than", "soon"), "Cannot read the age"),
    ],
)
def test_bad_input_is_a_clean_error(cli_store, env, args, message):
    out = carellm(*args, env=env)
    assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr


def test_a_wrong_key_is_a_clean_error(cli_store, env, tmp_path):
    keyed = {**env, "CARELLM_DB_URL": f"sqlite:///{tmp_path / 'enc.db'}"}
    assert carellm("sessions", "list", env={**keyed, "CARELLM_ENCRYPTION_KEY": "a" * 64}).returncode == 0
    out = carellm("sessions", "list", env={**keyed, "CARELLM_ENCRYPTION_KEY": "b" * 64})
    assert out.returncode == 2 and "wrong encryption key" in out.stderr and "Traceback" not in out.stderr


def test_emotion_report_reads_a_stored_session(cli_store, env, tmp_path):
    out = carellm("emotion", "report", "--session", "alpha", "--out", str(tmp_path / "report.html"), env=env)
    assert out.returncode == 0, out.stderr


def test_delete_without_an_answer_keeps_the_session_and_names_yes(cli_store, env):
    out = subprocess.run([sys.executable, "-m", "carellm", "sessions", "delete", "alpha"], cwd=REPO,
                         env={**os.environ, **env}, stdin=subprocess.DEVNULL, capture_output=True,
                         text=True, timeout=120)  # fmt: skip
    assert out.returncode == 2 and "not deleted" in out.stderr and "--yes" in out.stderr
    assert "alpha" in [s.id for s in cli_store.sessions()]
