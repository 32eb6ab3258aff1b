"""Spoken turns are read by the crisis layer: the speech is transcribed before the user gate.

The tiny random model cannot transcribe, so `ScriptedHearing` fixes what the engine hears
and keeps everything else real: the tiny model replies, the production safety layer decides,
and the speech is a real WAV made by espeak-ng.
"""

from __future__ import annotations

import subprocess

import pytest

from carellm.config import Settings
from carellm.counseling.session import Session
from carellm.errors import BackendError, InputError
from carellm.media import MediaItem
from carellm.safety import crisis_response
from carellm.safety.gate import SafetyLayer
from tests.recording import ListRecorder
from tests.scripted import ScriptedHearing

CRISIS = "I want to end my life"
HARMLESS = "I have been feeling very stressed and tired lately."


class HistoryGate:
    """The production layer, noting the history each user turn was judged with."""

    def __init__(self) -> None:
        self.layer = SafetyLayer()
        self.histories: list[list[str]] = []

    def check_user_turn(self, text, lang, history, session_id=None):
        self.histories.append(list(history))
        return self.layer.check_user_turn(text, lang, history, session_id)

    def check_reply(self, reply, lang, session_id=None, final=True):
        return self.layer.check_reply(reply, lang, session_id, final)


@pytest.fixture(scope="module")
def crisis_wav(tmp_path_factory):
    path = tmp_path_factory.mktemp("spoken") / "crisis.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(path), CRISIS], check=True, capture_output=True)
    return path


def _session(backend, gate=None, **settings) -> Session:
    settings.setdefault("max_new_tokens", 12)
    base = Settings(model="tiny", seed=0, **settings)
    return Session(backend, base, gate or SafetyLayer(), lang="en", recorder=ListRecorder())


def test_a_crisis_said_aloud_gets_the_crisis_response_before_the_model_runs(omni_backend, crisis_wav):
    backend = ScriptedHearing(omni_backend, CRISIS)
    session = _session(backend)
    reply = session.send(audio=crisis_wav)
    assert reply.crisis and reply.text.startswith(crisis_response("en"))
    assert backend.streams == 0  # the crisis response replaced the reply: the model never ran
    assert backend.heard_calls == [[("audio", str(crisis_wav))]]
    assert reply.speech_read is True and reply.speech_transcript == CRISIS


def test_the_transcript_is_recorded_but_is_not_the_users_message(omni_backend, crisis_wav):
    session = _session(ScriptedHearing(omni_backend, CRISIS))
    session.send(audio=crisis_wav)
    (turn,) = session.recorder.turns  # type: ignore[union-attr]
    assert turn.speech_read is True and turn.speech_transcript == CRISIS
    assert turn.user_text == "" and session.transcript()[0]["text"] == ""
    assert session.history.exchanges[0].user.text == ""


def test_typed_text_and_speech_are_read_together(omni_backend, crisis_wav):
    gate = HistoryGate()
    session = _session(ScriptedHearing(omni_backend, "and nobody would miss me"), gate)
    reply = session.send("I want to end my life.", audio=crisis_wav)
    assert reply.crisis and reply.speech_transcript == "and nobody would miss me"


def test_a_harmless_sentence_said_aloud_gets_the_models_reply(omni_backend, media_dir):
    backend = ScriptedHearing(omni_backend, HARMLESS)
    reply = _session(backend).send(audio=media_dir / "speech.wav")
    assert not reply.crisis and backend.streams == 1
    assert reply.speech_read is True and reply.user_gate.level == "none"


def test_an_engine_that_cannot_transcribe_lets_the_turn_go_on_marked_unread(omni_backend, crisis_wav):
    backend = ScriptedHearing(omni_backend, None)
    session = _session(backend)
    reply = session.send(audio=crisis_wav)
    assert not reply.crisis and backend.streams == 1 and reply.text
    assert reply.speech_read is False and reply.speech_transcript is None
    (turn,) = session.recorder.turns  # type: ignore[union-attr]
    assert turn.speech_read is False and turn.speech_transcript is None


@pytest.mark.parametrize("heard", ["", "   ", BackendError("The model server closed the connection.")])
def test_an_empty_or_failed_transcription_is_speech_not_read(omni_backend, crisis_wav, heard):
    session = _session(ScriptedHearing(omni_backend, heard))
    reply = session.send(audio=crisis_wav)
    assert reply.speech_read is False and reply.speech_transcript is None and session.turns == 1


def test_a_text_only_turn_is_not_transcribed(omni_backend):
    backend = ScriptedHearing(omni_backend, CRISIS)
    reply = _session(backend).send("Exams are coming.")
    assert backend.heard_calls == [] and reply.speech_read is None and not reply.crisis


def test_a_video_sent_with_its_sound_is_transcribed_from_the_sound_alone(omni_backend, media_dir):
    backend = ScriptedHearing(omni_backend, CRISIS)
    reply = _session(backend).send(video=media_dir / "clip.mp4", use_video_audio=True)
    assert reply.crisis
    assert backend.heard_calls == [[("audio", f"{media_dir / 'clip.mp4'} (sound)")]]


def test_a_silent_video_and_an_image_hold_no_speech(omni_backend, media_dir):
    backend = ScriptedHearing(omni_backend, CRISIS)
    reply = _session(backend).send("look", image=media_dir / "face.png", video=media_dir / "clip.webm")
    assert backend.heard_calls == [] and reply.speech_read is None


def test_with_transcription_off_speech_is_not_read_and_says_so(omni_backend, crisis_wav):
    backend = ScriptedHearing(omni_backend, CRISIS)
    reply = _session(backend, transcribe_speech=False).send(audio=crisis_wav)
    assert backend.heard_calls == [] and not reply.crisis and reply.speech_read is False


def test_what_was_said_stays_in_the_history_the_crisis_layer_reads(omni_backend, crisis_wav):
    gate = HistoryGate()
    session = _session(ScriptedHearing(omni_backend, "Everything feels pointless."), gate)
    session.send(audio=crisis_wav)
    session.send("Still here.")
    assert gate.histories == [[], ["Everything feels pointless."]]


def test_a_failed_turn_after_transcription_leaves_the_session_unchanged(omni_backend, crisis_wav):
    backend = ScriptedHearing(omni_backend, HARMLESS)
    session = _session(backend, context_tokens=256, max_new_tokens=255)
    with pytest.raises(InputError, match="too long"):
        session.send("x " * 400, audio=crisis_wav)
    assert backend.heard_calls  # it was transcribed, then the turn failed
    assert session.turns == 0 and session.history.exchanges == [] and session.recorder.turns == []  # type: ignore[union-attr]


def test_the_tiny_models_own_transcription_pass_runs(omni_backend, crisis_wav):
    heard = omni_backend.transcribe([MediaItem("audio", str(crisis_wav))], "en", max_new_tokens=8)
    assert isinstance(heard, str)  # a random model's reading is noise; that it runs is the point
    assert isinstance(omni_backend.transcribe([MediaItem("audio", str(crisis_wav))], "zh", 4), str)


def test_a_session_on_the_tiny_model_transcribes_speech_for_the_gate(omni_backend, crisis_wav):
    reply = _session(omni_backend, transcribe_max_tokens=16).send(audio=crisis_wav)
    assert reply.speech_read is not None and reply.text
