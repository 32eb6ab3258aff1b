"""Seams where the safety layer, emotion analysis and the session store plug into a turn.

The session calls these in a fixed order for every turn:
  1. `SafetyGate.check_user_turn` on the user's text, with a transcript of their speech when the
     turn holds any (before the model runs);
  2. the backend generates (unless step 1 replaced the reply);
  3. `SafetyGate.check_reply` on the model's text (before anything is spoken: a spoken reply's
     first sentence is checked on its own and spoken while the rest is written);
  4. `EmotionObserver.observe` on the user's turn;
  5. `TurnRecorder.record` with everything above.
Each protocol is implemented in its own package (safety/, emotion/, store/).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np


@dataclass
class GateDecision:
    """What the safety layer wants done with a turn.

    replace_with: the reply to give instead of the model's (crisis response, safe fallback).
    append: text added after the model's reply (a gentle check-in with resources).
    level/categories/reason: why, for the record and the UI (crisis panel).
    """

    replace_with: str | None = None
    append: str | None = None
    level: str = "none"
    categories: list[str] = field(default_factory=list)
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def flagged(self) -> bool:
        return self.level in {"medium", "high", "imminent"}


class SafetyGate(Protocol):
    def check_user_turn(
        self, text: str, lang: str, history: Sequence[str], session_id: str | None = None
    ) -> GateDecision: ...

    def check_reply(
        self, reply: str, lang: str, session_id: str | None = None, final: bool = True
    ) -> GateDecision:
        """`final=False`: the opening of a reply still being written, checked before it is spoken;
        nothing is recorded (the whole reply's check records)."""
        ...


class EmotionObserver(Protocol):
    def observe(self, text: str, lang: str, audio: np.ndarray | None) -> Any: ...


@dataclass
class TurnRecord:
    session_id: str
    turn_index: int
    lang: str
    user_text: str
    media: list[str]
    reply_text: str
    model_text: str
    user_gate: GateDecision
    reply_gate: GateDecision
    emotion: Any
    started_at: float
    finished_at: float
    audio_seconds: float = 0.0
    # What the user said aloud, as the safety layer read it. speech_read: None when the turn held
    # no speech; False when it did but was not read (transcription off, failed or empty).
    speech_transcript: str | None = None
    speech_read: bool | None = None


class TurnRecorder(Protocol):
    def record(self, turn: TurnRecord) -> None: ...
