"""`/v1/realtime` over a real WebSocket on 127.0.0.1, on the tiny model: espeak-ng speech in
chunks, server voice activity detection, barge-in, the crisis path, refusals, the official SDK."""

from __future__ import annotations

import base64
import json
import subprocess
import threading
import time

import pytest

from carellm.counseling.counselor import Counselor
from tests.scripted import Passthrough, ScriptedHearing
from tests.serve.realtime_client import Client, pcm16_24k

CRISIS = "I want to end my life tonight"


@pytest.fixture(scope="module")
def crisis_wav(tmp_path_factory):
    path = tmp_path_factory.mktemp("realtime") / "crisis.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(path), CRISIS], check=True, capture_output=True)
    return path


@pytest.fixture(scope="module")
def speech(media_dir) -> bytes:
    return pcm16_24k(media_dir / "speech.wav")


def test_speech_streamed_in_chunks_is_heard_and_answered_with_audio(server, api_key, speech):
    client = Client(server.url, api_key)
    assert client.recv()["type"] == "session.created"
    disclaimer = client.recv()
    assert disclaimer["type"] == "carellm" and disclaimer["kind"] == "disclaimer" and disclaimer["text"]
    client.send_audio(speech)
    done = client.until_type("response.done")
    client.close()
    client.check_against_the_sdk()
    types = client.types()
    order = [
        "input_audio_buffer.speech_started",
        "input_audio_buffer.speech_stopped",
        "input_audio_buffer.committed",
        "response.created",
        "response.output_audio.delta",
        "response.output_audio.done",
        "conversation.item.input_audio_transcription.completed",
        "response.done",
    ]
    positions = [types.index(kind) for kind in order]
    assert positions == sorted(positions), types
    started = next(e for e in client.events if e["type"] == "input_audio_buffer.speech_started")
    stopped = next(e for e in client.events if e["type"] == "input_audio_buffer.speech_stopped")
    committed = next(e for e in client.events if e["type"] == "input_audio_buffer.committed")
    assert started["item_id"] == stopped["item_id"] == committed["item_id"]
    assert 0 < started["audio_start_ms"] < stopped["audio_end_ms"]
    assert done["response"]["status"] == "completed"
    audio = b"".join(
        base64.b64decode(e["delta"]) for e in client.events if e["type"] == "response.output_audio.delta"
    )
    assert len(audio) > 0 and len(audio) % 2 == 0
    transcript = "".join(
        e["delta"] for e in client.events if e["type"] == "response.output_audio_transcript.delta"
    )
    turn = next(e for e in client.events if e["type"] == "carellm" and e.get("kind") == "turn")
    assert client.events.index(turn) < types.index("response.done")
    assert turn["info"]["crisis"] is False and turn["info"]["risk"]["level"]
    assert done["response"]["output"][0]["content"][0]["transcript"] == turn_text(client)
    assert transcript and turn_text(client).startswith(transcript.strip()[:10])


def turn_text(client: Client) -> str:
    return next(e for e in client.events if e["type"] == "response.output_audio_transcript.done")[
        "transcript"
    ]


class HeldSpeech(Passthrough):
    """The tiny model, whose speech stops after its first piece until `release` is set: a reply
    that is still being spoken when the person starts talking again."""

    name = "held-speech"
    speaks_separately = True
    concurrency = 1

    def __init__(self, inner) -> None:
        super().__init__(inner)
        self.release = threading.Event()

    def speak_stream(self, messages, reply, voice, max_seconds=None):
        # Only replies to what the person said are held, not the crisis response the server
        # speaks ahead of time (with an empty context).
        hold = any(m.role == "user" and m.text for m in messages)
        for n, piece in enumerate(self.inner.speak_stream(messages, reply, voice, max_seconds)):
            if n and hold:
                self.release.wait(timeout=60)
            yield piece


def _say(client: Client, text: str) -> None:
    item = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}
    client.send({"type": "conversation.item.create", "item": item})
    client.send({"type": "response.create"})


def test_speech_during_a_reply_cancels_it_at_once(start_server, counselor, omni_backend, api_key, speech):
    held = HeldSpeech(omni_backend)
    srv = start_server(app_counselor=Counselor(held, counselor.settings, gate=counselor.gate))
    client = Client(srv.url, api_key)
    try:
        _say(client, "Exams are coming and I cannot focus.")
        first = client.until_type("response.output_audio.delta")
        client.send_audio(speech[: 24_000 * 2 * 2])  # two seconds: silence, then the start of speech
        started = client.until_type("input_audio_buffer.speech_started")
        done = client.until(lambda e: e["type"] == "response.done")
        after = client.events[client.events.index(started) :]
        # Nothing more of the interrupted reply is sent once speech starts: it is truncated and done.
        closing = [e["type"] for e in after if e.get("response_id") == first["response_id"]]
        assert closing == ["response.content_part.done", "response.output_item.done"]
        truncated = next(e for e in after if e["type"] == "conversation.item.truncated")
        assert truncated["item_id"] == first["item_id"] and truncated["audio_end_ms"] >= 0
        assert done["response"]["id"] == first["response_id"]
        assert done["response"]["status"] == "cancelled"
        assert done["response"]["status_details"]["reason"] == "turn_detected"
        kinds = [e["type"] for e in after]
        assert kinds.index("conversation.item.truncated") < kinds.index("response.done")
        client.check_against_the_sdk()
    finally:
        held.release.set()
        client.close()


def test_a_spoken_crisis_gets_the_crisis_response_spoken_and_no_model_reply(
    start_server, counselor, omni_backend, api_key, crisis_wav
):
    hearing = ScriptedHearing(omni_backend, CRISIS)
    crisis_counselor = Counselor(hearing, counselor.settings, gate=counselor.gate)
    srv = start_server(app_counselor=crisis_counselor)
    expected = counselor.gate.check_user_turn(CRISIS, "en", []).replace_with
    for _ in range(2):  # the second time, the kept speech of the crisis response is played
        client = Client(srv.url, api_key, query="lang=en")
        client.until_type("session.created")
        push_to_talk = {"type": "realtime", "audio": {"input": {"turn_detection": None}}}
        client.send({"type": "session.update", "session": push_to_talk})
        updated = client.until_type("session.updated")
        assert updated["session"]["audio"]["input"]["turn_detection"] is None
        client.send_audio(pcm16_24k(crisis_wav, 0.2, 0.2))
        client.send({"type": "input_audio_buffer.commit"})
        client.until_type("input_audio_buffer.committed")
        client.send({"type": "response.create"})
        client.until_type("response.done")
        client.close()
        types = client.types()
        assert "input_audio_buffer.speech_started" not in types  # push-to-talk: no detection
        turn = next(e for e in client.events if e["type"] == "carellm" and e["kind"] == "turn")
        assert turn["info"]["crisis"] is True and turn["info"]["speech_read"] is True
        said = "".join(
            e["delta"] for e in client.events if e["type"] == "response.output_audio_transcript.delta"
        )
        assert said.startswith(expected)
        heard = next(
            e for e in client.events if e["type"] == "conversation.item.input_audio_transcription.completed"
        )
        assert heard["transcript"] == CRISIS
        first_audio = types.index("response.output_audio.delta")
        assert first_audio > types.index("response.created")
        client.check_against_the_sdk()
        # Its speech is kept for the next crisis turn in this voice.
        assert crisis_counselor.fixed_speech.has(turn_text(client), counselor.settings.voice)
    assert hearing.streams == 0  # the model was never asked for a reply


def test_bad_events_get_clear_errors_and_the_session_goes_on(server, api_key):
    client = Client(server.url, api_key)
    client.until_type("session.created")

    def error_for(raw: str) -> dict:
        client.ws.send(raw)
        return client.until_type("error", timeout=30)["error"]

    assert error_for("{not json")["code"] == "invalid_json"
    unknown = error_for('{"type": "session.delete"}')
    assert unknown["code"] == "invalid_event" and "input_audio_buffer.append" in unknown["message"]
    assert error_for('{"type": "input_audio_buffer.append", "audio": "***"}')["code"] == "invalid_value"
    odd = base64.b64encode(b"\x00\x01\x02").decode()
    assert "odd number" in error_for(f'{{"type": "input_audio_buffer.append", "audio": "{odd}"}}')["message"]
    big = base64.b64encode(bytes(1_200_000)).decode()
    assert (
        error_for(f'{{"type": "input_audio_buffer.append", "audio": "{big}"}}')["code"] == "audio_too_large"
    )
    g711 = {"type": "realtime", "audio": {"input": {"format": {"type": "audio/pcmu"}}}}
    assert (
        error_for(json.dumps({"type": "session.update", "session": g711}))["code"]
        == "unsupported_audio_format"
    )
    assert error_for('{"type": "response.create"}')["code"] == "no_user_input"
    manual = {"type": "realtime", "audio": {"input": {"turn_detection": None}}}
    client.send({"type": "session.update", "session": manual})
    client.until_type("session.updated")
    assert error_for('{"type": "input_audio_buffer.commit"}')["code"] == "input_audio_buffer_commit_empty"
    assert error_for('{"type": "response.cancel"}')["code"] == "response_not_found"
    # The session is intact: a typed turn is answered.
    _say(client, "Thank you for listening.")
    assert client.until_type("response.done")["response"]["status"] == "completed"
    client.close()
    client.check_against_the_sdk()


def test_a_wrong_key_is_refused_with_an_error_event(server):
    client = Client(server.url, "wrong-key")
    event = client.recv()
    assert event["type"] == "error" and event["error"]["code"] == "invalid_api_key"


def test_a_client_that_vanishes_mid_reply_leaves_no_turn_running(
    start_server, counselor, omni_backend, api_key
):
    held = HeldSpeech(omni_backend)
    recorded = Recorded()
    srv = start_server(
        app_counselor=Counselor(held, counselor.settings, gate=counselor.gate), recorder=recorded
    )
    service = srv.app.state.service
    client = Client(srv.url, api_key)
    _say(client, "Exams are coming and I cannot focus.")
    client.until_type("response.output_audio.delta")
    client.ws.close()
    held.release.set()
    deadline = time.monotonic() + 60
    while service.queue.active and time.monotonic() < deadline:
        time.sleep(0.05)
    assert service.queue.active == 0
    assert not [t for t in threading.enumerate() if t.name in ("carellm-serve-turn", "carellm-speech")]
    again = Client(srv.url, api_key)  # the server goes on
    _say(again, "Thank you.")
    assert again.until_type("response.done")["response"]["status"] == "completed"
    again.close()
    # The abandoned turn left its session as it was; the completed one is in the store.
    (stored,) = recorded.turns
    assert stored.session_id.startswith("rt-") and stored.turn_index == 0 and stored.user_text == "Thank you."


class Recorded:
    """A session store in a list (the SQLite store is tested in tests/store)."""

    def __init__(self) -> None:
        self.turns: list = []

    def record(self, turn) -> None:
        self.turns.append(turn)


def test_the_official_sdk_realtime_client_completes_a_turn(server, api_key, model_id):
    from openai import OpenAI

    sdk = OpenAI(base_url=f"{server.url}/v1", api_key=api_key, max_retries=0)
    with sdk.realtime.connect(model=model_id) as conn:
        conn.session.update(session={"type": "realtime", "output_modalities": ["text"]})
        conn.conversation.item.create(
            item={"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Hello."}]}
        )
        conn.response.create()
        seen = []
        for event in conn:
            seen.append(event)
            if event.type == "response.done":
                break
    kinds = [e.type for e in seen]
    assert kinds[0] == "session.created" and seen[0].session.type == "realtime"
    assert "session.updated" in kinds and "response.created" in kinds
    text = "".join(e.delta for e in seen if e.type == "response.output_text.delta")
    assert seen[-1].response.status == "completed"
    assert seen[-1].response.output[0].content[0].text == text
