"""The store as the session's recorder: turns, media copies, transcript, resume, feedback, delete, purge."""

from __future__ import annotations

import logging
import time

import pytest
from sqlalchemy import select

from carellm.counseling.counselor import Counselor
from carellm.errors import InputError
from carellm.safety.events import RiskEvent
from carellm.store import schema


def test_every_turn_of_a_real_session_is_in_the_store(open_db, counselor):
    store = open_db()
    session = counselor.session(lang="en", recorder=store, session_id="s1")
    session.send("I have been sleeping badly.")
    session.send("Work is overwhelming.")
    assert store.transcript("s1") == session.transcript()


def test_a_resumed_session_continues_with_its_history_and_numbering(open_db, counselor):
    store = open_db()
    first = counselor.session(lang="en", recorder=store, session_id="s2")
    first.send("My exams are next week.")
    resumed = Counselor(counselor.backend, counselor.settings, counselor.gate, store).resume("s2", lang="en")
    assert resumed.turns == 1
    assert resumed.history.user_texts() == ["My exams are next week."]
    reply = resumed.send("I feel a bit better today.")
    assert reply.turn_index == 1
    assert [t.index for t in store.turns("s2")] == [0, 1]


def test_resume_of_an_unknown_id_starts_a_new_session_with_that_id(open_db, counselor):
    store = open_db()
    session = Counselor(counselor.backend, counselor.settings, counselor.gate, store).resume("brand-new")
    assert session.id == "brand-new" and session.turns == 0


def test_attached_media_are_copied_under_the_data_dir_with_random_names(
    open_db, counselor, media_dir, data_dir
):
    store = open_db()
    session = counselor.session(lang="en", recorder=store, session_id="m1")
    session.send(
        "Here is how I sound.", audio=str(media_dir / "speech.wav"), image=str(media_dir / "face.png")
    )
    media = store.turns("m1")[0].media
    assert [m.kind for m in media] == ["audio", "image"]
    for m in media:
        assert m.path.parent == data_dir / "media"
        assert m.path.is_file()
        assert "speech" not in m.path.name and "face" not in m.path.name
    assert media[0].path.read_bytes() == (media_dir / "speech.wav").read_bytes()
    assert store.transcript("m1")[0]["audio"] == str(media[0].path)


def test_resume_points_history_media_at_the_stored_copies(open_db, counselor, media_dir):
    store = open_db()
    counselor.session(lang="en", recorder=store, session_id="m2").send(
        "Look.", image=str(media_dir / "face.png")
    )
    resumed = Counselor(counselor.backend, counselor.settings, counselor.gate, store).resume("m2", lang="en")
    item = resumed.history.exchanges[0].user.media[0]
    assert item.kind == "image" and item.name == str(media_dir / "face.png")
    assert "face" not in str(item.source)
    resumed.send("Did you see it?")  # the backend loads the stored copy


def test_feedback_is_stored_for_an_existing_turn(open_db, make_turn):
    store = open_db()
    store.record(make_turn("f1", 0))
    store.save_feedback("f1", 0, 1, "helpful")
    assert [(f.turn_index, f.rating, f.comment) for f in store.feedback("f1")] == [(0, 1, "helpful")]


def test_feedback_for_a_missing_turn_is_refused(open_db, make_turn):
    store = open_db()
    store.record(make_turn("f2", 0))
    with pytest.raises(InputError, match="no turn 5"):
        store.save_feedback("f2", 5, 1)


def test_risk_events_from_the_safety_layer_are_stored(open_db):
    from carellm.safety import SafetyLayer

    store = open_db()
    SafetyLayer(events=store).check_user_turn("I want to kill myself tonight", "en", [])
    events = store.risk_events()
    assert events and events[0].level in {"high", "imminent"} and events[0].text is None


def test_delete_removes_rows_and_media_files(open_db, make_turn, media_dir):
    store = open_db()
    store.record(make_turn("d1", 0, media=[str(media_dir / "speech.wav"), str(media_dir / "face.png")]))
    store.record(make_turn("keep", 0))
    store.save_feedback("d1", 0, -1)
    files = [m.path for m in store.turns("d1")[0].media]
    assert store.delete("d1") == 2
    assert not any(p.exists() for p in files)
    with store.engine.connect() as conn:
        for table in (schema.turns, schema.media, schema.feedback):
            assert conn.execute(select(table).where(table.c.session_id == "d1")).first() is None
    assert [s.id for s in store.sessions()] == ["keep"]


def test_delete_of_an_unknown_session_is_a_clear_error(open_db):
    with pytest.raises(InputError, match="No stored session"):
        open_db().delete("nope")


def test_purge_deletes_sessions_idle_longer_than_the_age(open_db, make_turn):
    store = open_db()
    old = make_turn("old", 0)
    old.finished_at = time.time() - 40 * 86400
    store.record(old)
    store.record(make_turn("recent", 0))
    store.record_risk_event(RiskEvent("high", ["suicide"], "user", "en", at=time.time() - 40 * 86400))
    assert store.purge(30 * 86400) == ["old"]
    assert [s.id for s in store.sessions()] == ["recent"]
    assert store.risk_events() == []


def test_retention_setting_is_applied_when_the_store_opens(open_db, make_turn):
    store = open_db()
    old = make_turn("old", 0)
    old.finished_at = time.time() - 10 * 86400
    store.record(old)
    store.record(make_turn("recent", 0))
    reopened = open_db(retention_days=7)
    assert [s.id for s in reopened.sessions()] == ["recent"]


def test_logs_never_contain_message_text(open_db, counselor, caplog):
    secret = "my-secret-sentence-about-my-brother"
    caplog.set_level(logging.DEBUG)  # every logger, SQLAlchemy's engine included
    store = open_db()
    session = counselor.session(lang="en", recorder=store, session_id="log1")
    session.send(f"I argued with {secret}.")
    store.save_feedback("log1", 0, 1, secret)
    store.transcript("log1")
    store.delete("log1")
    assert caplog.records  # something was logged, so the check below means something
    assert secret not in caplog.text


def test_delete_removes_the_sessions_risk_events_and_keeps_others(open_db, counselor):
    store = open_db()
    counselor.gate.events = store
    counselor.session(lang="en", recorder=store, session_id="risky").send("I want to kill myself tonight")
    counselor.session(lang="en", recorder=store, session_id="other").send("I want to die")
    assert {e.session_id for e in store.risk_events()} == {"risky", "other"}
    store.delete("risky")
    assert {e.session_id for e in store.risk_events()} == {"other"}


class _ByteNoise:
    """The tiny model's own reply with a NUL and an escape byte in it (random byte tokens do this)."""

    def __init__(self, backend) -> None:
        self.backend = backend

    def __getattr__(self, name):
        return getattr(self.backend, name)

    def stream(self, messages, options):
        from carellm.backends.base import Chunk

        yield Chunk("text", text="noise\x00\x1b")
        yield from self.backend.stream(messages, options)


def test_invisible_bytes_never_make_an_acknowledged_turn_unstorable(open_db, counselor):
    """PostgreSQL refuses NUL in text: one such turn once held every later turn in memory."""
    from carellm.store import FallbackRecorder

    store, warnings = open_db(), []
    recorder = FallbackRecorder(store, warnings.append)
    session = counselor.session(lang="en", recorder=recorder, session_id="bytes")
    session.backend = _ByteNoise(session.backend)
    reply = session.send("hello\x00 there\ud800")
    session.send("and again")
    assert warnings == [] and recorder.unsaved == []
    turns = store.turns("bytes")
    assert [t.user_text for t in turns] == ["hello there", "and again"]
    assert turns[0].model_text.startswith("noise") and "\x00" not in turns[0].model_text + reply.text
