"""Backends with one scripted part and the real tiny model for the rest.

A random tiny model cannot be made to write given sentences, and when a reply's sentences
end decides what is spoken early, so `ScriptedText` fixes the text and keeps everything else
real. Nor can it transcribe speech, so `ScriptedHearing` fixes what it hears (or that it
cannot hear) and keeps the replies real.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from carellm.backends.base import Chunk


class ScriptedText:
    name = "scripted"
    speaks_separately = True
    concurrency = 1

    def __init__(self, speech_backend, pieces: Sequence[str]) -> None:
        self.inner = speech_backend
        self.pieces = list(pieces)
        self.log: list[tuple[str, str]] = []  # ("text", piece) / ("speak", text), in order

    def stream(self, messages, options) -> Iterator[Chunk]:
        for piece in self.pieces:
            self.log.append(("text", piece))
            yield Chunk("text", text=piece)

    def speak_stream(self, messages, reply: str, voice: str):
        self.log.append(("speak", reply))
        yield from self.inner.speak_stream(messages, reply, voice)

    def count_tokens(self, messages) -> int:
        return self.inner.count_tokens(messages)

    def transcribe(self, speech, lang, max_new_tokens):
        return self.inner.transcribe(speech, lang, max_new_tokens)

    @property
    def can_speak(self) -> bool:
        return self.inner.can_speak


class ScriptedHearing:
    """The tiny model, except that its transcript of any speech is `heard` (None: cannot transcribe).

    `heard` may be an exception to raise instead, as an engine that fails mid-request does.
    `heard_calls` lists the speech each transcription was asked for, as (kind, name) pairs.
    """

    name = "scripted-hearing"
    speaks_separately = True
    concurrency = 1

    def __init__(self, inner, heard: str | Exception | None) -> None:
        self.inner = inner
        self.heard = heard
        self.heard_calls: list[list[tuple[str, str]]] = []
        self.streams = 0

    def transcribe(self, speech, lang, max_new_tokens):
        self.heard_calls.append([(item.kind, item.name) for item in speech])
        if isinstance(self.heard, Exception):
            raise self.heard
        return self.heard

    def stream(self, messages, options) -> Iterator[Chunk]:
        self.streams += 1
        yield from self.inner.stream(messages, options)

    def speak_stream(self, messages, reply: str, voice: str):
        yield from self.inner.speak_stream(messages, reply, voice)

    def count_tokens(self, messages) -> int:
        return self.inner.count_tokens(messages)

    @property
    def can_speak(self) -> bool:
        return self.inner.can_speak
