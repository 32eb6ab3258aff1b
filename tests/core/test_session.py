"""The counseling session's turn pipeline on the tiny model.

The gate below is a small real implementation of the SafetyGate protocol, so these tests
pin the session's behaviour (order, replacement, append, state) independently of the
crisis layer's own wording; the production layer is tested in tests/safety.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from carellm.config import Settings
from carellm.counseling.history import History
from carellm.counseling.hooks import GateDecision
from carellm.counseling.prompts import QWEN_AUDIO_SYSTEM_PROMPT
from carellm.counseling.session import Session
from carellm.errors import InputError, MediaError
from tests.recording import ListRecorder
from tests.scripted import ScriptedText


class KeywordGate:
    def __init__(self, block_replies: bool = False) -> None:
        self.block_replies = block_replies
        self.calls: list[str] = []

    def check_user_turn(self, text, lang, history, session_id=None):
        self.calls.append("user")
        if "CRISIS" in text:
            return GateDecision(replace_with="Please call 988 now.", level="high", categories=["suicide"])
        if "WORRY" in text:
            return GateDecision(append="You can call 988 any time.", level="medium")
        return GateDecision()

    def check_reply(self, reply, lang, session_id=None, final=True):
        self.calls.append("reply" if final else "opening")
        if self.block_replies or "DIAGNOSIS" in reply:
            return GateDecision(replace_with="I'm here to listen.", reason="test policy")
        return GateDecision()


class AudioSeenObserver:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str, bool]] = []

    def observe(self, text, lang, audio, safety_level="none"):
        self.seen.append((text, lang, audio is not None))
        return {"primary": "neutral"}


def _session(backend, gate=None, **settings) -> Session:
    settings.setdefault("max_new_tokens", 12)
    base = Settings(model="tiny", seed=0, **settings)
    return Session(backend, base, gate or KeywordGate(), recorder=ListRecorder(), emotion=AudioSeenObserver())


def test_reply_streams_then_finishes_with_a_reply(omni_backend):
    chunks = list(_session(omni_backend).stream("I can't sleep before exams"))
    kinds = [c.kind for c in chunks]
    assert kinds[-1] == "done" and "text" in kinds
    reply = chunks[-1].reply
    assert reply.text == "".join(c.text for c in chunks if c.kind == "text").strip()
    assert reply.audio is None and reply.turn_index == 0


def test_first_reply_carries_the_disclaimer_in_the_session_language(omni_backend):
    s = _session(omni_backend)
    first, second = s.send("我最近压力很大"), s.send("还是睡不着")
    assert first.lang == "zh" and "科研原型" in first.disclaimer
    assert second.disclaimer is None


def test_language_is_detected_once_per_session(omni_backend):
    s = _session(omni_backend)
    assert s.send("I feel lonely at university").lang == "en"
    assert s.send("谢谢").lang == "en"


def test_hooks_run_in_order_and_the_turn_is_recorded(omni_backend, media_dir):
    gate = KeywordGate()
    s = _session(omni_backend, gate)
    reply = s.send("listen to me", audio=media_dir / "speech.wav")
    assert gate.calls == ["user", "reply"]
    assert s.emotion.seen == [("listen to me", "en", True)]
    (turn,) = s.recorder.turns
    assert turn.reply_text == reply.text and turn.media[0].endswith("speech.wav") and turn.session_id == s.id


def test_crisis_turn_gets_the_fixed_response_without_the_model(omni_backend):
    s = _session(omni_backend)
    reply = s.send("CRISIS")
    assert reply.crisis and reply.text == "Please call 988 now." and reply.model_text == ""
    assert s.history.exchanges[-1].reply == "Please call 988 now."


def test_medium_risk_appends_resources_to_the_model_reply(omni_backend):
    reply = _session(omni_backend).send("WORRY about tomorrow")
    assert reply.text.endswith("You can call 988 any time.") and reply.model_text


def test_a_blocked_model_reply_is_withdrawn_and_replaced(omni_backend):
    chunks = list(_session(omni_backend, KeywordGate(block_replies=True)).stream("hello"))
    replace = [c for c in chunks if c.kind == "replace"]
    assert len(replace) == 1 and replace[0].text == "I'm here to listen."
    assert chunks[-1].reply.text == "I'm here to listen."


def test_spoken_reply_says_exactly_the_approved_text(omni_backend):
    reply = _session(omni_backend, KeywordGate(block_replies=True)).send("hello", speak=True)
    assert reply.text == "I'm here to listen."
    assert reply.sample_rate == 24_000 and isinstance(reply.audio, np.ndarray) and reply.audio.size > 0


def test_crisis_response_can_be_spoken(omni_backend):
    reply = _session(omni_backend).send("CRISIS", speak=True)
    assert reply.audio is not None and reply.audio.size > 0


def test_every_modality_in_one_session(omni_backend, media_dir):
    s = _session(omni_backend)
    s.send("this is how I sound", audio=media_dir / "speech.flac")
    s.send("this is my room", image=media_dir / "face.jpg")
    s.send("this is my day", video=media_dir / "clip.mp4")
    assert s.turns == 3 and [len(ex.user.media) for ex in s.history.exchanges] == [1, 1, 1]


def test_system_prompt_keeps_qwens_speech_sentence_before_the_persona(omni_backend):
    s = _session(omni_backend)
    s.send("hi")
    messages = s.history.messages("en", s.history.exchanges[0].user)
    assert messages[0].text.startswith(QWEN_AUDIO_SYSTEM_PROMPT + "\n\n")
    assert "Never diagnose" in messages[0].text


def test_long_sessions_are_trimmed_with_a_running_summary(omni_backend):
    s = _session(omni_backend, context_tokens=1400, max_new_tokens=8)
    for i in range(8):
        s.send(f"Turn {i}: work has been overwhelming and my manager keeps adding deadlines.")
    assert s.turns == 8
    assert 0 < len(s.history.exchanges) < 8
    oldest_kept = int(s.history.exchanges[0].user.text.split(":")[0].split()[1])
    assert f"User: Turn {oldest_kept - 1}: work has been overwhelming" in s.history.summary
    before_last = History(s.history.exchanges[:-1], s.history.summary_lines)
    prompt = before_last.messages("en", s.history.exchanges[-1].user)  # what the model saw last turn
    assert omni_backend.count_tokens(prompt) <= 1400 - 8


def test_message_too_long_for_the_context_is_refused_cleanly(omni_backend):
    s = _session(omni_backend, context_tokens=1200, max_new_tokens=8)
    with pytest.raises(InputError, match="too long"):
        s.send("word " * 1000)
    assert s.turns == 0


def test_bad_media_leaves_the_session_untouched(omni_backend, media_dir, tmp_path):
    s = _session(omni_backend)
    s.send("first")
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG not really")
    with pytest.raises(MediaError):
        s.send("look", image=broken)
    assert s.turns == 1 and len(s.history.exchanges) == 1 and len(s.recorder.turns) == 1


def test_an_abandoned_stream_adds_nothing(omni_backend):
    s = _session(omni_backend)
    stream = s.stream("tell me something")
    next(stream)
    stream.close()
    assert s.turns == 0 and not s.history.exchanges


def test_empty_message_is_refused(omni_backend):
    with pytest.raises(InputError, match="empty"):
        _session(omni_backend).send("   ")


def test_reset_starts_a_new_session(omni_backend):
    s = _session(omni_backend)
    s.send("我很难过")
    old = s.id
    s.reset()
    assert s.turns == 0 and s.id != old and s.lang is None


def test_transcript_is_saved_as_jsonl(omni_backend, media_dir, tmp_path):
    s = _session(omni_backend)
    s.send("hello", audio=media_dir / "speech.wav")
    rows = [json.loads(line) for line in s.save(tmp_path / "t.jsonl").read_text().splitlines()]
    assert [r["role"] for r in rows] == ["user", "assistant"]
    assert rows[0]["audio"].endswith("speech.wav") and rows[0]["lang"] == "en"


def test_resumed_session_continues_the_given_turns_without_a_new_disclaimer(omni_backend):
    from carellm.backends.base import Message
    from carellm.counseling.history import Exchange

    s = _session(omni_backend)
    s.resume([Exchange(Message("user", "我最近压力很大"), "听起来你很累。")])
    reply = s.send("还是睡不着")
    assert reply.turn_index == 1 and reply.disclaimer is None and reply.lang == "zh"
    assert s.history.user_texts() == ["我最近压力很大", "还是睡不着"]


# ---------------------------------------------------------------------------- speech as it is made
REPLY = ["I hear you. ", "That sounds ", "really hard."]


def _kinds(chunks) -> list[str]:
    return [c.kind for c in chunks]


def test_spoken_reply_starts_with_its_first_sentence_while_the_rest_is_written(omni_backend):
    backend = ScriptedText(omni_backend, REPLY, paced=True)
    gate = KeywordGate()
    chunks = list(_session(backend, gate).stream("hello", speak=True))
    kinds = _kinds(chunks)
    # The opening's audio comes right after the text that completed it, before the rest of the text.
    assert kinds[:2] == ["text", "audio"] and kinds.index("audio") < kinds.index("text", 1)
    assert backend.log == [
        ("text", "I hear you. "),
        ("speak", "I hear you."),
        ("text", "That sounds "),
        ("text", "really hard."),
        ("speak", "That sounds really hard."),
    ]
    assert gate.calls == ["user", "opening", "reply"]
    pieces = [c.audio for c in chunks if c.kind == "audio"]
    assert len(pieces) > 2  # window by window on CPU, not one waveform at the end
    reply = chunks[-1].reply
    assert np.array_equal(reply.audio, np.concatenate(pieces))


def test_an_opening_the_reply_guard_refuses_is_not_spoken_early(omni_backend):
    backend = ScriptedText(omni_backend, ["A DIAGNOSIS for you. ", "More text."])
    chunks = list(_session(backend).stream("hello", speak=True))
    assert _kinds(chunks).index("audio") > _kinds(chunks).index("replace")
    assert [entry for entry in backend.log if entry[0] == "speak"] == [("speak", "I'm here to listen.")]


def test_a_reply_withdrawn_after_its_opening_was_spoken_says_the_replacement(omni_backend):
    backend = ScriptedText(omni_backend, ["I hear you. ", "You have a DIAGNOSIS."], paced=True)
    chunks = list(_session(backend).stream("hello", speak=True))
    kinds = _kinds(chunks)
    assert kinds.index("audio") < kinds.index("replace") < len(kinds) - 1 - kinds[::-1].index("audio")
    spoken = [text for kind, text in backend.log if kind == "speak"]
    assert spoken == ["I hear you.", "I'm here to listen."]
    assert chunks[-1].reply.text == "I'm here to listen."


@pytest.mark.parametrize(
    ("pieces", "said"),
    [
        (REPLY, "I hear you. That sounds really hard."),
        (["I hear you. ", "A DIAGNOSIS."], "I'm here to listen."),
    ],
)
def test_without_early_speech_nothing_is_said_until_the_whole_reply_is_approved(omni_backend, pieces, said):
    backend = ScriptedText(omni_backend, pieces)
    gate = KeywordGate()
    chunks = list(_session(backend, gate).stream("hello", speak=True, speak_early=False))
    assert backend.log == [*(("text", piece) for piece in pieces), ("speak", said)]
    assert gate.calls == ["user", "opening", "reply"]  # a settled sentence is checked before it is shown
    assert chunks[-1].reply.text == said and chunks[-1].reply.audio is not None


def test_appended_resources_are_spoken_after_the_opening(omni_backend):
    backend = ScriptedText(omni_backend, REPLY)
    reply = _session(backend).send("WORRY", speak=True)
    spoken = [text for kind, text in backend.log if kind == "speak"]
    assert spoken == ["I hear you.", "That sounds really hard.\n\nYou can call 988 any time."]
    assert reply.text == "I hear you. That sounds really hard.\n\nYou can call 988 any time."


def test_with_stream_speech_off_the_reply_is_spoken_once_at_the_end(omni_backend):
    backend = ScriptedText(omni_backend, REPLY)
    chunks = list(_session(backend, stream_speech=False).stream("hello", speak=True))
    assert _kinds(chunks) == ["text", "text", "text", "speaking", "audio", "done"]
    assert [text for kind, text in backend.log if kind == "speak"] == ["I hear you. That sounds really hard."]


def test_a_client_leaving_during_early_speech_frees_the_model_and_keeps_the_session(omni_backend):
    backend = ScriptedText(omni_backend, REPLY, paced=True)
    session = _session(backend)
    stream = session.stream("hello", speak=True)
    assert [next(stream).kind, next(stream).kind] == ["text", "audio"]
    stream.close()
    assert session.turns == 0 and not session.history.exchanges
    assert omni_backend._lock.acquire(timeout=5)  # the talker let go of the model
    omni_backend._lock.release()
