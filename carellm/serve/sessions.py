"""Server-side sessions (`carellm.session_id`): a Session per (caller, id), kept in memory.

Bounded (LRU) and forgetful (idle TTL). Keyed by the caller's identity as well as the id,
so one API key can never reach another key's conversation. Each entry has a lock: turns of
one session run one at a time, turns of different sessions in any order.
The session store (carellm.store) plugs in through the `recorder` the server gives each session.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from carellm.counseling.session import Session


@dataclass
class Entry:
    session: Session
    lock: threading.Lock = field(default_factory=threading.Lock)
    used: float = field(default_factory=time.monotonic)


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
