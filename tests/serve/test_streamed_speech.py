"""Spoken replies over the API with the official openai SDK: the first sentence is heard while the
rest is still being written, and holding unchecked text holds its text and its speech.

The server's counselor writes fixed sentences (tests/scripted.py) and speaks them with the tiny model.
"""

from __future__ import annotations

import pytest
from openai import OpenAI

from carellm.counseling.counselor import Counselor
from tests.recording import ListRecorder
from tests.scripted import ScriptedText
from tests.serve.spoken import stream_spoken

REPLY = ["I hear you. ", "That sounds ", "really hard."]
# A diagnosis stated as fact: the reply guard withdraws it once the whole reply is there.
DIAGNOSIS = ["I hear you. ", "You clearly have ", "major depressive disorder."]


@pytest.fixture(scope="module")
def speaking(start_server, omni_backend, counselor, api_key):
    """A server whose replies are `pieces`, with the given ServeSettings; its client, recorder and backend."""

    def start(pieces: list[str], paced: bool = False, **fields) -> tuple[OpenAI, ListRecorder, ScriptedText]:
        recorder = ListRecorder()
        backend = ScriptedText(omni_backend, pieces, paced)
        scripted = Counselor(backend, counselor.settings, gate=counselor.gate)
        fields.setdefault("rate_limit_per_minute", 10_000)
        server = start_server(app_counselor=scripted, recorder=recorder, **fields)
        client = OpenAI(base_url=f"{server.url}/v1", api_key=api_key, max_retries=0, timeout=120)
        return client, recorder, backend

    return start


def test_speech_of_the_first_sentence_arrives_before_the_second_is_written(speaking, model_id):
    client, recorder, _ = speaking(REPLY, paced=True)
    events, transcript = stream_spoken(client, model_id, session_id="spoken")
    kinds = [kind for kind, _ in events]
    second = events.index(("text", "That sounds "))
    assert events[0] == ("text", "I hear you. ") and "audio" in kinds[:second]
    pcm = b"".join(data for kind, data in events if kind == "audio")  # type: ignore[misc]
    (turn,) = recorder.turns
    assert len(pcm) % 2 == 0 and len(pcm) // 2 == round(turn.audio_seconds * 24_000) > 0
    assert transcript == turn.reply_text == "I hear you. That sounds really hard."


def test_holding_unchecked_text_sends_only_the_approved_reply(speaking, model_id):
    client, recorder, _ = speaking(DIAGNOSIS, hold_unchecked_text=True)
    events, transcript = stream_spoken(client, model_id, session_id="spoken")
    (turn,) = recorder.turns
    assert turn.reply_gate.replace_with  # the reply guard withdrew the model's reply
    texts = [data for kind, data in events if kind == "text"]
    assert texts == [turn.reply_text] and transcript == turn.reply_text
    assert "depressive" not in turn.reply_text and "audio" in [kind for kind, _ in events]


@pytest.mark.parametrize("pieces", [REPLY, DIAGNOSIS])
def test_holding_unchecked_text_speaks_only_the_approved_reply_once_it_is_approved(
    speaking, model_id, pieces
):
    client, recorder, backend = speaking(pieces, hold_unchecked_text=True)
    events, transcript = stream_spoken(client, model_id, session_id="spoken")
    (turn,) = recorder.turns
    # Speech began only after the whole reply was written (and checked), and says the approved text.
    assert backend.log == [*(("text", piece) for piece in pieces), ("speak", turn.reply_text)]
    pcm = b"".join(data for kind, data in events if kind == "audio")  # type: ignore[misc]
    assert len(pcm) // 2 == round(turn.audio_seconds * 24_000) > 0 and transcript == turn.reply_text
