"""Schema migrations: from an empty database, from the previous version, and refusing a newer one."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import inspect, text

from carellm.store import StoreError, schema
from carellm.store.engine import make_engine
from carellm.store.migrations import current_version, migrate


def test_an_empty_database_is_brought_to_the_latest_version(open_db):
    store = open_db()
    with store.engine.connect() as conn:
        assert current_version(conn) == schema.LATEST
        tables = set(inspect(conn).get_table_names())
    assert set(schema.metadata.tables) <= tables


def test_a_version_1_database_keeps_its_turns_when_upgraded(db_url, open_db):
    engine = make_engine(db_url)
    assert migrate(engine, target=1) == 1
    now = time.time()
    with engine.begin() as conn:
        conn.execute(schema.sessions.insert().values(id="v1", created_at=now, updated_at=now, lang="en"))
        conn.execute(schema.turns.insert().values(
            session_id="v1", turn_index=0, lang="en", user_text="hello from v1",
            reply_text="hi", model_text="hi",
            user_level="none", user_categories="[]", reply_reason="", emotion=None, started_at=now,
            finished_at=now, audio_seconds=0.0, sealed=False,
        ))  # fmt: skip
    engine.dispose()
    store = open_db()
    assert store.transcript("v1")[0]["text"] == "hello from v1"
    store.save_feedback("v1", 0, 1, "feedback needs version 2")
    with store.engine.connect() as conn:
        assert current_version(conn) == schema.LATEST


def test_a_version_2_database_gets_session_ids_on_risk_events(db_url, open_db):
    engine = make_engine(db_url)
    assert migrate(engine, target=2) == 2
    with engine.begin() as conn:
        assert "session_id" not in {c["name"] for c in inspect(conn).get_columns("risk_events")}
        conn.execute(text(
            "INSERT INTO risk_events (at, level, categories, source, lang, reasons, sealed) "
            "VALUES (1.0, 'high', '[]', 'user', 'en', '[]', false)"
        ))  # fmt: skip
    engine.dispose()
    store = open_db()
    with store.engine.connect() as conn:
        assert current_version(conn) == schema.LATEST
        assert "ix_risk_events_session_id" in {i["name"] for i in inspect(conn).get_indexes("risk_events")}
    (old,) = store.risk_events()
    assert old.level == "high" and old.session_id is None


def test_a_version_3_database_gets_the_speech_columns_on_its_turns(db_url, open_db):
    engine = make_engine(db_url)
    assert migrate(engine, target=3) == 3
    now = time.time()
    with engine.begin() as conn:
        assert "speech_read" not in {c["name"] for c in inspect(conn).get_columns("turns")}
        conn.execute(schema.sessions.insert().values(id="v3", created_at=now, updated_at=now, lang="en"))
        conn.execute(text(
            "INSERT INTO turns (session_id, turn_index, lang, user_text, reply_text, model_text, user_level, "
            "user_categories, reply_reason, started_at, finished_at, audio_seconds, sealed) "
            "VALUES ('v3', 0, 'en', 'typed in v3', 'hi', 'hi', 'none', '[]', '', 1.0, 1.0, 0.0, false)"
        ))  # fmt: skip
    engine.dispose()
    store = open_db()
    with store.engine.connect() as conn:
        assert current_version(conn) == schema.LATEST
        assert {"speech_transcript", "speech_read"} <= {c["name"] for c in inspect(conn).get_columns("turns")}
    (old,) = store.turns("v3")
    assert old.user_text == "typed in v3" and old.speech_transcript is None and old.speech_read is None


def test_a_version_4_database_gets_the_table_of_files_sessions_make(db_url, open_db):
    engine = make_engine(db_url)
    assert migrate(engine, target=4) == 4
    with engine.connect() as conn:
        assert "files" not in inspect(conn).get_table_names()
    engine.dispose()
    store = open_db()
    with store.engine.connect() as conn:
        assert current_version(conn) == schema.LATEST
        assert "ix_files_session_id" in {i["name"] for i in inspect(conn).get_indexes("files")}
    path = store.keep_file("v4", 0, "reply_audio", b"RIFF", ".wav")
    assert store.kept_files("v4") == [path] and path.read_bytes() == b"RIFF"


def test_a_version_5_database_gets_the_table_of_corrections(db_url, open_db, make_turn):
    engine = make_engine(db_url)
    assert migrate(engine, target=5) == 5
    engine.dispose()
    store = open_db()
    with store.engine.connect() as conn:
        assert current_version(conn) == schema.LATEST
    store.record(make_turn("v5", 0))
    store.save_correction("v5", 0, "A kinder reply.")
    assert [c.text for c in store.corrections("v5")] == ["A kinder reply."]
    store.delete("v5")
    assert store.corrections("v5") == []


def test_migrating_twice_changes_nothing(db_url):
    engine = make_engine(db_url)
    assert migrate(engine) == migrate(engine) == schema.LATEST
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM schema_migrations")).scalar() == schema.LATEST
    engine.dispose()


def test_a_database_from_a_newer_carellm_is_refused(db_url, open_db):
    engine = make_engine(db_url)
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(
            schema.schema_migrations.insert().values(version=schema.LATEST + 1, applied_at=time.time())
        )
    engine.dispose()
    with pytest.raises(StoreError, match="schema version"):
        open_db()
