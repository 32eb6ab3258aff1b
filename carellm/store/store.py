"""The session store: every turn, risk event and piece of feedback, committed before the user sees "done".

`Store` implements counseling's `SessionArchive` (a `TurnRecorder` that also takes the safety
layer's risk events and hands stored turns back as plain `PastTurn` records), so the counselor
plugs it in without knowing about databases. The store imports only counseling's contracts
(hooks, transcript): it never builds a session.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Row, delete, func, select, update
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError

from carellm.counseling.hooks import PastMedia, PastTurn, TurnRecord
from carellm.counseling.transcript import TranscriptTurn, transcript_rows
from carellm.errors import InputError
from carellm.safety.events import RiskEvent
from carellm.store import schema as t
from carellm.store.crypto import KEY_HINT, Cipher
from carellm.store.errors import EncryptionKeyError, StoreError
from carellm.store.locks import TurnLocks
from carellm.store.media_files import MediaFiles, kind_of, session_file_name
from carellm.store.records import (
    Correction,
    Feedback,
    ReplacedReply,
    SessionInfo,
    StoredMedia,
    StoredTurn,
)

log = logging.getLogger(__name__)
_SESSION_ID = re.compile(rf"^[A-Za-z0-9._-]{{1,{t.SESSION_ID_LEN}}}$")
KEY_CHECK = "carellm-key-check"


class Store:
    def __init__(
        self, engine: Engine, files: MediaFiles, cipher: Cipher | None, outputs: MediaFiles | None = None
    ) -> None:
        """files: copies of attached media; outputs: files sessions make (default: audio/ beside files)."""
        self.engine, self.files, self.cipher = engine, files, cipher
        self.outputs = outputs or MediaFiles(files.root.parent / "audio", None)
        self.locks = TurnLocks(engine)
        self._check_key()

    # ------------------------------------------------------------------ writing
    def record(self, turn: TurnRecord) -> None:
        """Commit one turn (and copies of its media) durably; raises StoreError if it could not."""
        self.record_many([turn])

    def record_many(self, turns: list[TurnRecord]) -> None:
        """Commit several turns in one transaction (imports, benchmarks): all or none."""
        stored: list[str] = []
        rows, media_rows, replacing = [], [], []
        for turn in turns:
            if turn.replaces:  # another reply to a stored turn: its message and media are stored
                replacing.append(self._turn_rows(turn, [None] * len(turn.media))[0])
                continue
            copies = [self.files.save(name) for name in turn.media]
            stored += [c for c in copies if c]
            row, media = self._turn_rows(turn, copies)
            rows.append(row)
            media_rows += media
        try:
            with self.engine.begin() as conn:
                for turn in turns:
                    self._touch_session(conn, turn.session_id, turn.lang, turn.finished_at)
                if rows:
                    conn.execute(t.turns.insert(), rows)
                if media_rows:
                    conn.execute(t.media.insert(), media_rows)
                for row in replacing:
                    self._replace_reply(conn, row)
        except SQLAlchemyError as exc:
            self.files.remove(stored, verify=False)
            raise db_error("save this turn", exc) from None
        log.debug("stored %d turn(s)", len(turns))

    def _turn_rows(self, turn: TurnRecord, copies: list[str | None]) -> tuple[dict, list[dict]]:
        sealed = self.cipher is not None
        ctx = f"turn:{turn.session_id}:{turn.turn_index}"
        emotion = turn.emotion.to_dict() if turn.emotion is not None else None
        row = {
            "session_id": turn.session_id,
            "turn_index": turn.turn_index,
            "lang": turn.lang,
            "user_text": self._seal(turn.user_text, f"{ctx}:user_text"),
            "reply_text": self._seal(turn.reply_text, f"{ctx}:reply_text"),
            "model_text": self._seal(turn.model_text, f"{ctx}:model_text"),
            "user_level": turn.user_gate.level,
            "user_categories": json.dumps(turn.user_gate.categories),
            "reply_reason": turn.reply_gate.reason,
            "emotion": None
            if emotion is None
            else self._seal(json.dumps(emotion, default=str), f"{ctx}:emotion"),
            "started_at": turn.started_at,
            "finished_at": turn.finished_at,
            "audio_seconds": turn.audio_seconds,
            "sealed": sealed,
            "speech_transcript": None
            if turn.speech_transcript is None
            else self._seal(turn.speech_transcript, f"{ctx}:speech_transcript"),
            "speech_read": turn.speech_read,
            "fresh": turn.fresh,
        }
        kinds: list = []
        media_rows = []
        for position, (name, copy) in enumerate(zip(turn.media, copies, strict=True)):
            kinds.append(kind_of(name, kinds))
            media_rows.append(
                {
                    "session_id": turn.session_id,
                    "turn_index": turn.turn_index,
                    "position": position,
                    "kind": kinds[-1],
                    "name": self._seal(name, f"{ctx}:media:{position}"),
                    "stored": copy,
                    "sealed": sealed,
                }
            )
        return row, media_rows

    def _replace_reply(self, conn: Connection, row: dict) -> None:
        """The turn row takes the newer reply; the one it had is kept in `replaced_replies`."""
        sid, index = row["session_id"], row["turn_index"]
        key = (t.turns.c.session_id == sid) & (t.turns.c.turn_index == index)
        columns = t.turns.c
        old = conn.execute(
            select(columns.reply_text, columns.model_text, columns.reply_reason, columns.sealed).where(key)
        ).first()
        if old is None:  # the replaced turn itself was never stored: this one is the turn
            conn.execute(t.turns.insert(), [row])
            return
        ctx = f"turn:{sid}:{index}"
        kept = f"replaced:{sid}:{index}"
        conn.execute(
            t.replaced_replies.insert().values(
                session_id=sid,
                turn_index=index,
                reply_text=self._seal(
                    self._open(old.reply_text, old.sealed, f"{ctx}:reply_text"), f"{kept}:reply"
                ),
                model_text=self._seal(
                    self._open(old.model_text, old.sealed, f"{ctx}:model_text"), f"{kept}:model"
                ),
                reply_reason=old.reply_reason,
                at=row["started_at"],  # ratings given before the new reply was asked for rated this one
                sealed=self.cipher is not None,
            )
        )
        # The whole row, freshly sealed: the message is the same, so its sealing stays consistent.
        conn.execute(
            update(t.turns)
            .where(key)
            .values(**{k: v for k, v in row.items() if k not in ("session_id", "turn_index")})
        )

    def keep_file(self, session_id: str, turn_index: int, kind: str, data: bytes, suffix: str) -> Path:
        """Write a file the session made (the REPL's spoken reply) and record it with the session,
        so `delete` removes it too. Returns its path; the name never collides with another's."""
        check_session_id(session_id)
        stored = session_file_name(session_id, turn_index, suffix)
        path = self.outputs.write(stored, data, "the spoken reply" if kind == "reply_audio" else "a file")
        row = {"session_id": session_id, "turn_index": turn_index, "kind": kind, "stored": stored,
               "at": time.time()}  # fmt: skip
        try:
            self._write("record a session file", lambda conn: conn.execute(t.files.insert().values(**row)))
        except StoreError:
            self.outputs.remove([stored], verify=False)  # an unrecorded file would outlive its session
            raise
        return path

    def kept_files(self, session_id: str) -> list[Path]:
        """The files the session made (`keep_file`), oldest first."""
        stored = self._read(
            "list the session's files",
            lambda conn: (
                conn.execute(
                    select(t.files.c.stored).where(t.files.c.session_id == session_id).order_by(t.files.c.id)
                )
                .scalars()
                .all()
            ),
        )
        return [self.outputs.path(name) for name in stored]

    def record_risk_event(self, event: RiskEvent) -> None:
        """Text only if the user asked to keep it; the session id lets `delete` remove the event too."""
        row = {
            "session_id": event.session_id,
            "at": event.at,
            "level": event.level,
            "categories": json.dumps(event.categories),
            "source": event.source,
            "lang": event.lang,
            "reasons": json.dumps(event.reasons),
            "text": None if event.text is None else self._seal(event.text, f"risk:{event.at!r}"),
            "sealed": self.cipher is not None,
        }
        self._write("save a risk event", lambda conn: conn.execute(t.risk_events.insert().values(row)))

    def save_feedback(self, session_id: str, turn_index: int, rating: int, comment: str = "") -> None:
        """A rating of one reply: -1 (bad) or 1 (good), or 1-5 stars."""
        if not -1 <= rating <= 5:
            raise InputError(f"Rating {rating} is out of range.", "Use -1 or 1 (thumbs), or 1 to 5 (stars).")

        def write(conn: Connection) -> None:
            self._require_turn(conn, session_id, turn_index, "Rate a reply that was stored.")
            conn.execute(
                t.feedback.insert().values(
                    session_id=session_id,
                    turn_index=turn_index,
                    rating=rating,
                    at=time.time(),
                    comment=self._seal(comment, f"feedback:{session_id}:{turn_index}"),
                    sealed=self.cipher is not None,
                )
            )

        self._write("save feedback", write)

    def save_correction(self, session_id: str, turn_index: int, text: str) -> None:
        """A reviewer's better reply to a stored turn (the newest one counts)."""
        if not text.strip():
            raise InputError("The corrected reply is empty.", "Write the reply the person should have got.")

        def write(conn: Connection) -> None:
            self._require_turn(conn, session_id, turn_index, "Correct a reply that was stored.")
            conn.execute(
                t.corrections.insert().values(
                    session_id=session_id,
                    turn_index=turn_index,
                    text=self._seal(text.strip(), f"correction:{session_id}:{turn_index}"),
                    at=time.time(),
                    sealed=self.cipher is not None,
                )
            )

        self._write("save the correction", write)

    def _require_turn(self, conn: Connection, session_id: str, turn_index: int, hint: str) -> None:
        key = (t.turns.c.session_id == session_id) & (t.turns.c.turn_index == turn_index)
        if conn.execute(select(t.turns.c.turn_index).where(key)).first() is None:
            raise InputError(f"Session {session_id} has no turn {turn_index}.", hint)

    # ------------------------------------------------------------------ reading
    def sessions(self) -> list[SessionInfo]:
        """All sessions, most recently active first."""
        count = select(func.count()).where(t.turns.c.session_id == t.sessions.c.id).scalar_subquery()
        query = select(t.sessions, count.label("turns")).order_by(t.sessions.c.updated_at.desc())
        rows = self._read("list sessions", lambda conn: conn.execute(query).all())
        return [SessionInfo(r.id, r.created_at, r.updated_at, r.lang, r.turns) for r in rows]

    def session(self, session_id: str) -> SessionInfo | None:
        return next((s for s in self.sessions() if s.id == session_id), None)

    def turns(self, session_id: str) -> list[StoredTurn]:
        """The session's turns in order (empty when it does not exist)."""

        def read(conn: Connection) -> tuple[Sequence[Row[Any]], Sequence[Row[Any]]]:
            turns = conn.execute(
                select(t.turns).where(t.turns.c.session_id == session_id).order_by(t.turns.c.turn_index)
            ).all()
            media = conn.execute(
                select(t.media)
                .where(t.media.c.session_id == session_id)
                .order_by(t.media.c.turn_index, t.media.c.position)
            ).all()
            return turns, media

        rows, media_rows = self._read("read the session", read)
        media: dict[int, list[StoredMedia]] = {}
        for m in media_rows:
            name = self._open(m.name, m.sealed, f"turn:{session_id}:{m.turn_index}:media:{m.position}")
            path = self.files.path(m.stored) if m.stored else None
            media.setdefault(m.turn_index, []).append(StoredMedia(m.kind, name, path, m.sealed))
        out = []
        for r in rows:
            ctx = f"turn:{session_id}:{r.turn_index}"
            emotion = (
                None if r.emotion is None else json.loads(self._open(r.emotion, r.sealed, f"{ctx}:emotion"))
            )
            heard = r.speech_transcript
            if heard is not None:
                heard = self._open(heard, r.sealed, f"{ctx}:speech_transcript")
            out.append(
                StoredTurn(
                    index=r.turn_index,
                    lang=r.lang,
                    user_text=self._open(r.user_text, r.sealed, f"{ctx}:user_text"),
                    reply_text=self._open(r.reply_text, r.sealed, f"{ctx}:reply_text"),
                    model_text=self._open(r.model_text, r.sealed, f"{ctx}:model_text"),
                    user_level=r.user_level,
                    user_categories=json.loads(r.user_categories),
                    reply_reason=r.reply_reason,
                    emotion=emotion,
                    started_at=r.started_at,
                    finished_at=r.finished_at,
                    audio_seconds=r.audio_seconds,
                    media=media.get(r.turn_index, []),
                    speech_transcript=heard,
                    speech_read=r.speech_read,
                    fresh=bool(r.fresh),
                )
            )
        return out

    def turn_count(self, session_id: str) -> int:
        """The index the session's next turn takes: one past its last stored turn, its turn count
        when none is missing (one lookup in the primary key; 0 for a session never stored)."""
        last = func.max(t.turns.c.turn_index)
        query = select(func.coalesce(last + 1, 0)).where(t.turns.c.session_id == session_id)
        return int(self._read("count the session's turns", lambda conn: conn.execute(query).scalar_one()))

    @contextmanager
    def turn_lock(self, session_id: str) -> Iterator[None]:
        """Hold the session's turn lock across processes (locks.py): replicas that share this
        database take one session's turns one at a time."""
        try:
            with self.locks.hold(session_id):
                yield
        except SQLAlchemyError as exc:
            raise db_error("lock the session for this turn", exc) from None

    def feedback(self, session_id: str) -> list[Feedback]:
        query = select(t.feedback).where(t.feedback.c.session_id == session_id).order_by(t.feedback.c.id)
        rows = self._read("read feedback", lambda conn: conn.execute(query).all())
        return [
            Feedback(
                r.turn_index,
                r.rating,
                self._open(r.comment, r.sealed, f"feedback:{session_id}:{r.turn_index}"),
                r.at,
            )
            for r in rows
        ]

    def replaced_replies(self, session_id: str) -> list[ReplacedReply]:
        """Replies the person had replaced by another (`Session.regenerate`), oldest first."""
        table = t.replaced_replies
        query = select(table).where(table.c.session_id == session_id).order_by(table.c.id)
        rows = self._read("read replaced replies", lambda conn: conn.execute(query).all())
        out = []
        for r in rows:
            kept = f"replaced:{session_id}:{r.turn_index}"
            reply = self._open(r.reply_text, r.sealed, f"{kept}:reply")
            model = self._open(r.model_text, r.sealed, f"{kept}:model")
            out.append(ReplacedReply(r.turn_index, reply, model, r.reply_reason, r.at))
        return out

    def corrections(self, session_id: str) -> list[Correction]:
        """The session's corrections, oldest first."""
        table = t.corrections
        query = select(table).where(table.c.session_id == session_id).order_by(table.c.id)
        rows = self._read("read corrections", lambda conn: conn.execute(query).all())
        return [
            Correction(
                r.turn_index, self._open(r.text, r.sealed, f"correction:{session_id}:{r.turn_index}"), r.at
            )
            for r in rows
        ]

    def risk_events(self) -> list[RiskEvent]:
        rows = self._read(
            "read risk events",
            lambda conn: conn.execute(select(t.risk_events).order_by(t.risk_events.c.id)).all(),
        )
        return [
            RiskEvent(
                r.level,
                json.loads(r.categories),
                r.source,
                r.lang,
                r.at,
                None if r.text is None else self._open(r.text, r.sealed, f"risk:{r.at!r}"),
                json.loads(r.reasons),
                r.session_id,
            )
            for r in rows
        ]

    def transcript(self, session_id: str) -> list[dict]:
        """The same rows as a live session's transcript; media name the stored copies (if unencrypted)."""
        return transcript_rows(
            TranscriptTurn(
                turn.user_text,
                turn.reply_text,
                turn.lang,
                turn.user_level,
                [(m.kind, str(m.path) if m.path and not m.sealed else m.name) for m in turn.media],
            )
            for turn in self.require(session_id)
        )

    def require(self, session_id: str) -> list[StoredTurn]:
        turns = self.turns(session_id)
        if not turns and self.session(session_id) is None:
            raise InputError(f"No stored session {session_id}.", "See `carellm sessions list`.")
        return turns

    def past_turns(self, session_id: str) -> list[PastTurn]:
        """The session's history for resuming it (`Counselor.resume`): its turns from the last one
        that started it afresh (`carellm.reset`), each with its stored index; stored media that is
        gone is left out."""
        check_session_id(session_id)
        turns = self.turns(session_id)
        start = max((i for i, turn in enumerate(turns) if turn.fresh), default=0)
        return [
            PastTurn(
                turn.user_text,
                turn.reply_text,
                turn.user_level,
                turn.speech_transcript or "",
                [
                    PastMedia(m.kind, self.files.read(m.path.name, True) if m.sealed else m.path, m.name)  # type: ignore[arg-type]
                    for m in turn.media
                    if m.path is not None and m.path.is_file()
                ],
                turn_index=turn.index,
            )
            for turn in turns[start:]
        ]

    # ------------------------------------------------------------------ deleting
    def delete(self, session_id: str) -> int:
        """Delete a session with its turns, feedback, corrections, risk events, media copies and the files it
        made (all verified gone). Returns the number of files removed."""

        def remove(conn: Connection) -> tuple[list[str], list[str]]:
            if conn.execute(select(t.sessions.c.id).where(t.sessions.c.id == session_id)).first() is None:
                raise InputError(f"No stored session {session_id}.", "See `carellm sessions list`.")
            stored = (
                conn.execute(
                    select(t.media.c.stored).where(
                        t.media.c.session_id == session_id, t.media.c.stored.is_not(None)
                    )
                )
                .scalars()
                .all()
            )
            made = conn.execute(select(t.files.c.stored).where(t.files.c.session_id == session_id))
            outputs = list(made.scalars().all())
            conn.execute(delete(t.sessions).where(t.sessions.c.id == session_id))  # cascades
            conn.execute(delete(t.risk_events).where(t.risk_events.c.session_id == session_id))
            conn.execute(delete(t.files).where(t.files.c.session_id == session_id))
            return list(stored), outputs

        stored, outputs = self._write("delete the session", remove)
        removed = self.files.remove(stored) + self.outputs.remove(outputs)
        self._flush_deleted()
        log.info("deleted session %s (%d files)", session_id, removed)
        return removed

    def purge(self, older_than_s: float) -> list[str]:
        """Delete sessions idle for longer than `older_than_s` seconds, and risk events as old."""
        cutoff = time.time() - older_than_s
        old = self._read(
            "find old sessions",
            lambda conn: (
                conn.execute(select(t.sessions.c.id).where(t.sessions.c.updated_at < cutoff)).scalars().all()
            ),
        )
        for session_id in old:
            self.delete(session_id)
        self._write(
            "purge risk events",
            lambda conn: conn.execute(delete(t.risk_events).where(t.risk_events.c.at < cutoff)),
        )
        self._flush_deleted()
        return list(old)

    def close(self) -> None:
        self.locks.close()
        self.engine.dispose()

    # ------------------------------------------------------------------ helpers
    def _touch_session(self, conn: Connection, session_id: str, lang: str, at: float) -> None:
        insert = _insert_for(conn)(t.sessions).values(id=session_id, created_at=at, updated_at=at, lang=lang)
        conn.execute(insert.on_conflict_do_nothing(index_elements=["id"]))
        conn.execute(update(t.sessions).where(t.sessions.c.id == session_id).values(updated_at=at, lang=lang))

    def _seal(self, text: str, context: str) -> str:
        return self.cipher.seal_text(text, context) if self.cipher else text

    def _open(self, value: str, sealed: bool, context: str) -> str:
        if not sealed:
            return value
        if self.cipher is None:
            raise EncryptionKeyError("This data is encrypted and no key is set.", KEY_HINT)
        return self.cipher.open_text(value, context)

    def _check_key(self) -> None:
        """Fail at open, not at the first read, when the key is not the one the store was sealed with."""
        if self.cipher is None:
            return
        cipher = self.cipher

        def check(conn: Connection) -> None:
            stored = conn.execute(select(t.meta.c.value).where(t.meta.c.key == "key_check")).scalar()
            if stored is None:
                conn.execute(
                    t.meta.insert().values(key="key_check", value=cipher.seal_text(KEY_CHECK, "key-check"))
                )
            elif cipher.open_text(stored, "key-check") != KEY_CHECK:  # pragma: no cover - GCM fails first
                raise EncryptionKeyError("Wrong encryption key.", KEY_HINT)

        self._write("check the encryption key", check)

    def _flush_deleted(self) -> None:
        """SQLite: fold the WAL into the main file so deleted rows do not linger in the log."""
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as conn:  # outside a transaction, or it cannot truncate
                conn.connection.dbapi_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]

    def _write(self, action: str, fn: Any) -> Any:
        try:
            with self.engine.begin() as conn:
                return fn(conn)
        except SQLAlchemyError as exc:
            raise db_error(action, exc) from None

    _read = _write  # reads run in a transaction too, for a consistent view


def check_session_id(session_id: str) -> None:
    if not _SESSION_ID.match(session_id):
        raise InputError(
            f"Session id {session_id!r} is not usable.",
            f"Use up to {t.SESSION_ID_LEN} letters, digits, '.', '_' or '-'.",
        )


def _insert_for(conn: Connection) -> Any:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def db_error(action: str, exc: SQLAlchemyError) -> StoreError:
    """A clear message from a driver error; parameters (message text) never appear in it."""
    reason = str(getattr(exc, "orig", None) or exc.__class__.__name__).strip().splitlines()[0]
    error = StoreError(
        f"Could not {action}: {reason}.",
        "Check free disk space, that the database is writable and reachable (CARELLM_DB_URL).",
    )
    error.rejected = isinstance(exc, IntegrityError | DataError)
    return error
