"""Secrets from files: compose and Kubernetes hand secrets to containers as files, so every
secret CareLLM reads from the environment can also be read from a file (`*_FILE`)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from carellm.config import Settings
from carellm.errors import ConfigError
from carellm.store.settings import StoreSettings
from carellm.web.settings import WebSettings


def test_each_secret_setting_reads_its_file(tmp_path, monkeypatch):
    for name, text in {
        "engine_key": "sk-engine-123\n",
        "db_url": "postgresql://carellm:pw@postgres:5432/carellm\n",
        "web_auth": "alice:s3cret\n",
    }.items():
        (tmp_path / name).write_text(text)
    monkeypatch.setenv("CARELLM_API_KEY_FILE", str(tmp_path / "engine_key"))
    monkeypatch.setenv("CARELLM_DB_URL_FILE", str(tmp_path / "db_url"))
    monkeypatch.setenv("CARELLM_WEB_AUTH_FILE", str(tmp_path / "web_auth"))
    assert Settings().api_key == "sk-engine-123"
    assert StoreSettings().db_url == "postgresql://carellm:pw@postgres:5432/carellm"
    assert WebSettings().credentials() == ("alice", "s3cret")


def test_a_value_and_its_file_together_are_refused(tmp_path, monkeypatch):
    (tmp_path / "key").write_text("from-file")
    monkeypatch.setenv("CARELLM_API_KEY", "inline")
    monkeypatch.setenv("CARELLM_API_KEY_FILE", str(tmp_path / "key"))
    with pytest.raises(ConfigError, match="Set only one"):
        Settings()


@pytest.mark.parametrize("content", [None, "\n"])
def test_a_missing_or_empty_file_says_which_variable(tmp_path, monkeypatch, content):
    path = tmp_path / "db_url"
    if content is not None:
        path.write_text(content)
    monkeypatch.setenv("CARELLM_DB_URL_FILE", str(path))
    with pytest.raises(ConfigError, match="CARELLM_DB_URL_FILE"):
        StoreSettings()


def test_the_cli_reports_an_unreadable_secret_file_without_a_traceback(tmp_path):
    env = {"CARELLM_API_KEY_FILE": str(tmp_path / "absent"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "carellm",
            "serve",
            "--backend",
            "openai",
            "--base-url",
            "http://127.0.0.1:9/v1",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "CARELLM_API_KEY_FILE" in done.stderr
    assert "Traceback" not in done.stderr
