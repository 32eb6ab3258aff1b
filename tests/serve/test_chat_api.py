"""The official openai SDK against `carellm serve`: plain, streamed, image/audio in, audio out."""

from __future__ import annotations

import base64
import io

import soundfile as sf

from tests.serve.spoken import stream_spoken


def _data_url(path, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"


def test_models_lists_the_loaded_model(client):
    ids = [m.id for m in client.models.list().data]
    assert ids == ["carellm-tiny", "carellm"]  # a stable name, not the folder it was loaded from


def test_plain_completion_returns_the_sessions_reply_with_carellm_fields(client, model_id):
    resp = client.chat.completions.create(
        model=model_id, messages=[{"role": "user", "content": "I feel tired"}]
    )
    choice = resp.choices[0]
    assert resp.object == "chat.completion" and resp.id.startswith("chatcmpl-")
    assert choice.message.role == "assistant" and isinstance(choice.message.content, str)
    assert choice.finish_reason in {"stop", "length"}  # which one: test_openai_conformance.py
    extra = resp.model_extra["carellm"]
    assert extra["turn_index"] == 0 and extra["crisis"] is False and extra["risk"]["level"] == "none"
    assert extra["disclaimer"]  # first reply of a conversation
    assert resp.usage.total_tokens == resp.usage.prompt_tokens + resp.usage.completion_tokens


def test_streamed_completion_arrives_in_chunks_that_add_up_to_the_reply(client, model_id):
    stream = client.chat.completions.create(
        model=model_id,
        messages=[{"role": "user", "content": "I feel tired"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    finals = [c for c in chunks if c.choices and c.choices[0].finish_reason in {"stop", "length"}]
    assert len(finals) == 1 and text.strip()
    assert chunks[-1].usage is not None and chunks[-1].choices == []
    info = finals[0].model_extra["carellm"]["info"]
    assert info["crisis"] is False and info["turn_index"] == 0


def test_earlier_messages_become_the_sessions_history(client, model_id):
    resp = client.chat.completions.create(
        model=model_id,
        messages=[
            {"role": "system", "content": "ignored: the persona is fixed"},
            {"role": "user", "content": "I failed my exam"},
            {"role": "assistant", "content": "That sounds hard."},
            {"role": "user", "content": "Yes, and I cannot sleep"},
        ],
    )
    extra = resp.model_extra["carellm"]
    assert extra["turn_index"] == 1 and extra["disclaimer"] is None


def test_image_in_as_a_data_url(client, model_id, media_dir):
    content = [
        {"type": "text", "text": "How do I look?"},
        {"type": "image_url", "image_url": {"url": _data_url(media_dir / "face.png", "image/png")}},
    ]
    resp = client.chat.completions.create(model=model_id, messages=[{"role": "user", "content": content}])
    assert isinstance(resp.choices[0].message.content, str)


def test_audio_in_as_input_audio(client, model_id, media_dir):
    data = base64.b64encode((media_dir / "speech.mp3").read_bytes()).decode()
    content = [{"type": "input_audio", "input_audio": {"data": data, "format": "mp3"}}]
    resp = client.chat.completions.create(model=model_id, messages=[{"role": "user", "content": content}])
    assert resp.model_extra["carellm"]["turn_index"] == 0


def test_video_in_as_a_data_url(client, model_id, media_dir):
    content = [
        {"type": "text", "text": "What do you see?"},
        {"type": "video_url", "video_url": {"url": _data_url(media_dir / "clip.mp4", "video/mp4")}},
    ]
    resp = client.chat.completions.create(model=model_id, messages=[{"role": "user", "content": content}])
    assert isinstance(resp.choices[0].message.content, str)


def test_audio_out_is_a_24khz_wav_of_the_reply(client, model_id):
    resp = client.chat.completions.create(
        model=model_id,
        messages=[{"role": "user", "content": "I feel tired today"}],
        modalities=["text", "audio"],
        audio={"voice": "Ethan", "format": "wav"},
    )
    audio = resp.choices[0].message.audio
    assert audio.id.startswith("audio_") and audio.expires_at > 0
    # What is spoken is the reply; the text adds the disclaimer (a new session's first reply).
    disclaimer = resp.model_extra["carellm"]["disclaimer"]
    assert resp.choices[0].message.content == f"{audio.transcript}\n\n{disclaimer}"
    samples, rate = sf.read(io.BytesIO(base64.b64decode(audio.data)))
    assert rate == 24_000 and samples.ndim == 1 and len(samples) > 2400


def test_streamed_audio_out_is_pcm16_pieces_in_delta_audio(client, model_id):
    events, transcript = stream_spoken(client, model_id, "I feel tired today")
    pcm = b"".join(data for kind, data in events if kind == "audio")  # type: ignore[misc]
    assert len(pcm) % 2 == 0 and len(pcm) // 2 > 2400  # over 0.1 s of 16-bit samples at 24 kHz
    assert transcript


def test_server_side_session_keeps_the_history(client, model_id):
    first = client.chat.completions.create(
        model=model_id,
        messages=[{"role": "user", "content": "I failed my exam"}],
        extra_body={"carellm": {"session_id": "sess-history"}},
    )
    second = client.chat.completions.create(
        model=model_id,
        messages=[{"role": "user", "content": "And I cannot sleep"}],
        extra_body={"carellm": {"session_id": "sess-history"}},
    )
    assert first.model_extra["carellm"]["turn_index"] == 0
    assert second.model_extra["carellm"]["turn_index"] == 1
    assert second.model_extra["carellm"]["session_id"] == "sess-history"


def test_health_and_metrics_report_without_message_text(client, model_id, server):
    import httpx

    secret = "my neighbour's name is Zorblax"
    client.chat.completions.create(model=model_id, messages=[{"role": "user", "content": secret}])
    assert httpx.get(f"{server.url}/health").json()["status"] == "ok"
    text = httpx.get(f"{server.url}/metrics").text
    assert 'carellm_requests_total{route="/v1/chat/completions",status="200"}' in text
    assert (
        "carellm_request_duration_seconds_bucket" in text
        and 'carellm_tokens_total{kind="completion"}' in text
    )
    assert "Zorblax" not in text
