"""What a turn gives back: its options in, its events out (the session's own types).

A turn streams `TextEvent`s, maybe a `ReplaceEvent` (the safety layer withdrew the text shown so
far), `AudioEvent`s (speech of approved text only, made on its own thread so the text never waits
for it; a `SpeakingEvent` says when all the text is out and speech is still being made), and ends
with one `DoneEvent` holding the `Reply`. Each event has a `kind` tag, so
`if event.kind == "text"` narrows it for a type checker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from carellm.backends.base import FinishReason
from carellm.config import Voice
from carellm.counseling.hooks import GateDecision, TurnEmotion
from carellm.language import Lang
from carellm.media import OUTPUT_SAMPLE_RATE


@dataclass(frozen=True)
class TurnOptions:
    """How one turn is generated and spoken. None: the session's setting (from `Settings`).

    Interfaces pass these per call (a request's temperature, a tab's voice) instead of changing
    the session, so one session serves requests with different options safely.
    """

    speak: bool | None = None
    # Speak the reply's first sentence once the guard approves it alone, while the rest is written
    # (None: settings.stream_speech). False: nothing is said until the whole reply is approved.
    speak_early: bool | None = None
    voice: Voice | None = None
    max_new_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    seed: int | None = None


@dataclass
class Reply:
    """What the user gets back for one turn."""

    text: str
    audio: np.ndarray | None
    lang: Lang
    turn_index: int
    model_text: str = ""
    user_gate: GateDecision = field(default_factory=GateDecision)
    reply_gate: GateDecision = field(default_factory=GateDecision)
    emotion: TurnEmotion | None = None
    disclaimer: str | None = None  # set on a session's first reply
    sample_rate: int = OUTPUT_SAMPLE_RATE
    # The user's speech as the safety layer read it; speech_read is None when the turn held no
    # speech, False when it did and could not be read (the crisis layer saw the typed text only).
    speech_transcript: str | None = None
    speech_read: bool | None = None
    # "length": max_new_tokens cut the model's reply off, and that reply is what the user got
    # (not replaced by the safety layer); otherwise "stop".
    finish_reason: FinishReason = "stop"

    @property
    def crisis(self) -> bool:
        """True when the safety layer replaced the reply because of risk in the user's message."""
        return self.user_gate.replace_with is not None


@dataclass(frozen=True)
class TextEvent:
    """New reply text to append."""

    text: str
    kind: Literal["text"] = "text"


@dataclass(frozen=True)
class ReplaceEvent:
    """The text shown so far is withdrawn; `text` is the whole reply now (the safety layer did this)."""

    text: str
    kind: Literal["replace"] = "replace"


@dataclass(frozen=True)
class AudioEvent:
    """A piece of the spoken reply, in order, at `sample_rate`."""

    audio: np.ndarray
    sample_rate: int = OUTPUT_SAMPLE_RATE
    kind: Literal["audio"] = "audio"


@dataclass(frozen=True)
class SpeakingEvent:
    """All the reply's text is out and its speech is still being made: `audio` events follow
    (an interface shows that it is busy). At most once a turn, only when there is speech to wait for."""

    kind: Literal["speaking"] = "speaking"


@dataclass(frozen=True)
class DoneEvent:
    """The turn is over and committed to the session."""

    reply: Reply
    kind: Literal["done"] = "done"


TurnEvent = TextEvent | ReplaceEvent | AudioEvent | SpeakingEvent | DoneEvent
