"""Server-side sessions (`carellm.session_id`): a Session per (caller, id), kept in memory.

Bounded (LRU) and forgetful (idle TTL). Keyed by the caller's identity as well as the id,
so one API key can never reach another key's conversation. Each entry has a lock: turns of
one session run one at a time, turns of different sessions in any order.
The session store (carellm.store) plugs in through the `recorder` the server gives each session.

With `--shared-sessions` the memory is only a cache of the store, which API replicas share:
`shared_turn` holds the session's lock across replicas for the whole turn, and rebuilds the
session from the store when this copy is missing turns (a miss, or another replica took turns).
The turn is written through before its reply is acknowledged. A replica alone pays one lock
and one count query per turn.

A reset (`carellm.reset`) keeps the session id and its stored turns: the conversation starts
afresh (no history, the disclaimer again) and its turns are numbered on after the stored ones;
the store marks the first of them `fresh`, so a rebuild reads the history from there.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from carellm.counseling.hooks import SessionArchive
from carellm.counseling.session import Session


@dataclass
class Entry:
    session: Session
    lock: threading.Lock = field(default_factory=threading.Lock)
    used: float = field(default_factory=time.monotonic)


class SharedArchive(SessionArchive, Protocol):
    """A session store several servers share (carellm.store.Store)."""

    def turn_count(self, session_id: str) -> int: ...

    def turn_lock(self, session_id: str) -> AbstractContextManager[None]: ...


# A session started afresh (`carellm.reset`) whose turns are stored from the given index on.
Afresh = Callable[[int], Session]


@contextmanager
def shared_turn(
    entry: Entry,
    archive: SharedArchive,
    session_id: str,
    rebuild: Callable[[], Session],
    afresh: Afresh | None = None,
) -> Iterator[None]:
    """Hold the session for one turn on every replica; bring the copy in memory up to date first,
    or start it afresh past every stored turn (a reset: the store marks where, for every replica)."""
    with entry.lock, archive.turn_lock(session_id):
        stored = archive.turn_count(session_id)
        if afresh is not None:
            entry.session = afresh(stored)
        elif stored != entry.session.next_index:
            entry.session = rebuild()
        yield


@contextmanager
def fresh_turn(entry: Entry, afresh: Afresh, stored: Callable[[], int]) -> Iterator[None]:
    """A reset on one server: under the session's lock (after any turn of it in flight), a new
    session whose turns continue the stored numbering, so they never clash with the earlier ones."""
    with entry.lock:
        entry.session = afresh(max(entry.session.next_index, stored()))
        yield


class SessionStore:
    def __init__(self, max_sessions: int, ttl_s: float) -> None:
        self.max_sessions = max_sessions
        self.ttl_s = ttl_s
        self._entries: OrderedDict[tuple[str, str], Entry] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get_or_create(
        self, caller: str, session_id: str, create: Callable[[], Session], reset: bool
    ) -> Entry:
        now = time.monotonic()
        with self._lock:
            self._expire(now)
            key = (caller, session_id)
            entry = self._entries.get(key)
            if entry is None or reset:
                entry = Entry(create())
                self._entries[key] = entry
            self._entries.move_to_end(key)
            entry.used = now
            while len(self._entries) > self.max_sessions:
                self._entries.popitem(last=False)
            return entry

    def _expire(self, now: float) -> None:
        stale = [k for k, e in self._entries.items() if now - e.used > self.ttl_s and not e.lock.locked()]
        for key in stale:
            del self._entries[key]
