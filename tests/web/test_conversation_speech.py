"""The page's conversation passes the spoken reply on piece by piece, and still keeps the whole wav."""

from __future__ import annotations

import numpy as np
import soundfile as sf

from carellm.config import Settings
from carellm.counseling.counselor import Counselor
from carellm.web.conversation import WebConversation
from carellm.web.feedback import JsonlFeedbackSink
from tests.scripted import ScriptedText

REPLY = ["I hear you. ", "That sounds ", "really hard."]


def _conversation(omni_backend, tiny_model_dir, tmp_path, paced=False, **settings) -> WebConversation:
    base = Settings(model=str(tiny_model_dir), data_dir=tmp_path, seed=0, **settings)
    backend = ScriptedText(omni_backend, REPLY, paced)
    conversation = WebConversation(Counselor(backend, base), JsonlFeedbackSink(tmp_path / "feedback.jsonl"))
    conversation.acknowledge()
    conversation.session.speak = True
    return conversation


def test_the_voice_comes_while_the_reply_is_still_being_written(omni_backend, tiny_model_dir, tmp_path):
    conversation = _conversation(omni_backend, tiny_model_dir, tmp_path, paced=True)
    updates = list(conversation.stream("Exams are coming and I cannot focus."))
    texts = [u.text for u in updates]
    first_voice = next(i for i, u in enumerate(updates) if u.audio is not None)
    whole_text = texts.index("I hear you. That sounds really hard.")
    assert first_voice < whole_text and texts[first_voice] == "I hear you. "
    pieces = [u.audio for u in updates if u.audio is not None]
    assert len(pieces) > 1 and all(u.sample_rate == 24_000 for u in updates)
    reply = updates[-1].reply
    assert reply is not None and np.array_equal(reply.audio, np.concatenate(pieces))


def test_the_chat_keeps_the_whole_spoken_reply_as_a_wav(omni_backend, tiny_model_dir, tmp_path):
    conversation = _conversation(omni_backend, tiny_model_dir, tmp_path)
    final = list(conversation.stream("Exams are coming and I cannot focus."))[-1]
    assert final.audio is None and final.audio_path is not None
    assert conversation.messages[-1] == {"role": "assistant", "content": {"path": str(final.audio_path)}}
    samples, rate = sf.read(final.audio_path, dtype="float32")
    assert rate == 24_000 and len(samples) == len(final.reply.audio)
    assert np.allclose(samples, final.reply.audio, atol=1 / 2**15)  # 16-bit wav of the same waveform


def test_with_stream_speech_off_the_voice_comes_once_after_the_text(omni_backend, tiny_model_dir, tmp_path):
    conversation = _conversation(omni_backend, tiny_model_dir, tmp_path, stream_speech=False)
    updates = list(conversation.stream("Exams are coming and I cannot focus."))
    voiced = [i for i, u in enumerate(updates) if u.audio is not None]
    assert len(voiced) == 1 and updates[voiced[0]].text == "I hear you. That sounds really hard."
