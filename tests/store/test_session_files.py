"""Files a session makes (the chat REPL's spoken replies) are kept with it and deleted with it.

The REPL's turns run on the tiny model with speech, recorded in a real SQLite store; deletion runs
`carellm sessions delete` as a user does.
"""

from __future__ import annotations

import soundfile as sf

from carellm.config import Settings
from carellm.store import StoreSettings, open_store
from tests.store.test_cli import carellm


def test_sessions_whose_ids_share_a_prefix_keep_separate_audio_and_delete_removes_every_file(
    omni_backend, tiny_model_dir, sqlite_url, data_dir, media_dir
):
    from carellm.cli.chat import ChatREPL
    from carellm.counseling.counselor import Counselor

    store = open_store(Settings(data_dir=data_dir), StoreSettings(db_url=sqlite_url))
    settings = Settings(model=str(tiny_model_dir), max_new_tokens=12, seed=0, data_dir=data_dir)
    counselor = Counselor(omni_backend, settings, recorder=store, emotion=False)
    spoken = {}
    for sid in ("student-a", "student-b"):  # the same first 8 characters
        repl = ChatREPL(counselor.resume(sid, speak=True), data_dir / "audio", store)
        if sid == "student-a":
            repl.attach("image", [str(media_dir / "face.png")])
        repl.turn("I feel tired today")
        (path,) = store.kept_files(sid)
        spoken[sid] = (path, path.read_bytes())
    try:
        (a, a_bytes), (b, b_bytes) = spoken["student-a"], spoken["student-b"]
        assert a != b and a.name.startswith("student-a-001-") and b.name.startswith("student-b-001-")
        assert a.parent == b.parent == data_dir / "audio"
        assert a.read_bytes() == a_bytes  # student-b's turn left student-a's audio as it was
        samples, rate = sf.read(a)
        assert rate == 24_000 and len(samples) > 0
        attachment = store.turns("student-a")[0].media[0].path
        assert attachment is not None and attachment.exists()

        env = {"CARELLM_DB_URL": sqlite_url, "CARELLM_DATA_DIR": str(data_dir), "COLUMNS": "200"}
        out = carellm("sessions", "delete", "student-a", "--yes", env=env)
        assert out.returncode == 0, out.stderr
        assert "(2 files removed" in out.stdout  # the attachment's copy and the spoken reply
        assert not a.exists() and not attachment.exists() and store.kept_files("student-a") == []
        assert b.read_bytes() == b_bytes and store.kept_files("student-b") == [b]
    finally:
        store.close()


def test_a_file_is_never_written_over_another(open_db):
    store = open_db()
    first = store.keep_file("same", 0, "reply_audio", b"first", ".wav")
    second = store.keep_file("same", 0, "reply_audio", b"second", ".wav")
    assert first != second and first.read_bytes() == b"first" and second.read_bytes() == b"second"
    assert store.kept_files("same") == [first, second]
