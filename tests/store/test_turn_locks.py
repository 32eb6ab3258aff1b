"""A session's turn lock across processes (store/locks.py), on SQLite and PostgreSQL: another
process holding it keeps this one waiting, other sessions do not wait, and a holder that is
killed frees it."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import threading

from carellm.store.engine import make_engine
from carellm.store.locks import TurnLocks

HOLDER = textwrap.dedent(
    """
    import sys, time
    from carellm.store.engine import make_engine
    from carellm.store.locks import TurnLocks

    locks = TurnLocks(make_engine(sys.argv[1]))
    with locks.hold(sys.argv[2]):
        print("held", flush=True)
        time.sleep(600)
    """
)


def test_a_killed_holder_frees_the_session_it_kept_another_process_from(db_url):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, db_url, "key-session"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        locks = TurnLocks(make_engine(db_url))
        with locks.hold("key-other-session"):
            pass  # another session's lock is free
        acquired = threading.Event()

        def take() -> None:
            with locks.hold("key-session"):
                acquired.set()

        waiter = threading.Thread(target=take, daemon=True)
        waiter.start()
        assert not acquired.wait(0.5)  # the other process holds it
        holder.send_signal(signal.SIGKILL)
        assert acquired.wait(30)  # its death released it
        waiter.join(5)
        locks.engine.dispose()
    finally:
        holder.kill()
        holder.wait(10)


def test_threads_of_one_process_take_a_session_in_turn(db_url):
    locks = TurnLocks(make_engine(db_url))
    inside, overlaps = [0], []
    guard = threading.Lock()

    def turn() -> None:
        with locks.hold("key-threads"):
            with guard:
                inside[0] += 1
                overlaps.append(inside[0])
            threading.Event().wait(0.02)
            with guard:
                inside[0] -= 1

    threads = [threading.Thread(target=turn) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert overlaps == [1, 1, 1, 1]
    locks.engine.dispose()


def test_many_sessions_hold_their_locks_and_still_write(open_db, make_turn):
    """More turns at once than the store's connection pool holds (15): each holds its lock while it
    reads and writes, so lock connections must not come out of that pool."""
    store = open_db()
    turns = 20
    everyone_holds = threading.Barrier(turns, timeout=30)
    failures: list[BaseException] = []

    def turn(i: int) -> None:
        try:
            with store.turn_lock(f"many-{i}"):
                everyone_holds.wait()
                store.record(make_turn(f"many-{i}", store.turn_count(f"many-{i}")))
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=turn, args=(i,)) for i in range(turns)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == [] and all(store.turn_count(f"many-{i}") == 1 for i in range(turns))
