"""What a stock OpenAI client sees from `carellm serve`: finish_reason, the disclaimer in the first
reply's text, a stable model id, one log line per request (no message text), and stateless calls
that leave nothing in the store.

A real server on 127.0.0.1 and the official `openai` SDK, over the tiny model (or, where a reply
must end by itself, fixed sentences: tests/scripted.py).
"""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse
from openai import NotFoundError, OpenAI

from carellm.counseling.counselor import Counselor
from carellm.counseling.disclaimer import disclaimer
from carellm.serve.settings import stable_model_name
from tests.recording import ListRecorder
from tests.scripted import ScriptedText

HELLO = [{"role": "user", "content": "I feel tired"}]


class PromptLog(ScriptedText):
    """Fixed sentences that end by themselves; keeps the prompts the session sent."""

    def __init__(self, inner, pieces) -> None:
        super().__init__(inner, pieces)
        self.prompts: list[list] = []

    def stream(self, messages, options):
        self.prompts.append(list(messages))
        yield from super().stream(messages, options)


@pytest.fixture(scope="module")
def scripted(start_server, omni_backend, counselor, api_key):
    """A server whose model says 'I hear you.' and stops; its client, backend and recorder."""
    backend = PromptLog(omni_backend, ["I hear you."])
    recorder = ListRecorder()
    app_counselor = Counselor(backend, counselor.settings, gate=counselor.gate)
    server = start_server(app_counselor=app_counselor, recorder=recorder, rate_limit_per_minute=10_000)
    client = OpenAI(base_url=f"{server.url}/v1", api_key=api_key, max_retries=0, timeout=120)
    return client, backend, recorder, server


# ---------------------------------------------------------------- finish_reason
def test_a_reply_cut_by_max_tokens_finishes_with_length(client):
    resp = client.chat.completions.create(model="carellm-tiny", messages=HELLO, max_tokens=2, temperature=0)
    assert resp.choices[0].finish_reason == "length"  # greedy: sampled, the tiny model may end in 2 tokens


def test_a_streamed_reply_cut_by_max_tokens_finishes_with_length(client):
    chunks = list(
        client.chat.completions.create(
            model="carellm-tiny", messages=HELLO, max_tokens=2, temperature=0, stream=True
        )
    )
    reasons = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert reasons == ["length"]


def test_a_reply_that_ends_by_itself_finishes_with_stop(scripted):
    client = scripted[0]
    resp = client.chat.completions.create(model="carellm-tiny", messages=HELLO, max_tokens=50)
    assert resp.choices[0].finish_reason == "stop"
    chunks = list(client.chat.completions.create(model="carellm-tiny", messages=HELLO, stream=True))
    reasons = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert reasons == ["stop"]


def test_a_crisis_reply_finishes_with_stop_even_with_a_tiny_max_tokens(client):
    resp = client.chat.completions.create(
        model="carellm-tiny",
        messages=[{"role": "user", "content": "I want to end my life tonight"}],
        max_tokens=1,
        extra_body={"carellm": {"lang": "en"}},
    )
    assert resp.model_extra["carellm"]["crisis"] is True and resp.choices[0].finish_reason == "stop"


# ---------------------------------------------------------------- the disclaimer
def test_a_stock_client_sees_the_disclaimer_in_a_new_sessions_first_reply_only(scripted):
    client = scripted[0]
    session = {"carellm": {"session_id": "conformance-disclaimer", "lang": "en"}}
    first = client.chat.completions.create(model="carellm-tiny", messages=HELLO, extra_body=session)
    second = client.chat.completions.create(model="carellm-tiny", messages=HELLO, extra_body=session)
    assert first.choices[0].message.content == "I hear you.\n\n" + disclaimer("en")
    assert first.model_extra["carellm"]["disclaimer"] == disclaimer("en")
    assert second.choices[0].message.content == "I hear you."
    assert second.model_extra["carellm"]["disclaimer"] is None


def test_a_streamed_first_reply_ends_with_the_disclaimer(scripted):
    client = scripted[0]
    chunks = list(client.chat.completions.create(model="carellm-tiny", messages=HELLO, stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "I hear you.\n\n" + disclaimer("en")


def test_field_only_leaves_the_text_to_the_reply_and_keeps_the_field(scripted):
    client, _, _, server = scripted
    resp = client.chat.completions.create(
        model="carellm-tiny", messages=HELLO, extra_body={"carellm": {"disclaimer": "field-only"}}
    )
    assert resp.choices[0].message.content == "I hear you."
    assert resp.model_extra["carellm"]["disclaimer"] == disclaimer("en")
    # The same by header: what CareLLM's remote backend sends to a `carellm serve` upstream.
    by_header = httpx.post(
        f"{server.url}/v1/chat/completions",
        json={"model": "carellm", "messages": HELLO},
        headers={"Authorization": f"Bearer {client.api_key}", "X-CareLLM-Disclaimer": "field-only"},
        timeout=120,
    ).json()
    assert by_header["choices"][0]["message"]["content"] == "I hear you."


def test_a_disclaimer_sent_back_as_history_never_reaches_the_model(scripted):
    client, backend, _, _ = scripted
    first = client.chat.completions.create(model="carellm-tiny", messages=HELLO)
    history = [*HELLO, {"role": "assistant", "content": first.choices[0].message.content}]
    resp = client.chat.completions.create(
        model="carellm-tiny", messages=[*history, {"role": "user", "content": "Yes, very"}]
    )
    assert resp.model_extra["carellm"]["turn_index"] == 1 and resp.choices[0].message.content == "I hear you."
    prompt = " ".join(m.text for m in backend.prompts[-1])
    assert "research prototype" not in prompt and "I hear you." in prompt


# ---------------------------------------------------------------- the model id
def test_the_model_has_a_stable_id_and_the_old_ones_still_work(client, counselor):
    assert [m.id for m in client.models.list().data] == ["carellm-tiny", "carellm"]
    for asked in ("carellm-tiny", "carellm", counselor.settings.model):  # the last: the --model path
        resp = client.chat.completions.create(model=asked, messages=HELLO, max_tokens=2)
        assert resp.model == "carellm-tiny"
        assert client.models.retrieve(asked).id == asked
    with pytest.raises(NotFoundError):
        client.chat.completions.create(model="carellm-other", messages=HELLO)


def test_stable_names_come_from_the_models_name_not_its_path(tiny_model_dir):
    assert stable_model_name("Qwen/Qwen2.5-Omni-7B") == "carellm-Qwen2.5-Omni-7B"
    assert stable_model_name("/data/models/Qwen2.5-Omni-3B/") == "carellm-Qwen2.5-Omni-3B"
    assert stable_model_name(str(tiny_model_dir)) == "carellm-tiny"


# ---------------------------------------------------------------- logs
def test_one_log_line_per_request_without_message_text(scripted, caplog):
    client = scripted[0]
    caplog.set_level(logging.INFO, logger="carellm.serve")
    secret = "my neighbour's name is Zorblax"
    client.chat.completions.create(
        model="carellm-tiny",
        messages=[{"role": "user", "content": secret}],
        extra_body={"carellm": {"session_id": "log-check"}},
    )
    with pytest.raises(NotFoundError):
        client.chat.completions.create(model="nope", messages=[{"role": "user", "content": secret}])
    lines = [r.getMessage() for r in caplog.records if r.name == "carellm.serve"]
    assert len(lines) == 2, lines
    assert lines[0].startswith("POST /v1/chat/completions 200 ") and lines[0].endswith(" session=log-check")
    assert lines[1].startswith("POST /v1/chat/completions 404 ") and lines[1].endswith(" session=-")
    assert " ms " in lines[0] and not any("Zorblax" in line for line in lines)


def test_the_tiny_random_model_is_warned_about_at_start(counselor, caplog):
    from carellm.serve.app import create_app

    caplog.set_level(logging.WARNING, logger="carellm.serve")
    create_app(counselor)
    (warning,) = [r for r in caplog.records if r.name == "carellm.serve" and r.levelno == logging.WARNING]
    assert "tiny RANDOM test model" in warning.getMessage()


# ---------------------------------------------------------------- what is stored
def test_stateless_calls_store_nothing_and_sessions_store_every_turn(scripted):
    client, _, recorder, _ = scripted
    before = len(recorder.turns)
    for _ in range(2):
        client.chat.completions.create(model="carellm-tiny", messages=HELLO)
    assert len(recorder.turns) == before
    client.chat.completions.create(
        model="carellm-tiny", messages=HELLO, extra_body={"carellm": {"session_id": "kept"}}
    )
    (kept,) = recorder.turns[before:]
    assert kept.session_id.endswith("-kept") and kept.turn_index == 0


# ---------------------------------------------------------------- through the remote backend
def _cut_upstream(seen: list[dict]):
    """An OpenAI-compatible upstream whose replies max_tokens cut off, streamed or not."""
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request):
        seen.append({"headers": dict(request.headers), **await request.json()})
        if not seen[-1]["stream"]:
            choice = {
                "index": 0,
                "message": {"role": "assistant", "content": "I hear"},
                "finish_reason": "length",
            }
            return {"id": "x", "object": "chat.completion", "created": 0, "model": "m", "choices": [choice]}

        def events():
            for choice in ({"index": 0, "delta": {"content": "I hear"}},
                           {"index": 0, "delta": {}, "finish_reason": "length"}):  # fmt: skip
                yield f"data: {json.dumps({'choices': [choice]})}\n\n"
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return app


def test_a_cut_reply_from_a_remote_model_finishes_with_length(run_app, start_server, counselor, api_key):
    from carellm.backends.base import GenerationOptions, Message
    from carellm.backends.openai import OpenAIBackend, RemoteSettings
    from carellm.config import Settings

    seen: list[dict] = []
    upstream = run_app(_cut_upstream(seen))
    settings = Settings(backend="openai", base_url=f"{upstream.url}/v1", model="m", max_new_tokens=3)
    for peer, audio in (("vllm", False), ("vllm-omni", True)):  # streamed, and one JSON answer
        remote = OpenAIBackend.from_settings(settings, RemoteSettings(peer=peer))
        chunks = list(
            remote.stream([Message("user", "hi")], GenerationOptions(max_new_tokens=3, audio=audio))
        )
        assert [(c.kind, c.text, c.finish_reason) for c in chunks][-1] == ("end", "", "length")
    assert seen[-1]["headers"]["x-carellm-disclaimer"] == "field-only"
    # A stock client in front of CareLLM in front of that upstream sees "length" too.
    remote = OpenAIBackend.from_settings(settings, RemoteSettings(peer="vllm"))
    server = start_server(app_counselor=Counselor(remote, settings, gate=counselor.gate))
    client = OpenAI(base_url=f"{server.url}/v1", api_key=api_key, max_retries=0, timeout=120)
    resp = client.chat.completions.create(model="carellm", messages=HELLO, max_tokens=3)
    assert resp.choices[0].finish_reason == "length" and resp.choices[0].message.content.startswith("I hear")
