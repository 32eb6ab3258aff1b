"""A regenerated reply replaces the stored one, which is kept with its turn (schema version 8),
on SQLite and PostgreSQL, sealed when encryption is on."""

from __future__ import annotations

import dataclasses
import time

from sqlalchemy import inspect

from carellm.store import schema
from carellm.store.engine import make_engine
from carellm.store.migrations import current_version, migrate

KEY = "00" * 32  # a 256-bit key in hex


def _again(turn, reply: str):
    """The same message answered again, as `Session.regenerate` records it."""
    now = time.time()
    return dataclasses.replace(
        turn, reply_text=reply, model_text=reply, replaces=True, started_at=now, finished_at=now
    )


def test_the_replaced_reply_stays_with_its_turn(open_db, make_turn):
    store = open_db(key=KEY)
    first = make_turn("r", 0, "I can't sleep", media=[])
    store.record(first)
    store.save_feedback("r", 0, -1)
    time.sleep(0.01)
    store.record(_again(first, "That sounds exhausting. What keeps you up?"))
    store.save_feedback("r", 0, 1)

    (turn,) = store.turns("r")
    assert (turn.user_text, turn.reply_text) == (
        "I can't sleep",
        "That sounds exhausting. What keeps you up?",
    )
    (old,) = store.replaced_replies("r")
    assert (old.turn_index, old.reply_text, old.model_text) == (0, "reply 0", "reply 0")
    old_rating, new_rating = store.feedback("r")
    assert old_rating.at < old.at <= new_rating.at  # which reply each rating was of
    with store.engine.connect() as conn:  # sealed at rest like the turn's own text
        stored = conn.execute(schema.replaced_replies.select()).one()
    assert stored.sealed and "reply 0" not in stored.reply_text

    store.delete("r")
    assert store.replaced_replies("r") == [] and store.turns("r") == []


def test_a_replacement_of_a_turn_never_stored_is_stored_as_the_turn(open_db, make_turn):
    store = open_db()
    store.record(_again(make_turn("s", 0), "the only reply the store saw"))
    assert [t.reply_text for t in store.turns("s")] == ["the only reply the store saw"]
    assert store.replaced_replies("s") == []


def test_a_version_7_database_gets_the_table_of_replaced_replies(db_url, open_db, make_turn):
    engine = make_engine(db_url)
    assert migrate(engine, target=7) == 7
    with engine.connect() as conn:
        assert "replaced_replies" not in inspect(conn).get_table_names()
    engine.dispose()
    store = open_db()
    with store.engine.connect() as conn:
        assert current_version(conn) == schema.LATEST >= 8
        assert "ix_replaced_replies_turn" in {
            i["name"] for i in inspect(conn).get_indexes("replaced_replies")
        }
    store.record(make_turn("v7", 0))
    store.record(_again(make_turn("v7", 0), "another"))
    assert [r.reply_text for r in store.replaced_replies("v7")] == ["reply 0"]
