"""Turns the database refuses for themselves, and session ids as long as the server makes them,
on SQLite and on PostgreSQL (each test runs on both, store/conftest.py)."""

from __future__ import annotations

import logging
import time

from sqlalchemy import text

from carellm.store import FallbackRecorder, schema
from carellm.store.engine import make_engine
from carellm.store.migrations import current_version, migrate

# The server stores a session under "<16-character key hash>-<client id up to 64>" (81).
LONG_IDS = ["k" * 16 + "-" + "c" * 64, "i" * schema.SESSION_ID_LEN]


def test_a_refused_turn_is_set_aside_and_never_blocks_the_turns_behind_it(open_db, make_turn, caplog):
    store = open_db()
    warnings: list[str] = []
    recorder = FallbackRecorder(store, warnings.append)
    recorder.record(make_turn("s", 0))
    clash = make_turn("s", 0, text="private words of a clashing turn")
    with caplog.at_level(logging.ERROR, logger="carellm.store.recorder"):
        recorder.record(clash)  # refused at every try: turn 0 of "s" is stored
    assert recorder.rejected == [clash] and recorder.unsaved == []
    assert "turn 0 of session s" in caplog.text and "private words" not in caplog.text
    assert warnings and "later turns are saved" in warnings[0]
    recorder.record(make_turn("t", 0))
    recorder.record(make_turn("s", 1))
    assert recorder.unsaved == [] and recorder.rejected == [clash]  # held, never retried first
    assert [x.index for x in store.turns("s")] == [0, 1] and len(store.turns("t")) == 1
    # A new session of that id numbers on past the stored and the held turns.
    assert recorder.turn_count("s") == 2 and recorder.turn_count("new") == 0


def test_session_ids_as_long_as_the_server_makes_them_are_stored(open_db, make_turn):
    store = open_db()
    for session_id in LONG_IDS:
        store.record(make_turn(session_id, 0))
        store.save_feedback(session_id, 0, 1, "fine")
        path = store.keep_file(session_id, 0, "reply_audio", b"RIFF", ".wav")
        assert store.kept_files(session_id) == [path]
        assert [p.user_text for p in store.past_turns(session_id)] == [f"user message 0 of {session_id}"]
        assert store.turn_count(session_id) == 1
        assert store.delete(session_id) == 1


def test_a_version_6_database_is_widened_for_long_session_ids(db_url, open_db, make_turn):
    engine = make_engine(db_url)
    assert migrate(engine, target=6) == 6
    now = time.time()
    with engine.begin() as conn:
        conn.execute(schema.sessions.insert().values(id="v6", created_at=now, updated_at=now, lang="en"))
        conn.execute(text(
            "INSERT INTO turns (session_id, turn_index, lang, user_text, reply_text, model_text, user_level, "
            "user_categories, reply_reason, started_at, finished_at, audio_seconds, sealed) "
            "VALUES ('v6', 0, 'en', 'typed in v6', 'hi', 'hi', 'none', '[]', '', 1.0, 1.0, 0.0, false)"
        ))  # fmt: skip
    engine.dispose()
    store = open_db()
    with store.engine.connect() as conn:
        assert current_version(conn) == schema.LATEST
    (old,) = store.turns("v6")
    assert old.user_text == "typed in v6" and old.fresh is False  # NULL in older rows: not a reset
    store.record(make_turn(LONG_IDS[0], 0))
    assert store.turn_count(LONG_IDS[0]) == 1
