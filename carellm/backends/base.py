"""The contract between the counseling session and any model engine.

A backend streams text chunks for a list of messages. Speech is produced by `speak_stream`,
for text the safety layer has already approved, so no unchecked text is ever spoken. Engines
that can only return audio together with text (remote APIs) yield `audio` chunks from
`stream` instead and set `speaks_separately = False`. `transcribe` turns the user's speech into
text for the safety layer, which reads text only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

import numpy as np

from carellm.config import Voice
from carellm.media import OUTPUT_SAMPLE_RATE, MediaItem

Role = Literal["system", "user", "assistant"]


@dataclass
class Message:
    role: Role
    text: str = ""
    media: list[MediaItem] = field(default_factory=list)


@dataclass
class GenerationOptions:
    max_new_tokens: int = 512
    temperature: float = 0.7
    top_p: float = 0.9
    seed: int | None = None
    audio: bool = False
    voice: Voice = "Chelsie"


# A request header asking a `carellm serve` to give a new session's disclaimer in the response's
# `carellm` field only, not in the reply's text (the remote backend sends it: its own session shows
# the disclaimer). Any other server ignores it.
DISCLAIMER_HEADER = "X-CareLLM-Disclaimer"

ChunkKind = Literal["text", "audio", "end"]
# Why generation ended, as OpenAI names it: "stop" (the model finished by itself), "length"
# (max_new_tokens cut the reply off).
FinishReason = Literal["stop", "length"]


@dataclass
class Chunk:
    """One piece of what an engine generates: new `text` to append, an `audio` waveform piece at
    `sample_rate`, or, last, an `end` chunk with the `finish_reason` when the engine knows it (a
    stream without one ended by itself). (A session's own events, with the safety layer's
    replace and the final reply, are `carellm.counseling.events`.)"""

    kind: ChunkKind
    text: str = ""
    audio: np.ndarray | None = None
    sample_rate: int = OUTPUT_SAMPLE_RATE
    finish_reason: FinishReason | None = None


@runtime_checkable
class Backend(Protocol):
    name: str
    speaks_separately: bool

    def stream(self, messages: Sequence[Message], options: GenerationOptions) -> Iterator[Chunk]:
        """Yield `text` chunks (and `audio` chunks if the engine cannot speak separately), then an
        `end` chunk saying "length" when `options.max_new_tokens` cut the reply off."""
        ...

    def speak_stream(
        self, messages: Sequence[Message], reply: str, voice: str, max_seconds: float | None = None
    ) -> Iterator[np.ndarray]:
        """`reply` spoken as the assistant's answer to `messages`: 24 kHz waveform pieces, in
        order, each as soon as it is made (nothing for an engine that cannot speak a given text).
        At most `max_seconds` of it (None: the engine's own cap); the session passes what is left
        of the reply's budget, so the cap bounds a whole reply however many pieces it is said in."""
        ...

    def count_tokens(self, messages: Sequence[Message]) -> int:
        """Prompt length in tokens, media included (estimates are fine)."""
        ...

    def transcribe(self, speech: Sequence[MediaItem], lang: str | None, max_new_tokens: int) -> str | None:
        """What is said in `speech` (audio items), verbatim, so the crisis layer can read a spoken
        turn before the model answers it; None when this engine cannot transcribe. Engines run the
        request in `carellm.backends.transcription` (one greedy, text-only pass)."""
        ...

    @property
    def can_speak(self) -> bool: ...

    @property
    def concurrency(self) -> int:
        """Generations worth running at once (the server's active limit)."""
        ...

    def warm_up(self) -> None:
        """Make ready now what the first requests would otherwise wait for (the fast path's decode
        steps, compiled or loaded from the compile cache, and captured). A server calls it once
        before it accepts requests; an engine with nothing to prepare does nothing."""
        ...

    @property
    def accelerated(self) -> bool:
        """True where one more short generation costs little: the engine runs on a GPU or on a
        remote server (the reply guard's self-check is on there by default, off on a CPU)."""
        ...
