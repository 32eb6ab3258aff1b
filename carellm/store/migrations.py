"""Versioned schema upgrades: `schema_migrations` holds the versions applied, each step runs once.

Each step runs in one transaction with the version row, so a crash mid-upgrade leaves the
previous version intact. Concurrent openers are serialised: SQLite by its write lock
(BEGIN IMMEDIATE, see engine.py), PostgreSQL by an advisory lock.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import Connection, Engine, func, inspect, select, text

from carellm.store.errors import StoreError
from carellm.store.schema import LATEST, MIGRATIONS, schema_migrations

log = logging.getLogger(__name__)
_PG_LOCK_ID = 0x6361726531  # "care1": any constant shared by all CareLLM processes


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table(schema_migrations.name):
        return 0
    return conn.execute(select(func.max(schema_migrations.c.version))).scalar() or 0


def migrate(engine: Engine, target: int = LATEST) -> int:
    """Bring the database up to `target`; returns the version it is at."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_LOCK_ID})
        version = current_version(conn)
        if version > LATEST:
            raise StoreError(
                f"The database has schema version {version}; this CareLLM knows up to {LATEST}.",
                "Upgrade CareLLM, or point CARELLM_DB_URL at another database.",
            )
        if version == 0:
            schema_migrations.create(conn)
        for step in range(version + 1, target + 1):
            MIGRATIONS[step](conn)
            conn.execute(schema_migrations.insert().values(version=step, applied_at=time.time()))
            log.info("store schema migrated to version %d", step)
        return max(version, target)
