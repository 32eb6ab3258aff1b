"""Spoken turns over HTTP: the remote backend's transcription request, and `carellm serve`
answering an audio-only crisis message with the crisis response."""

from __future__ import annotations

import base64
import json
import subprocess

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse

from carellm.backends.openai import OpenAIBackend, RemoteSettings
from carellm.backends.transcription import INSTRUCTION
from carellm.config import Settings
from carellm.counseling.counselor import Counselor
from carellm.media import MediaItem
from carellm.safety import crisis_response
from carellm.safety.gate import SafetyLayer
from tests.scripted import ScriptedHearing

CRISIS = "I want to end my life tonight"


@pytest.fixture(scope="module")
def crisis_wav(tmp_path_factory):
    path = tmp_path_factory.mktemp("spoken-serve") / "crisis.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(path), CRISIS], check=True, capture_output=True)
    return path


def _hearing_upstream(seen: list[dict], heard: str) -> FastAPI:
    """An OpenAI-compatible engine that transcribes any speech as `heard` and replies in two pieces."""
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request):
        body = await request.json()
        seen.append(body)
        if not body["stream"]:
            message = {"role": "assistant", "content": heard}
            choice = {"index": 0, "message": message, "finish_reason": "stop"}
            return {"id": "t", "object": "chat.completion", "created": 0, "model": body["model"],
                    "choices": [choice]}  # fmt: skip

        def events():
            for piece in ("I hear ", "you."):
                yield f"data: {json.dumps({'choices': [{'index': 0, 'delta': {'content': piece}}]})}\n\n"
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return app


def _remote_session(url: str):
    settings = Settings(backend="openai", base_url=f"{url}/v1", model="m", max_new_tokens=12, seed=0)
    backend = OpenAIBackend.from_settings(settings, RemoteSettings(peer="openai"))
    return Counselor(backend, settings, gate=SafetyLayer()).session(lang="en")


def test_the_remote_backend_transcribes_with_one_greedy_text_only_request(run_app, crisis_wav):
    seen: list[dict] = []
    srv = run_app(_hearing_upstream(seen, f"  {CRISIS}\n"))
    backend = OpenAIBackend(f"{srv.url}/v1", "m")
    assert backend.transcribe([MediaItem("audio", str(crisis_wav))], "en", 64) == CRISIS
    (body,) = seen
    assert body["stream"] is False and body["temperature"] == 0 and body["max_tokens"] == 64
    assert "modalities" not in body and "audio" not in body
    parts = body["messages"][-1]["content"]
    assert parts[0]["type"] == "input_audio" and parts[1] == {"type": "text", "text": INSTRUCTION["en"]}


def test_a_crisis_spoken_to_a_remote_engine_gets_the_crisis_response(run_app, crisis_wav):
    seen: list[dict] = []
    srv = run_app(_hearing_upstream(seen, CRISIS))
    reply = _remote_session(srv.url).send(audio=crisis_wav)
    assert reply.crisis and reply.text.startswith(crisis_response("en"))
    assert reply.speech_transcript == CRISIS
    assert [body["stream"] for body in seen] == [False]  # transcribed; no reply was asked for


def test_a_harmless_sentence_spoken_to_a_remote_engine_gets_its_reply(run_app, media_dir):
    seen: list[dict] = []
    srv = run_app(_hearing_upstream(seen, "I have been feeling very stressed and tired lately."))
    reply = _remote_session(srv.url).send(audio=media_dir / "speech.wav")
    assert not reply.crisis and reply.text == "I hear you." and reply.speech_read is True
    assert [body["stream"] for body in seen] == [False, True]


def test_an_audio_only_crisis_message_to_carellm_serve_gets_the_crisis_response(
    start_server, counselor, omni_backend, crisis_wav, api_key, model_id
):
    from openai import OpenAI

    hearing = Counselor(ScriptedHearing(omni_backend, CRISIS), counselor.settings, gate=counselor.gate)
    srv = start_server(app_counselor=hearing, rate_limit_per_minute=10_000)
    client = OpenAI(base_url=f"{srv.url}/v1", api_key=api_key, max_retries=0, timeout=120)
    data = base64.b64encode(crisis_wav.read_bytes()).decode()
    content = [{"type": "input_audio", "input_audio": {"data": data, "format": "wav"}}]
    messages = [{"role": "user", "content": content}]
    resp = client.chat.completions.create(
        model=model_id, messages=messages, extra_body={"carellm": {"lang": "en"}}
    )
    extra = resp.model_extra["carellm"]
    assert extra["crisis"] is True and extra["speech_read"] is True
    expected = counselor.gate.check_user_turn(CRISIS, "en", []).replace_with
    assert resp.choices[0].message.content.startswith(expected)
