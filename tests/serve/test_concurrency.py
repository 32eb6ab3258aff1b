"""Many clients at once: all answered, none crashes the server, sessions never mix."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import openai


def test_twenty_concurrent_clients_each_keep_their_own_session(server, api_key, model_id):
    def conversation(i: int) -> list[dict]:
        c = openai.OpenAI(base_url=f"{server.url}/v1", api_key=api_key, max_retries=0, timeout=120)
        out = []
        for text in (f"client {i} first", f"client {i} second"):
            resp = c.chat.completions.create(
                model=model_id,
                messages=[{"role": "user", "content": text}],
                max_tokens=4,
                stream=(i % 2 == 0),
                extra_body={"carellm": {"session_id": f"client-{i}"}},
            )
            if i % 2 == 0:  # streamed: the carellm info rides on the final chunk
                finals = [ch for ch in resp if ch.choices and ch.choices[0].finish_reason]
                out.append(finals[0].model_extra["carellm"]["info"])
            else:
                out.append(resp.model_extra["carellm"])
        return out

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(conversation, range(20)))
    for i, (first, second) in enumerate(results):
        assert (first["session_id"], second["session_id"]) == (f"client-{i}", f"client-{i}")
        assert (first["turn_index"], second["turn_index"]) == (0, 1)
    assert httpx.get(f"{server.url}/health").json()["active"] == 0


def test_sessions_of_different_api_keys_never_mix(start_server, model_id):
    srv = start_server(api_keys=["key-a", "key-b"])
    a = openai.OpenAI(base_url=f"{srv.url}/v1", api_key="key-a", max_retries=0)
    b = openai.OpenAI(base_url=f"{srv.url}/v1", api_key="key-b", max_retries=0)
    same = {"carellm": {"session_id": "shared-name"}}
    a.chat.completions.create(model=model_id, messages=[{"role": "user", "content": "hi"}], extra_body=same)
    resp = b.chat.completions.create(
        model=model_id, messages=[{"role": "user", "content": "hi"}], extra_body=same
    )
    assert resp.model_extra["carellm"]["turn_index"] == 0
