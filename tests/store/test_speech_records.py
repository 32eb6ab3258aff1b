"""What the safety layer read of a spoken turn is kept with the turn: stored, sealed, exported, resumed."""

from __future__ import annotations

import dataclasses
import json

from sqlalchemy import select

from carellm.counseling.counselor import Counselor
from carellm.store import schema as t
from carellm.store.export import export_session

KEY = "a" * 64
HEARD = "my therapist Ingrid says I should call"


def _spoken(make_turn, session_id: str, index: int, heard: str | None, read: bool | None):
    turn = make_turn(session_id, index)
    return dataclasses.replace(turn, speech_transcript=heard, speech_read=read)


def test_the_transcript_and_whether_speech_was_read_round_trip(open_db, make_turn):
    store = open_db()
    store.record(_spoken(make_turn, "sp1", 0, HEARD, True))
    store.record(_spoken(make_turn, "sp1", 1, None, False))
    store.record(make_turn("sp1", 2))
    read = [(turn.speech_transcript, turn.speech_read) for turn in store.turns("sp1")]
    assert read == [(HEARD, True), (None, False), (None, None)]


def test_the_transcript_is_sealed_when_encryption_is_on(open_db, make_turn):
    store = open_db(key=KEY)
    store.record(_spoken(make_turn, "sp2", 0, HEARD, True))
    assert store.turns("sp2")[0].speech_transcript == HEARD
    with store.engine.connect() as conn:
        raw = [str(v) for row in conn.execute(select(t.turns)).all() for v in row]
    assert not any("Ingrid" in value for value in raw)


def test_the_json_export_says_what_was_heard(open_db, make_turn):
    store = open_db()
    store.record(_spoken(make_turn, "sp3", 0, HEARD, True))
    (turn,) = json.loads(export_session(store, "sp3", "json"))["turns"]
    assert turn["speech_transcript"] == HEARD and turn["speech_read"] is True


def test_a_resumed_session_gives_the_safety_layer_what_was_said_before(open_db, make_turn, counselor):
    store = open_db()
    store.record(_spoken(make_turn, "sp4", 0, HEARD, True))
    resumed = Counselor(counselor.backend, counselor.settings, counselor.gate, store).resume("sp4", lang="en")
    assert resumed.history.user_texts() == [f"user message 0 of sp4\n{HEARD}"]
    assert resumed.history.exchanges[0].user.text == "user message 0 of sp4"
