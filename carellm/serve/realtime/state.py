"""What a realtime connection keeps between events: the person's pending turn, the reply in
progress and how much of its audio can have been played (for barge-in and truncation), and the
refusals it answers bad events with."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from carellm.errors import InputError
from carellm.serve.realtime.audio import output_ms
from carellm.serve.turns import TurnThread


@dataclass
class UserTurn:
    """What the person said or typed since the last response."""

    item_id: str
    text: str = ""
    audio: np.ndarray | None = None  # 16 kHz


@dataclass
class Playback:
    """A reply's audio as sent: what the client can have played at a moment (real time from the
    first piece, at most what was sent)."""

    item_id: str
    sent: int = 0  # 24 kHz samples sent
    started: float | None = None  # monotonic time of the first piece

    def played_ms(self) -> int:
        if self.started is None:
            return 0
        return min(output_ms(self.sent), int((time.monotonic() - self.started) * 1000))

    def playing(self) -> bool:
        return self.started is not None and self.played_ms() < output_ms(self.sent)


@dataclass
class ActiveResponse:
    id: str
    playback: Playback
    audio: bool
    text: str = ""
    runner: TurnThread | None = None
    task: asyncio.Task | None = None
    output: list[dict[str, Any]] = field(default_factory=list)


class Refusal(InputError):
    """A client event the session cannot act on; `code` is the error event's code."""

    def __init__(self, message: str, hint: str, code: str) -> None:
        super().__init__(message, hint)
        self.code = code


def format_error(kind: str, output: bool = False) -> InputError:
    side = "output" if output else "input"
    allowed = "audio/pcm at 24000 Hz" if output else "audio/pcm (PCM16) at 8000 to 48000 Hz"
    return Refusal(
        f"The {side} audio format {kind} is not supported here.",
        f"Use {allowed} (G.711 pcmu/pcma is not supported).",
        "unsupported_audio_format",
    )
