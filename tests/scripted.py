"""Backends with one scripted part and the real tiny model for the rest.

A random tiny model cannot be made to write given sentences, and when a reply's sentences
end decides what is spoken early, so `ScriptedText` fixes the text and keeps everything else
real. Nor can it transcribe speech, so `ScriptedHearing` fixes what it hears (or that it
cannot hear) and keeps the replies real; nor judge a reply, so `ScriptedJudge` fixes what the
reply guard's self-check answers and passes every other request on. Each is a `Passthrough`,
which hands whatever it does not script to the real backend.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence

from carellm.backends.base import Chunk


class Passthrough:
    """The real backend `inner` for every request; each scripted backend below replaces one part.

    Backend protocol members that are not scripted are `inner`'s own, so what a test leaves
    unscripted runs on the real tiny model.
    """

    def __init__(self, inner) -> None:
        self.inner = inner

    def stream(self, messages, options) -> Iterator[Chunk]:
        yield from self.inner.stream(messages, options)

    def speak_stream(self, messages, reply: str, voice: str, max_seconds=None):
        yield from self.inner.speak_stream(messages, reply, voice, max_seconds)

    def count_tokens(self, messages) -> int:
        return self.inner.count_tokens(messages)

    def transcribe(self, speech, lang, max_new_tokens):
        return self.inner.transcribe(speech, lang, max_new_tokens)

    @property
    def can_speak(self) -> bool:
        return self.inner.can_speak

    @property
    def accelerated(self) -> bool:
        return self.inner.accelerated

    def warm_up(self) -> None:
        self.inner.warm_up()


class ScriptedText(Passthrough):
    """Fixed text, spoken by the real tiny model.

    `paced`: each piece after the first is written only once speech has made its first audio
    (at most 10 s later), as a model on a GPU that writes slower than the talker speaks. Scripted
    text is otherwise instant, and the session never holds text back for speech, so without it
    all the text would always come before any audio.
    """

    name = "scripted"
    speaks_separately = True
    concurrency = 1

    def __init__(self, speech_backend, pieces: Sequence[str], paced: bool = False) -> None:
        super().__init__(speech_backend)
        self.pieces = list(pieces)
        self.paced = paced
        self.voiced = threading.Event()  # speech has made audio
        self.log: list[tuple[str, str]] = []  # ("text", piece) / ("speak", text), in order

    def stream(self, messages, options) -> Iterator[Chunk]:
        self.voiced.clear()
        for n, piece in enumerate(self.pieces):
            if self.paced and n:
                self.voiced.wait(timeout=10)
            self.log.append(("text", piece))
            yield Chunk("text", text=piece)

    def speak_stream(self, messages, reply: str, voice: str, max_seconds=None):
        self.log.append(("speak", reply))
        for piece in self.inner.speak_stream(messages, reply, voice, max_seconds):
            self.voiced.set()
            yield piece


class ScriptedHearing(Passthrough):
    """The tiny model, except that its transcript of any speech is `heard` (None: cannot transcribe).

    `heard` may be an exception to raise instead, as an engine that fails mid-request does.
    `heard_calls` lists the speech each transcription was asked for, as (kind, name) pairs.
    """

    name = "scripted-hearing"
    speaks_separately = True
    concurrency = 1

    def __init__(self, inner, heard: str | Exception | None) -> None:
        super().__init__(inner)
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


class ScriptedJudge(Passthrough):
    """`inner` for every request except the reply guard's self-check, which it answers with
    `verdict` (or `verdict(prompt)`, the rubric's text; an exception is raised as an engine failing
    mid-request would), in small pieces as an engine streams them.

    `asked` lists the rubric prompts and `options` the GenerationOptions each self-check came with.
    A random tiny model cannot be made to judge, so only its judging is scripted.
    """

    name = "scripted-judge"
    speaks_separately = True
    concurrency = 1

    def __init__(self, inner, verdict: str | Exception | Callable[[str], str]) -> None:
        super().__init__(inner)
        self.verdict = verdict
        self.asked: list[str] = []
        self.options: list = []

    def stream(self, messages, options) -> Iterator[Chunk]:
        from carellm.safety.self_check import SYSTEM

        if not (messages and messages[0].role == "system" and messages[0].text in SYSTEM.values()):
            yield from self.inner.stream(messages, options)
            return
        prompt = messages[-1].text
        self.asked.append(prompt)
        self.options.append(options)
        if isinstance(self.verdict, Exception):
            raise self.verdict
        answer = self.verdict if isinstance(self.verdict, str) else self.verdict(prompt)
        for start in range(0, len(answer), 3):
            yield Chunk("text", text=answer[start : start + 3])

    @property
    def accelerated(self) -> bool:
        return True  # as an engine on a GPU: the self-check is on by default
