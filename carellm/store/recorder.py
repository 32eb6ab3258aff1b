"""Keep the conversation going when the store fails (disk full, read-only file, server down).

Turns that could not be written are held in memory and written, in order, at the next turn
that succeeds; the user is warned once per outage instead of losing the conversation.

A turn the database refuses for itself (a constraint it breaks, a value it cannot hold) would be
refused at every try: it is reported and set aside in `rejected`, held in memory like the
others, and never blocks the turns behind it, of its session or any other.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import suppress
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
        self.rejected: list[TurnRecord] = []
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
                if exc.rejected:
                    self._set_aside(self.unsaved.pop(0), exc)
                    continue
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

    def turn_count(self, session_id: str) -> int:
        """The index the session's next turn takes: past its stored turns and those held here."""
        held = [turn.turn_index + 1 for turn in self.unsaved + self.rejected if turn.session_id == session_id]
        stored = 0
        if self.store is not None:
            with suppress(StoreError):  # an outage: the turns held here are all this process knows of
                stored = self.store.turn_count(session_id)
        return max([stored, *held])

    def _set_aside(self, turn: TurnRecord, exc: StoreError) -> None:
        self.rejected.append(turn)
        # Ids and the reason only: a log never holds what was said.
        log.error(
            "session store refused turn %d of session %s (%s); it is held in memory, set aside",
            turn.turn_index,
            turn.session_id,
            exc.message,
        )
        self.warn(f"{exc.message} This turn is kept in memory only; later turns are saved.")

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
