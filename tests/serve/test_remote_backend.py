"""The remote backend against real HTTP upstreams: `carellm serve` itself, and one small server
per wire variant it must understand (vllm-omni's split choices, Model Studio's stream-only PCM).
"""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

from carellm.backends.base import GenerationOptions, Message
from carellm.backends.openai import OpenAIBackend, RemoteSettings
from carellm.config import Settings
from carellm.counseling.counselor import Counselor
from carellm.errors import BackendError
from carellm.media import OUTPUT_SAMPLE_RATE, MediaItem, to_wav_bytes


def _remote(url: str, key: str, peer: str = "auto", **settings) -> OpenAIBackend:
    base = Settings(backend="openai", base_url=f"{url}/v1", api_key=key, model="carellm", **settings)
    return OpenAIBackend.from_settings(base, RemoteSettings(peer=peer))


def _counselor(backend, gate) -> Counselor:
    return Counselor(backend, Settings(model="carellm", max_new_tokens=12, seed=0), gate=gate)


@pytest.fixture(scope="module")
def upstream(server):
    return server


def test_text_streams_through_a_carellm_upstream(upstream, api_key, counselor):
    session = _counselor(_remote(upstream.url, api_key), counselor.gate).session(lang="en")
    chunks = list(session.stream("I feel tired"))
    assert [c.kind for c in chunks][-1] == "done" and any(c.kind == "text" for c in chunks)
    assert chunks[-1].reply.text.strip()


def test_images_and_audio_go_up_as_content_parts(upstream, api_key, counselor, media_dir):
    session = _counselor(_remote(upstream.url, api_key), counselor.gate).session(lang="en")
    reply = session.send("Here I am", audio=str(media_dir / "speech.wav"), image=str(media_dir / "face.jpg"))
    assert reply.text.strip()


def test_audio_streamed_as_pcm16_becomes_the_spoken_reply(upstream, api_key, counselor):
    backend = _remote(upstream.url, api_key)
    assert backend.can_speak and backend.speaks_separately is False
    reply = _counselor(backend, counselor.gate).session(lang="en", speak=True).send("I feel tired today")
    assert reply.audio is not None and reply.audio.dtype == np.float32 and len(reply.audio) > 2400


def test_plain_vllm_is_text_only(upstream, api_key):
    backend = _remote(upstream.url, api_key, peer="vllm")
    assert backend.can_speak is False
    chunks = list(backend.stream([Message("user", "hello")], GenerationOptions(max_new_tokens=4, audio=True)))
    assert chunks and all(c.kind in ("text", "end") for c in chunks)  # no audio


def test_upstream_refusal_becomes_a_backend_error_with_its_status(upstream):
    backend = _remote(upstream.url, "not-the-key")
    with pytest.raises(BackendError) as err:
        list(backend.stream([Message("user", "hello")], GenerationOptions(max_new_tokens=4)))
    assert "401" in err.value.message


def test_unreachable_server_is_a_backend_error_with_a_hint():
    backend = _remote("http://127.0.0.1:9", "k")
    with pytest.raises(BackendError) as err:
        list(backend.stream([Message("user", "hello")], GenerationOptions(max_new_tokens=4)))
    assert "--base-url" in err.value.hint


# ------------------------------------------------------------------ wire variants
def _tone(seconds: float = 0.5) -> np.ndarray:
    t = np.arange(int(OUTPUT_SAMPLE_RATE * seconds)) / OUTPUT_SAMPLE_RATE
    return (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def _vllm_omni_app(seen: list[dict]) -> FastAPI:
    """vllm-omni's documented shape: one response, text and a WAV in separate choices."""
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request):
        body = await request.json()
        seen.append(body)
        wav = base64.b64encode(to_wav_bytes(_tone(), OUTPUT_SAMPLE_RATE)).decode()
        msg = {"role": "assistant", "content": None}
        return {
            "id": "x", "object": "chat.completion", "created": 0, "model": body["model"],
            "choices": [
                {"index": 0, "message": {**msg, "content": "I hear you."}, "finish_reason": "stop"},
                {"index": 1, "message": {**msg, "audio": {"id": "a", "data": wav, "expires_at": 0,
                                                          "transcript": ""}}, "finish_reason": "stop"},
            ],
        }  # fmt: skip

    return app


def _dashscope_app(seen: list[dict]) -> FastAPI:
    """Model Studio's documented behaviour: stream=True only; audio as base64 PCM16 pieces at 24 kHz."""
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request):
        body = await request.json()
        seen.append(body)
        if not body.get("stream"):
            return JSONResponse(
                {"error": {"message": "This model only support stream mode"}}, status_code=400
            )
        pcm = (_tone() * 32767).astype("<i2").tobytes()

        def events():
            for text in ("I hear ", "you."):
                yield f"data: {json.dumps({'choices': [{'index': 0, 'delta': {'content': text}}]})}\n\n"
            for start in range(0, len(pcm), 4800):
                piece = base64.b64encode(pcm[start : start + 4800]).decode()
                delta = {"audio": {"data": piece, "expires_at": 0, "id": "a"}}
                yield f"data: {json.dumps({'choices': [{'index': 0, 'delta': delta}]})}\n\n"
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return app


def test_vllm_omni_split_choices_give_text_and_audio(run_app, media_dir):
    seen: list[dict] = []
    srv = run_app(_vllm_omni_app(seen))
    backend = _remote(srv.url, "k", peer="vllm-omni")
    messages = [
        Message("system", "persona"),
        Message("user", "hi", [MediaItem("audio", str(media_dir / "speech.wav"))]),
    ]
    chunks = list(backend.stream(messages, GenerationOptions(max_new_tokens=8, audio=True, voice="Ethan")))
    assert [c.kind for c in chunks] == ["text", "audio"] and chunks[0].text == "I hear you."
    assert len(chunks[1].audio) == len(_tone())
    body = seen[-1]
    assert body["stream"] is False and body["modalities"] == ["text", "audio"]
    assert body["messages"][1]["content"][0]["type"] == "audio_url"


def test_vllm_omni_is_asked_for_text_only_when_no_audio_is_wanted(run_app):
    seen: list[dict] = []
    srv = run_app(_vllm_omni_app(seen))
    list(_remote(srv.url, "k", peer="vllm-omni").stream([Message("user", "hi")], GenerationOptions()))
    assert seen[-1]["modalities"] == ["text"]


def test_model_studio_streams_pcm16_and_gets_no_system_message_with_audio(run_app, media_dir):
    seen: list[dict] = []
    srv = run_app(_dashscope_app(seen))
    backend = _remote(srv.url, "k", peer="dashscope")
    messages = [
        Message("system", "persona"),
        Message("user", "hi", [MediaItem("audio", str(media_dir / "speech.wav"))]),
    ]
    chunks = list(backend.stream(messages, GenerationOptions(max_new_tokens=8, audio=True)))
    assert "".join(c.text for c in chunks if c.kind == "text") == "I hear you."
    audio = [c.audio for c in chunks if c.kind == "audio"]
    assert len(audio) == 1 and abs(len(audio[0]) - len(_tone())) <= 1
    body = seen[-1]
    assert body["stream"] is True and body["audio"]["format"] == "wav"
    assert [m["role"] for m in body["messages"]] == ["user"]
    parts = body["messages"][0]["content"]
    assert parts[0] == {"type": "text", "text": "persona"}
    assert parts[1]["input_audio"]["data"].startswith("data:;base64,")


def test_model_studio_is_detected_from_its_url():
    settings = Settings(
        backend="openai", base_url="https://dashscope.aliyuncs.com/compatible-mode/v1", model="m"
    )
    assert OpenAIBackend.from_settings(settings, RemoteSettings()).peer == "dashscope"
