"""A backend whose *text* is scripted and whose *speech* is the real tiny model's.

A random tiny model cannot be made to write given sentences, and when a reply's sentences
end decides what is spoken early, so these tests fix the text and keep everything else real.
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

    @property
    def can_speak(self) -> bool:
        return self.inner.can_speak
