"""One session's turns, one at a time, across every process that shares the database.

API replicas that continue each other's sessions (`carellm serve --shared-sessions`) hold this
lock for a whole turn: load the stored history, generate, store the turn, release. Another
replica's turn of the same session waits; other sessions never wait.

PostgreSQL: a transaction-level advisory lock (`pg_advisory_xact_lock`) on a 64-bit hash of the
session id, held by a connection of its own. It ends with the transaction, so a replica that is
killed mid-turn frees it when the server sees its connection close; rows are never locked, so
risk events and other sessions' turns are written meanwhile. Lock connections come from a pool
of their own that grows as needed: taken from the store's pool (15 at most), 15 turns holding
locks would leave none for the reads and writes they are waiting to make.

SQLite (one host): a POSIX byte-range lock at the same hash in a `<db>.turn-locks` file beside
the database. The kernel drops it when the process dies. POSIX locks belong to a process, not a
thread, so threads of one process are kept apart by a striped in-process lock first. A SQLite
write transaction (BEGIN IMMEDIATE) would serialise too, but it would block every other write,
the safety layer's risk events included, for the length of a generation.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

STRIPES = 1024  # in-process locks for SQLite; two sessions share one with probability 1/1024
LOCK_POOL = 8  # PostgreSQL lock connections kept open; more are opened (and closed after) as needed


def lock_key(session_id: str) -> int:
    """A signed 64-bit key (PostgreSQL's bigint) every process derives alike from the id."""
    return int.from_bytes(hashlib.sha256(session_id.encode("utf-8")).digest()[:8], "big", signed=True)


class TurnLocks:
    """`hold(session_id)`: the session's cross-process turn lock, for the `with` block."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._postgres = engine.dialect.name == "postgresql"
        self._lock_engine: Engine | None = None
        if self._postgres:
            self._lock_engine = create_engine(
                engine.url, hide_parameters=True, pool_pre_ping=True, pool_size=LOCK_POOL, max_overflow=-1
            )
        self._file: int | None = None
        self._stripes = [threading.Lock() for _ in range(STRIPES)]
        self._open_lock = threading.Lock()

    @contextmanager
    def hold(self, session_id: str) -> Iterator[None]:
        key = lock_key(session_id)
        if self._lock_engine is not None:
            with self._lock_engine.connect() as conn, conn.begin():
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
                yield
            return
        offset = key & 0x3FFF_FFFF_FFFF_FFFF  # a non-negative byte offset
        fd = self._lock_file()
        with self._stripes[offset % STRIPES]:
            fcntl.lockf(fd, fcntl.LOCK_EX, 1, offset)
            try:
                yield
            finally:
                fcntl.lockf(fd, fcntl.LOCK_UN, 1, offset)

    def close(self) -> None:
        if self._lock_engine is not None:
            self._lock_engine.dispose()

    def _lock_file(self) -> int:
        """One descriptor for the process's life: closing any descriptor of the file would drop
        every POSIX lock the process holds on it."""
        with self._open_lock:
            if self._file is None:
                self._file = os.open(_lock_path(self.engine), os.O_RDWR | os.O_CREAT, 0o600)
            return self._file


def _lock_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        # One process only (an in-memory database is not shared): a private file will do.
        import tempfile

        return Path(tempfile.gettempdir()) / f"carellm-{os.getpid()}.turn-locks"
    return Path(database).expanduser().absolute().with_name(Path(database).name + ".turn-locks")
