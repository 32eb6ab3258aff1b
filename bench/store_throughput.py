"""Session store throughput: turns written/s (one durable commit per turn, as a chat does) and
session loads/s (all turns of a random session), for SQLite and PostgreSQL, with and without
encryption, on a store already holding SESSIONS x TURNS turns.

Baseline: unencrypted SQLite, measured in the same run; every other setup is reported as a ratio.

    python bench/store_throughput.py --sessions 10000 --turns 50 [--pg-url postgresql://...]

The PostgreSQL URL must name an empty database per setup; "{setup}" in it is replaced by a name
(create the databases first), e.g. postgresql://postgres@127.0.0.1:5432/bench_{setup}.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from carellm.config import Settings
from carellm.counseling.hooks import GateDecision, TurnRecord
from carellm.store import StoreSettings, open_store

KEY = "11" * 32
TEXT = "I have been feeling stressed about work and I cannot sleep well at night. " * 2


def turn(session_id: str, index: int) -> TurnRecord:
    now = time.time()
    return TurnRecord(session_id, index, "en", TEXT, [], TEXT, TEXT, GateDecision(), GateDecision(),
                      {"primary": "anxiety", "valence": -0.4, "arousal": 0.6}, now, now)  # fmt: skip


def measure(url: str, key: str | None, sessions: int, turns: int, timed_turns: int, loads: int) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix="carellm-bench-"))
    store = open_store(Settings(data_dir=data_dir), StoreSettings(db_url=url, encryption_key=key))
    started = time.perf_counter()
    batch: list[TurnRecord] = []
    for s in range(sessions):
        batch += [turn(f"s{s}", i) for i in range(turns)]
        if len(batch) >= 2000:
            store.record_many(batch)
            batch = []
    if batch:
        store.record_many(batch)
    fill_s = time.perf_counter() - started

    started = time.perf_counter()
    for i in range(timed_turns):  # one commit per turn, each new turn of a growing session
        store.record(turn(f"live{i // turns}", i % turns))
    write_s = time.perf_counter() - started

    rng = random.Random(0)
    started = time.perf_counter()
    for _ in range(loads):
        assert len(store.turns(f"s{rng.randrange(sessions)}")) == turns
    load_s = time.perf_counter() - started
    store.close()
    return {
        "turns_written_per_s": round(timed_turns / write_s, 1),
        "session_loads_per_s": round(loads / load_s, 1),
        "fill_turns_per_s_batched": round(sessions * turns / fill_s, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--turns", type=int, default=50)
    parser.add_argument("--timed-turns", type=int, default=2000)
    parser.add_argument("--loads", type=int, default=500)
    parser.add_argument("--pg-url", default=None)
    args = parser.parse_args()
    setups = {"sqlite": None, "sqlite_encrypted": None}
    if args.pg_url:
        setups |= {
            "postgresql": args.pg_url.format(setup="plain"),
            "postgresql_encrypted": args.pg_url.format(setup="enc"),
        }
    results = {}
    for name in setups:
        url = setups[name] or f"sqlite:///{tempfile.mkdtemp(prefix='carellm-bench-db-')}/sessions.db"
        key = KEY if name.endswith("encrypted") else None
        results[name] = measure(url, key, args.sessions, args.turns, args.timed_turns, args.loads)
    base = results["sqlite"]
    for r in results.values():
        r["writes_vs_baseline"] = round(r["turns_written_per_s"] / base["turns_written_per_s"], 3)
        r["loads_vs_baseline"] = round(r["session_loads_per_s"] / base["session_loads_per_s"], 3)
    print(json.dumps({
        "bench": "store_throughput", "sessions": args.sessions, "turns_per_session": args.turns,
        "timed_turns": args.timed_turns, "loads": args.loads, "baseline": "sqlite (unencrypted)",
        "results": results,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
