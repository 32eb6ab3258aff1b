"""What `carellm serve --shared-sessions` adds to a turn's store work, per turn (ms, median).

  memory_turn_ms   the baseline, measured in the same run: one durable commit of the turn, all a
                   server with sessions in memory does with the store per turn
  shared_hit_ms    the same turn with the session's cross-replica lock held around it and the
                   stored turn count checked (this replica's copy is up to date)
  shared_miss_ms   the same, plus rebuilding the session's history from the store (`past_turns`
                   of a session with --history turns: a replica that has not seen it, or another
                   replica took the last turn)

Per database: SQLite (a file in a temporary directory), and PostgreSQL when --pg-url names an
empty database. Prints ONE JSON line.

    python bench/shared_sessions.py [--turns 200] [--history 20] [--pg-url postgresql://...]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from carellm.config import Settings
from carellm.counseling.hooks import GateDecision, TurnRecord
from carellm.store import Store, StoreSettings, open_store

TEXT = "I have been feeling stressed about work and I cannot sleep well at night. " * 2


def turn(session_id: str, index: int) -> TurnRecord:
    now = time.time()
    return TurnRecord(session_id, index, "en", TEXT, [], TEXT, TEXT, GateDecision(), GateDecision(),
                      None, now, now)  # fmt: skip


def median_ms(run, prepare, runs: int) -> float:
    """Median time of `run(session_id)` on a new session that `prepare(session_id)` filled first."""
    times = []
    for i in range(runs):
        session_id = f"{run.__name__}-{i}"
        prepare(session_id)
        started = time.perf_counter()
        run(session_id)
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 3)


def measure(store: Store, turns: int, history: int) -> dict:
    def stored(session_id: str) -> None:
        store.record_many([turn(session_id, i) for i in range(history)])

    def memory(session_id: str) -> None:
        store.record(turn(session_id, history))

    def shared_hit(session_id: str) -> None:
        with store.turn_lock(session_id):
            store.record(turn(session_id, store.turn_count(session_id)))

    def shared_miss(session_id: str) -> None:
        with store.turn_lock(session_id):
            count = store.turn_count(session_id)
            store.past_turns(session_id)
            store.record(turn(session_id, count))

    return {
        "memory_turn_ms": median_ms(memory, stored, turns),
        "shared_hit_ms": median_ms(shared_hit, stored, turns),
        "shared_miss_ms": median_ms(shared_miss, stored, turns),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--history", type=int, default=20)
    parser.add_argument("--pg-url", default=None)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="carellm-bench-"))
    urls = {"sqlite": f"sqlite:///{data_dir / 'sessions.db'}"}
    if args.pg_url:
        urls["postgresql"] = args.pg_url
    result: dict = {"bench": "shared_sessions", "turns": args.turns, "history": args.history}
    for name, url in urls.items():
        store = open_store(Settings(data_dir=data_dir / name), StoreSettings(db_url=url))
        try:
            result[name] = measure(store, args.turns, args.history)
        finally:
            store.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
