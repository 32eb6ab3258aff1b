"""Database connections tuned for durability: WAL + full fsync on SQLite, pre-ping on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from carellm.errors import ConfigError

SQLITE_BUSY_MS = 30_000  # how long a writer waits for another process's transaction


def default_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / 'sessions.db').expanduser().absolute()}"


def make_engine(url: str) -> Engine:
    """An engine for `url`; `postgresql://` gets the psycopg (v3) driver."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            f"CARELLM_DB_URL is not a database URL: {url!r}.",
            "Use sqlite:////path/to/sessions.db or postgresql://user:pass@host/db.",
        ) from None
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    backend = parsed.get_backend_name()
    # hide_parameters: SQL logging (if someone turns it on) must never show message text.
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.query.get("uri"):
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed,
            hide_parameters=True,
            connect_args={"timeout": SQLITE_BUSY_MS / 1000, "check_same_thread": False},
        )
        _tune_sqlite(engine)
        return engine
    if backend == "postgresql":
        return create_engine(parsed, hide_parameters=True, pool_pre_ping=True)
    raise ConfigError(
        f"Unsupported database {backend!r}.", "Use sqlite:// or postgresql:// in CARELLM_DB_URL."
    )


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA secure_delete=ON")  # deleted text is overwritten, not left in free pages
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")  # a committed turn is on disk before record() returns
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        # Take the write lock up front: a deferred transaction that later writes can fail with
        # SQLITE_BUSY without waiting when another process wrote in between.
        conn.exec_driver_sql("BEGIN IMMEDIATE")
