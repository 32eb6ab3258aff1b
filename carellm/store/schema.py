"""The tables, in SQLAlchemy Core so one definition serves SQLite and PostgreSQL.

Times are Unix seconds (float). Columns marked "sealed" hold ciphertext when the row's
`sealed` flag is set (encryption on), plain text otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

# A stored session id: the server's caller namespace (16) + "-" + the client's id (up to 64), or
# any id a user gives (version 7 widened the columns from 64, which such ids outgrew).
SESSION_ID_LEN = 128
SessionId = String(SESSION_ID_LEN)

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", Float, nullable=False),
)

# ---- version 1: sessions, turns, media
sessions = Table(
    "sessions",
    metadata,
    Column("id", SessionId, primary_key=True),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False, index=True),
    Column("lang", String(8)),
)

turns = Table(
    "turns",
    metadata,
    Column("session_id", SessionId, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("turn_index", Integer, primary_key=True, autoincrement=False),
    Column("lang", String(8), nullable=False),
    Column("user_text", Text, nullable=False),  # sealed
    Column("reply_text", Text, nullable=False),  # sealed
    Column("model_text", Text, nullable=False),  # sealed
    Column("user_level", String(16), nullable=False),
    Column("user_categories", Text, nullable=False),  # JSON list
    Column("reply_reason", Text, nullable=False),
    Column("emotion", Text),  # sealed JSON (it lists words from the message)
    Column("started_at", Float, nullable=False),
    Column("finished_at", Float, nullable=False),
    Column("audio_seconds", Float, nullable=False),
    Column("sealed", Boolean, nullable=False),
    # version 4: the user's speech as the safety layer read it; speech_read NULL: the turn had no speech
    Column("speech_transcript", Text),  # sealed
    Column("speech_read", Boolean),
    # version 7: the conversation started afresh at this turn (a new session, `carellm.reset`, or a
    # server that had forgotten it): the turns before it are not its history. NULL (older rows): no.
    Column("fresh", Boolean),
)

media = Table(
    "media",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", SessionId, nullable=False),
    Column("turn_index", Integer, nullable=False),
    Column("position", Integer, nullable=False),
    Column("kind", String(8), nullable=False),
    Column("name", Text, nullable=False),  # sealed: the original path the user attached
    Column("stored", String(80)),  # random file name under <data_dir>/media, None when not copied
    Column("sealed", Boolean, nullable=False),
    ForeignKeyConstraint(
        ["session_id", "turn_index"], ["turns.session_id", "turns.turn_index"], ondelete="CASCADE"
    ),
)

# ---- version 2: risk events, feedback, store metadata (the encryption key check)
risk_events = Table(
    "risk_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Float, nullable=False, index=True),
    Column("level", String(16), nullable=False),
    Column("categories", Text, nullable=False),  # JSON list
    Column("source", String(8), nullable=False),
    Column("lang", String(8), nullable=False),
    Column("text", Text),  # sealed; only when the safety layer was asked to keep text
    Column("reasons", Text, nullable=False),  # JSON list
    Column("sealed", Boolean, nullable=False),
    Column("session_id", SessionId, index=True),  # version 3; no foreign key: events precede the turn row
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", SessionId, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("turn_index", Integer, nullable=False),
    Column("rating", Integer, nullable=False),
    Column("comment", Text, nullable=False),  # sealed
    Column("at", Float, nullable=False),
    Column("sealed", Boolean, nullable=False),
)

meta = Table(
    "store_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# ---- version 5: files a session made itself (the chat REPL's spoken replies), deleted with it.
# No foreign key: a file may be kept before its turn's row (a store that missed the turn).
files = Table(
    "files",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", SessionId, nullable=False, index=True),
    Column("turn_index", Integer, nullable=False),
    Column("kind", String(16), nullable=False),  # "reply_audio"
    # file name under <data_dir>/audio: the session id, turn, a random part, the suffix (version 7: from 120)
    Column("stored", String(SESSION_ID_LEN + 64), nullable=False),
    Column("at", Float, nullable=False),
)

# ---- version 6: a reviewer's better reply to a stored turn (`carellm feedback correct`), the
# "chosen" side of the preference pairs `carellm feedback export --to dpo` builds.
corrections = Table(
    "corrections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", SessionId, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("turn_index", Integer, nullable=False),
    Column("text", Text, nullable=False),  # sealed
    Column("at", Float, nullable=False),
    Column("sealed", Boolean, nullable=False),
)

# version 8: a reply the person asked to have replaced (the web page's "try another reply"); the
# turn row holds the newer one. Ratings given before `at` rated this reply: with the newer one's
# ratings they make the preference pairs `carellm feedback export --to dpo` builds.
replaced_replies = Table(
    "replaced_replies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", SessionId, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("turn_index", Integer, nullable=False),
    Column("reply_text", Text, nullable=False),  # sealed
    Column("model_text", Text, nullable=False),  # sealed
    Column("reply_reason", Text, nullable=False),
    Column("at", Float, nullable=False),  # when it was replaced
    Column("sealed", Boolean, nullable=False),
    Index("ix_replaced_replies_turn", "session_id", "turn_index"),
)

Step = Callable[[Connection], None]


def _create(*tables: Table) -> Step:
    def step(conn: Connection) -> None:
        for table in tables:
            table.create(conn)

    return step


def _without(table: Table, *later: str) -> Table:
    """`table` as an earlier version created it: today's columns less those added since."""
    earlier = MetaData()
    for key in table.foreign_keys:  # the tables its foreign keys name, so its DDL can refer to them
        if key.column.table.name not in earlier.tables:
            key.column.table.to_metadata(earlier)
    columns = [column._copy() for column in table.columns if column.name not in later]
    keys = [key._copy() for key in table.foreign_key_constraints if not set(key.column_keys) & set(later)]
    return Table(table.name, earlier, *columns, *keys)


def _steps(*steps: Step) -> Step:
    """Several steps as one version (they run in its one transaction)."""

    def step(conn: Connection) -> None:
        for each in steps:
            each(conn)

    return step


def _add_column(table: Table, name: str) -> Step:
    """ALTER TABLE ... ADD COLUMN (same SQL on SQLite and PostgreSQL), plus the column's index."""

    def step(conn: Connection) -> None:
        column = table.c[name]
        sql_type = column.type.compile(dialect=conn.dialect)
        conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {name} {sql_type}")
        for index in table.indexes:
            if [c.name for c in index.columns] == [name]:
                index.create(conn)

    return step


def _widen_session_ids(conn: Connection) -> None:
    """Session id columns (and the file names made from them) wider on PostgreSQL; a longer
    varchar needs no table rewrite. SQLite does not enforce a varchar's length: nothing to do."""
    if conn.dialect.name != "postgresql":
        return
    for table in (sessions, turns, media, risk_events, feedback, files, corrections):
        column = "id" if table is sessions else "session_id"
        conn.exec_driver_sql(f"ALTER TABLE {table.name} ALTER COLUMN {column} TYPE VARCHAR({SESSION_ID_LEN})")
    conn.exec_driver_sql(f"ALTER TABLE files ALTER COLUMN stored TYPE VARCHAR({SESSION_ID_LEN + 64})")


SPEECH_COLUMNS = ("speech_transcript", "speech_read")

MIGRATIONS: dict[int, Step] = {
    1: _create(sessions, _without(turns, *SPEECH_COLUMNS, "fresh"), media),
    2: _create(_without(risk_events, "session_id"), feedback, meta),
    3: _add_column(risk_events, "session_id"),
    4: _steps(*(_add_column(turns, name) for name in SPEECH_COLUMNS)),
    5: _create(files),
    6: _create(corrections),
    7: _steps(_widen_session_ids, _add_column(turns, "fresh")),
    8: _create(replaced_replies),
}
LATEST = max(MIGRATIONS)
