"""Encryption at rest: nothing readable in the database or media files; wrong or missing key fails clearly."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import select

from carellm.config import Settings
from carellm.counseling.counselor import Counselor
from carellm.store import EncryptionKeyError, StoreSettings, open_store
from carellm.store import schema as t
from carellm.store.crypto import write_key_file

KEY = "a" * 64  # a valid 32-byte hex key; real keys come from `carellm sessions keygen`
OTHER_KEY = "b" * 64
SECRET = "the name of my therapist is Ingrid"


def test_text_round_trips_and_is_not_stored_in_clear(open_db, make_turn):
    store = open_db(key=KEY)
    store.record(make_turn("e1", 0, text=SECRET))
    store.save_feedback("e1", 0, 1, SECRET)
    assert store.turns("e1")[0].user_text == SECRET
    assert store.feedback("e1")[0].comment == SECRET
    with store.engine.connect() as conn:
        raw = [str(v) for row in conn.execute(select(t.turns)).all() for v in row]
        raw += [str(v) for row in conn.execute(select(t.feedback)).all() for v in row]
    assert not any("Ingrid" in value for value in raw)


def test_media_copies_are_encrypted_and_resume_reads_them(open_db, counselor, media_dir):
    store = open_db(key=KEY)
    counselor.session(lang="en", recorder=store, session_id="e2").send(
        "Look.", image=str(media_dir / "face.png")
    )
    copy = store.turns("e2")[0].media[0].path
    assert copy.read_bytes() != (media_dir / "face.png").read_bytes()
    assert b"PNG" not in copy.read_bytes()[:16]
    resumed = Counselor(counselor.backend, counselor.settings, counselor.gate, store).resume("e2", lang="en")
    assert resumed.history.exchanges[0].user.media[0].source == (media_dir / "face.png").read_bytes()


def test_a_wrong_key_is_refused_when_the_store_opens(open_db, make_turn):
    open_db(key=KEY).record(make_turn("e3", 0, text=SECRET))
    with pytest.raises(EncryptionKeyError, match="wrong encryption key"):
        open_db(key=OTHER_KEY)


def test_encrypted_data_without_a_key_is_an_error_not_ciphertext(open_db, make_turn):
    open_db(key=KEY).record(make_turn("e4", 0, text=SECRET))
    with pytest.raises(EncryptionKeyError, match="encrypted and no key"):
        open_db().turns("e4")


def test_a_malformed_key_is_refused():
    with pytest.raises(EncryptionKeyError, match="32"):
        open_store(Settings(), StoreSettings(db_url="sqlite://", encryption_key="c2hvcnQ="))


def test_keygen_writes_an_owner_only_key_file_that_opens_the_store(tmp_path, sqlite_url, make_turn):
    key_file = write_key_file(tmp_path / "store.key")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    store = open_store(
        Settings(data_dir=tmp_path), StoreSettings(db_url=sqlite_url, encryption_key_file=key_file)
    )
    store.record(make_turn("e5", 0, text=SECRET))
    assert store.turns("e5")[0].user_text == SECRET


def test_a_key_file_readable_by_others_is_refused(tmp_path, sqlite_url):
    key_file = write_key_file(tmp_path / "store.key")
    os.chmod(key_file, 0o644)
    with pytest.raises(EncryptionKeyError, match="chmod 600"):
        open_store(
            Settings(data_dir=tmp_path), StoreSettings(db_url=sqlite_url, encryption_key_file=key_file)
        )
