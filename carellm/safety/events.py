"""Where risk events go: a small interface the session store implements; in memory until then."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class RiskEvent:
    level: str
    categories: list[str]
    source: str  # "user" or "reply"
    lang: str
    at: float = field(default_factory=time.time)
    text: str | None = None  # only when the user enabled storing message text
    reasons: list[str] = field(default_factory=list)
    session_id: str | None = None  # so deleting a session deletes its events too


class SafetyEventSink(Protocol):
    def record_risk_event(self, event: RiskEvent) -> None: ...


class InMemoryEventSink:
    """Keeps events for the life of the process (tests, the CLI before a store is configured)."""

    def __init__(self) -> None:
        self.events: list[RiskEvent] = []

    def record_risk_event(self, event: RiskEvent) -> None:
        self.events.append(event)
