"""`carellm serve` and `carellm chat --backend openai` as real subprocesses."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import openai
import pytest

from carellm.serve.security import key_id

ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


def _carellm(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "carellm", *args], capture_output=True, text=True, **kwargs)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_public_address_without_keys_is_refused_cleanly():
    result = _carellm("serve", "--host", "0.0.0.0", env={**ENV, "CARELLM_SERVE_API_KEYS": ""}, timeout=60)
    assert result.returncode == 2 and "without API keys" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_shows_the_flags_not_a_command_group():
    result = _carellm("serve", "--help", env={**ENV, "COLUMNS": "200"}, timeout=60)
    assert result.returncode == 0 and "Usage: carellm serve [OPTIONS]" in result.stdout
    assert "COMMAND" not in result.stdout and "--served-model-name" in result.stdout


def test_serve_answers_the_openai_client_and_stores_the_turn(tiny_model_dir, tmp_path):
    port = _free_port()
    args = ["serve", "--model", str(tiny_model_dir), "--port", str(port), "--api-key", "cli-key"]
    env = {**ENV, "CARELLM_DATA_DIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "carellm", *args], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "server did not come up"
            time.sleep(0.3)
        client = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="cli-key", max_retries=0)
        secret = "my neighbour's name is Zorblax"
        resp = client.chat.completions.create(
            model="carellm-tiny", messages=[{"role": "user", "content": secret}], max_tokens=4
        )
        assert resp.choices[0].message.content is not None and resp.model == "carellm-tiny"
        kept = client.chat.completions.create(
            model=str(tiny_model_dir),  # the --model value still works as the id
            messages=[{"role": "user", "content": "hello"}],
            max_tokens=4,
            temperature=0,  # greedy: sampled, the random tiny model sometimes ends its reply in 4 tokens
            extra_body={"carellm": {"session_id": "cli-kept"}},
        )
        assert kept.choices[0].finish_reason == "length"  # greedy, it does not stop by itself in 4
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    log = proc.stderr.read() if proc.stderr else ""
    assert "tiny RANDOM test model" in log and "serving 'carellm-tiny'" in log
    requests = [line for line in log.splitlines() if "POST /v1/chat/completions 200" in line]
    assert len(requests) == 2 and requests[1].endswith("session=cli-kept")
    assert "Zorblax" not in log
    from carellm.config import Settings
    from carellm.store import open_store

    stored = open_store(Settings(data_dir=tmp_path)).sessions()  # the stateless call is not stored
    assert [s.id for s in stored] == [f"{key_id('cli-key')}-cli-kept"]


def test_chat_uses_a_remote_server_with_backend_openai(server, api_key):
    pytest.importorskip("carellm.safety.gate", reason="Counselor.load needs the safety layer (safety branch)")
    result = _carellm(
        "chat", "-m", "I feel tired", "--backend", "openai", "--model", "carellm",
        "--base-url", f"{server.url}/v1", env={**ENV, "CARELLM_API_KEY": api_key}, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
