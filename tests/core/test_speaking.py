"""A reply's speech: one budget for the whole reply, made beside the text, never after a withdrawal.

`ToneTalker` is a whole backend (scripted text, like tests/scripted.py; speech a tone) whose
talker never stops by itself, as a random model's does: each utterance runs to the cap it is
given, or to `settings.max_speech_seconds` when given none, as OmniBackend's does. Each text's
tone has its own amplitude, so the audio says which text it speaks.
"""

from __future__ import annotations

import threading

import numpy as np

from carellm.backends.base import Chunk
from carellm.config import Settings
from carellm.counseling.session import Session
from carellm.counseling.speaking import Speaker, within_budget
from carellm.safety import SafetyLayer, safe_fallback

RATE = 24_000
PIECE = RATE // 2  # the talker's pieces: 0.5 s


class ToneTalker:
    name = "tone"
    speaks_separately = True
    can_speak = True
    concurrency = 1

    def __init__(self, settings: Settings, pieces: list[str], speech_waits_for_text: bool = False) -> None:
        self.settings = settings
        self.pieces = pieces
        self.speech_waits_for_text = speech_waits_for_text
        self.written = threading.Event()  # the whole text has been written
        self.spoken: list[tuple[str, bool]] = []  # (text, whether all the text was written by then)

    def stream(self, messages, options):
        try:
            yield from (Chunk("text", text=piece) for piece in self.pieces)
        finally:  # written to the end, or stopped by the session (a refused sentence)
            self.written.set()

    def speak_stream(self, messages, reply, voice, max_seconds=None):
        if self.speech_waits_for_text:  # a talker slower than the text: busy until it is written
            self.written.wait(timeout=5)
        self.spoken.append((reply, self.written.is_set()))
        seconds = self.settings.max_speech_seconds if max_seconds is None else max_seconds
        left = int(seconds * RATE)
        while left > 0:
            yield np.full(min(PIECE, left), amplitude(reply), dtype=np.float32)
            left -= PIECE

    def count_tokens(self, messages) -> int:
        return sum(len(m.text.split()) + 5 for m in messages)

    def transcribe(self, speech, lang, max_new_tokens):
        return None


def amplitude(text: str) -> float:
    return 0.1 + (sum(map(ord, text)) % 50) / 100


def _session(backend: ToneTalker) -> Session:
    return Session(backend, backend.settings, SafetyLayer(), lang="en")


def _kinds(events) -> list[str]:
    return [e.kind for e in events]


REPLY = ["I hear you, that sounds hard. ", "Exams can feel like a lot. ", "Let's take it one step at a time."]


def test_the_longest_spoken_reply_bounds_the_whole_reply_not_each_piece():
    settings = Settings(model="tiny", max_speech_seconds=3.2)
    backend = ToneTalker(settings, REPLY)
    reply = _session(backend).send("exams", speak=True)
    assert backend.spoken[0][0] == "I hear you, that sounds hard."  # the opening, said early
    assert reply.audio is not None and len(reply.audio) == int(3.2 * RATE)


def test_the_text_never_waits_for_the_speech_of_its_opening():
    backend = ToneTalker(Settings(model="tiny", max_speech_seconds=2), REPLY, speech_waits_for_text=True)
    events = list(_session(backend).stream("exams", speak=True))
    kinds = _kinds(events)
    # The opening's speech was asked for first and was still being made when the text was all out.
    assert backend.spoken[0] == ("I hear you, that sounds hard.", True)
    last_text = len(kinds) - 1 - kinds[::-1].index("text")
    assert last_text < kinds.index("speaking") < kinds.index("audio")
    shown = "".join(e.text for e in events if e.kind == "text")
    assert shown == "".join(REPLY) and events[-1].reply.audio is not None


def test_a_withdrawn_reply_is_not_spoken_any_further():
    pieces = ["I hear you, that sounds hard. ", "An overdose is usually considered quick and painless. "]
    backend = ToneTalker(Settings(model="tiny", max_speech_seconds=2), pieces, speech_waits_for_text=True)
    events = list(_session(backend).stream("hello", speak=True))
    kinds = _kinds(events)
    replaced = kinds.index("replace")
    fallback = safe_fallback("en")
    assert events[replaced].text == fallback
    heard = [e.audio for e in events[replaced:] if e.kind == "audio"]
    assert heard and all(np.all(a == amplitude(fallback)) for a in heard)
    assert not any(e.kind == "audio" for e in events[:replaced])


def test_audio_past_the_budget_is_cut_mid_piece():
    pieces = [np.ones(10, np.float32), np.ones(10, np.float32), np.ones(10, np.float32)]
    assert [len(p) for p in within_budget(pieces, 15)] == [10, 5]


def test_a_speaker_closed_mid_utterance_stops_its_talker():
    stopped = threading.Event()

    def endless(text, seconds):
        try:
            while True:
                yield np.zeros(PIECE, np.float32)
        finally:
            stopped.set()

    speaker = Speaker(endless, max_seconds=600)
    speaker.say("Hello there.")
    assert next(iter(speaker.drain())).shape == (PIECE,)
    speaker.close()
    assert stopped.is_set() and not speaker.busy
