"""Seams where the safety layer, emotion analysis and the session store plug into a turn.

The session calls these in a fixed order for every turn:
  1. `SafetyGate.check_user_turn` on the user's text, with a transcript of their speech when the
     turn holds any (before the model runs);
  2. the backend generates (unless step 1 replaced the reply);
  3. `SafetyGate.check_reply` on the model's text (before anything is spoken: a spoken reply's
     first sentence is checked on its own and spoken while the rest is written);
  4. `EmotionObserver.observe` on the user's turn;
  5. `TurnRecorder.record` with everything above.
Each protocol is implemented in its own package (safety/, emotion/, store/), which imports this
module (the contracts) and nothing else of `counseling` (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, get_args

import numpy as np

from carellm.media import MediaKind

if TYPE_CHECKING:
    from carellm.safety.events import RiskEvent

# The crisis layer's levels, lowest first; "flagged" ones get resources and count in reports.
RiskLevel = Literal["none", "low", "medium", "high", "imminent"]
RISK_LEVELS: tuple[RiskLevel, ...] = get_args(RiskLevel)
FLAGGED_LEVELS: frozenset[str] = frozenset(RISK_LEVELS[RISK_LEVELS.index("medium") :])


def is_flagged(level: str) -> bool:
    """True for the levels the safety layer acts on (medium and above)."""
    return level in FLAGGED_LEVELS


@dataclass
class GateDecision:
    """What the safety layer wants done with a turn.

    replace_with: the reply to give instead of the model's (crisis response, safe fallback).
    append: text added after the model's reply (a gentle check-in with resources).
    level/categories/reason: why, for the record and the UI (crisis panel).
    hold_speech: a reply's opening may be shown but not yet spoken: a check that reads only whole
    replies (the guard's model self-check) has still to pass it.
    """

    replace_with: str | None = None
    append: str | None = None
    hold_speech: bool = False
    level: str = "none"
    categories: list[str] = field(default_factory=list)
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def flagged(self) -> bool:
        return is_flagged(self.level)


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


class TurnEmotion(Protocol):
    """One turn's emotion as an observer reports it (emotion/tracker.py's TurnEmotion)."""

    def to_dict(self) -> dict[str, Any]: ...


class EmotionObserver(Protocol):
    def observe(
        self, text: str, lang: str, audio: np.ndarray | None, safety_level: str = "none"
    ) -> TurnEmotion | None:
        """This turn's emotion; `safety_level` is the crisis layer's level for the same turn."""
        ...


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
    emotion: TurnEmotion | None
    started_at: float
    finished_at: float
    audio_seconds: float = 0.0
    # What the user said aloud, as the safety layer read it. speech_read: None when the turn held
    # no speech; False when it did but was not read (transcription off, failed or empty).
    speech_transcript: str | None = None
    speech_read: bool | None = None
    # The conversation started afresh at this turn (the session's first, or its first after a
    # reset): a store rebuilds a session's history from its last fresh turn on.
    fresh: bool = False
    # Another reply to the turn already recorded at this index (`Session.regenerate`): the store
    # keeps the reply it replaces with the turn, for preference pairs.
    replaces: bool = False


class TurnRecorder(Protocol):
    def record(self, turn: TurnRecord) -> None: ...


@dataclass
class PastMedia:
    """A stored attachment: `source` is a path to the copy, or its bytes when it was sealed."""

    kind: MediaKind
    source: Path | bytes
    name: str


@dataclass
class PastTurn:
    """A completed turn as a store hands it back; the counselor rebuilds a session from these."""

    user_text: str
    reply_text: str
    risk: str
    speech_transcript: str = ""
    media: list[PastMedia] = field(default_factory=list)
    turn_index: int | None = None  # its stored index (None: the archive does not number turns)


class SessionArchive(TurnRecorder, Protocol):
    """A recorder that keeps sessions (the store): it also takes risk events and gives turns back."""

    def record_risk_event(self, event: RiskEvent) -> None: ...

    def past_turns(self, session_id: str) -> list[PastTurn]:
        """The stored turns of `session_id`, in order (empty for a session never stored)."""
        ...
