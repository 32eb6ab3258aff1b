"""Keep the conversation going when the store fails (disk full, read-only file, server down).

Turns that could not be written are held in memory and written, in order, at the next turn
that succeeds; the user is warned once per outage instead of losing the conversation.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from carellm.config import Settings
from carellm.counseling.hooks import PastTurn, TurnRecord
from carellm.safety.events import RiskEvent
from carellm.store.errors import StoreError

if TYPE_CHECKING:
    from carellm.store.store import Store

log = logging.getLogger(__name__)


class FallbackRecorder:
    """A `SessionArchive` (turns, risk events, past turns) in front of a store that may fail (or be None)."""

    def __init__(self, store: Store | None, warn: Callable[[str], None]) -> None:
        self.store = store
        self.warn = warn
        self.unsaved: list[TurnRecord] = []
        self.unsaved_events: list[RiskEvent] = []
        self._warned = False

    def record(self, turn: TurnRecord) -> None:
        self.unsaved.append(turn)
        if self.store is None:
            self._warn_once("The session store is not available: this conversation is kept in memory only.")
            return
        while self.unsaved:
            try:
                self.store.record(self.unsaved[0])
            except StoreError as exc:
                self._warn_once(f"{exc.message} The conversation goes on in memory; it is not saved.")
                return
            self.unsaved.pop(0)
        if self._warned:
            self.warn("The session store is back: the conversation is saved again.")
            self._warned = False

    def record_risk_event(self, event: RiskEvent) -> None:
        """Never lets a storage failure break the safety layer's turn."""
        try:
            if self.store is None:
                raise StoreError("The session store is not available.")
            self.store.record_risk_event(event)
        except StoreError as exc:
            self.unsaved_events.append(event)
            self._warn_once(f"{exc.message} The conversation goes on in memory; it is not saved.")

    def past_turns(self, session_id: str) -> list[PastTurn]:
        """The stored turns, or none (a new conversation) when there is no store."""
        return [] if self.store is None else self.store.past_turns(session_id)

    def _warn_once(self, message: str) -> None:
        log.warning("session store unavailable; %d turn(s) held in memory", len(self.unsaved))
        if not self._warned:
            self.warn(message)
            self._warned = True


def open_recorder(settings: Settings, warn: Callable[[str], None]) -> FallbackRecorder:
    """A recorder over the configured store; if the database cannot be opened, in memory with a warning."""
    from carellm.store import open_store

    try:
        store = open_store(settings)
    except StoreError as exc:
        warn(f"{exc.message} Conversations are kept in memory only.")
        store = None
    return FallbackRecorder(store, warn)
