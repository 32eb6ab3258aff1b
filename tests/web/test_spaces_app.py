"""The Spaces entry point runs unchanged as `python app.py`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_python_app_py_serves_the_page(tiny_model_dir, tmp_path):
    port = _free_port()
    env = dict(os.environ, HF_HUB_OFFLINE="1", CARELLM_MODEL=str(tiny_model_dir), CARELLM_WEB_PORT=str(port),
               CARELLM_DATA_DIR=str(tmp_path))  # fmt: skip
    root = Path(__file__).parents[2]
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=root, env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 150
        while True:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                if page.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "app.py did not come up"
            time.sleep(0.5)
        assert "CareLLM" in page.text
    finally:
        proc.terminate()
        proc.wait(timeout=30)
