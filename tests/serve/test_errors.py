"""Each refusal is OpenAI's error JSON with the right status, and the SDK raises its typed error."""

from __future__ import annotations

import base64
import threading

import httpx
import openai
import pytest

from carellm.backends.base import Chunk
from carellm.counseling.counselor import Counselor


def _msg(text: str = "hello") -> list[dict]:
    return [{"role": "user", "content": text}]


def test_missing_key_is_401(server, model_id):
    bad = openai.OpenAI(base_url=f"{server.url}/v1", api_key="wrong-key", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as err:
        bad.chat.completions.create(model=model_id, messages=_msg())
    assert err.value.status_code == 401 and "API key" in err.value.body["message"]
    resp = httpx.post(f"{server.url}/v1/chat/completions", json={"model": model_id, "messages": _msg()})
    assert resp.status_code == 401 and resp.json()["error"]["type"] == "authentication_error"


def test_unknown_model_is_404(client):
    with pytest.raises(openai.NotFoundError) as err:
        client.chat.completions.create(model="gpt-4o", messages=_msg())
    assert err.value.body["code"] == "model_not_found"


def test_unknown_route_is_404_in_openai_shape(server):
    resp = httpx.get(f"{server.url}/v1/nothing-here")
    assert resp.status_code == 404 and "/v1" in resp.json()["error"]["message"]


def test_malformed_request_is_422_naming_the_field(client, model_id):
    with pytest.raises(openai.UnprocessableEntityError) as err:
        client.chat.completions.create(model=model_id, messages=_msg(), temperature=5)
    assert err.value.body["param"] == "temperature"


def test_invalid_json_is_400(api_key, server, model_id):
    resp = httpx.post(
        f"{server.url}/v1/chat/completions",
        content=b"{not json",
        headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"},
    )
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "invalid_json"


def test_bad_media_is_400_with_what_to_fix(client, model_id):
    content = [
        {
            "type": "input_audio",
            "input_audio": {"data": base64.b64encode(b"not audio").decode(), "format": "wav"},
        }
    ]
    with pytest.raises(openai.BadRequestError) as err:
        client.chat.completions.create(model=model_id, messages=[{"role": "user", "content": content}])
    assert "audio" in err.value.body["message"]


def test_remote_image_urls_are_refused_by_default(client, model_id):
    content = [{"type": "image_url", "image_url": {"url": "http://169.254.169.254/latest/meta-data"}}]
    with pytest.raises(openai.BadRequestError) as err:
        client.chat.completions.create(model=model_id, messages=[{"role": "user", "content": content}])
    assert "data URL" in err.value.body["message"]


def test_video_paths_outside_the_allowed_directories_are_refused(
    api_key, start_server, model_id, tmp_path, media_dir
):
    srv = start_server(media_dirs=[str(tmp_path)])
    c = openai.OpenAI(base_url=f"{srv.url}/v1", api_key=api_key, max_retries=0)
    content = [
        {"type": "video_url", "video_url": {"url": str(tmp_path / ".." / media_dir.name / "clip.mp4")}}
    ]
    with pytest.raises(openai.BadRequestError) as err:
        c.chat.completions.create(model=model_id, messages=[{"role": "user", "content": content}])
    assert "outside" in err.value.body["message"]


def test_too_many_tokens_is_400(client, model_id):
    with pytest.raises(openai.BadRequestError) as err:
        client.chat.completions.create(model=model_id, messages=_msg(), max_tokens=10**6)
    assert err.value.body["param"] == "max_tokens"


def test_body_over_the_limit_is_413(api_key, start_server, model_id):
    srv = start_server(max_body_mb=0.01)
    resp = httpx.post(
        f"{srv.url}/v1/chat/completions",
        json={"model": model_id, "messages": _msg("x" * 20_000)},
        headers={"Authorization": f"Bearer {api_key}"},
    )
    assert resp.status_code == 413 and resp.json()["error"]["code"] == "request_too_large"


def test_media_over_the_limit_is_413(api_key, start_server, counselor, model_id, media_dir):
    from carellm.counseling.counselor import Counselor

    small = counselor.settings.model_copy(
        update={"media": counselor.settings.media.model_copy(update={"max_audio_seconds": 0.5})}
    )
    srv = start_server(app_counselor=Counselor(counselor.backend, small, gate=counselor.gate))
    c = openai.OpenAI(base_url=f"{srv.url}/v1", api_key=api_key, max_retries=0)
    data = base64.b64encode((media_dir / "speech.wav").read_bytes()).decode()
    content = [{"type": "input_audio", "input_audio": {"data": data, "format": "wav"}}]
    with pytest.raises(openai.APIStatusError) as err:
        c.chat.completions.create(model=model_id, messages=[{"role": "user", "content": content}])
    assert err.value.status_code == 413


def test_rate_limit_is_429_with_retry_after(api_key, start_server, model_id):
    srv = start_server(rate_limit_per_minute=2)
    c = openai.OpenAI(base_url=f"{srv.url}/v1", api_key=api_key, max_retries=0)
    c.models.list()
    c.models.list()
    with pytest.raises(openai.RateLimitError) as err:
        c.models.list()
    assert int(err.value.response.headers["Retry-After"]) >= 1


class HeldText:
    """A model that writes one sentence, then holds the engine until the test lets it go: the
    first request is certainly still running when the second arrives (the tiny random model may
    write no sentence end, so its text is shown only once the whole reply is checked)."""

    name = "held"
    speaks_separately = False
    concurrency = 1
    can_speak = False

    def __init__(self, inner) -> None:
        self.inner = inner
        self.release = threading.Event()

    def stream(self, messages, options):
        yield Chunk("text", text="I hear you. ")
        self.release.wait(timeout=30)
        yield Chunk("text", text="Go on.")

    def count_tokens(self, messages) -> int:
        return self.inner.count_tokens(messages)

    def transcribe(self, speech, lang, max_new_tokens):
        return self.inner.transcribe(speech, lang, max_new_tokens)

    def warm_up(self) -> None:
        self.inner.warm_up()


def test_full_queue_is_503_with_retry_after(api_key, start_server, model_id, omni_backend, counselor):
    held = HeldText(omni_backend)
    srv = start_server(
        app_counselor=Counselor(held, counselor.settings, gate=counselor.gate),
        max_waiting=0,
        rate_limit_per_minute=1000,
    )
    c = openai.OpenAI(base_url=f"{srv.url}/v1", api_key=api_key, max_retries=0, timeout=60)
    started = threading.Event()

    def hold_the_model():
        stream = c.chat.completions.create(model=model_id, messages=_msg("a long one"), stream=True)
        for _ in stream:
            started.set()

    holder = threading.Thread(target=hold_the_model)
    holder.start()
    assert started.wait(30)
    try:
        with pytest.raises(openai.InternalServerError) as err:
            c.chat.completions.create(model=model_id, messages=_msg())
    finally:
        held.release.set()
        holder.join()
    assert err.value.status_code == 503 and err.value.response.headers["Retry-After"]
