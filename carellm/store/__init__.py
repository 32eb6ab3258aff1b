"""Session store: SQLite by default, PostgreSQL for shared servers; export, delete, retention, encryption.

>>> counselor = Counselor.load(settings, recorder=open_recorder(settings, warn=print))
>>> session = counselor.resume("my-session")   # turns are committed as they complete
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from carellm.config import Settings
from carellm.store.crypto import load_cipher
from carellm.store.engine import default_url, make_engine
from carellm.store.errors import EncryptionKeyError, StoreError
from carellm.store.media_files import MediaFiles
from carellm.store.migrations import migrate
from carellm.store.recorder import FallbackRecorder, open_recorder
from carellm.store.settings import StoreSettings
from carellm.store.store import Store, check_session_id, db_error

DAY_S = 86_400.0

__all__ = [
    "EncryptionKeyError",
    "FallbackRecorder",
    "Store",
    "StoreError",
    "StoreSettings",
    "check_session_id",
    "open_recorder",
    "open_store",
    "store_url",
]


def store_url(settings: Settings, store_settings: StoreSettings | None = None) -> str:
    return (store_settings or StoreSettings()).db_url or default_url(settings.data_dir)


def open_store(settings: Settings, store_settings: StoreSettings | None = None) -> Store:
    """Open (and create or upgrade) the database, check the key, then apply the retention setting."""
    store_settings = store_settings or StoreSettings()
    url = store_url(settings, store_settings)
    cipher = load_cipher(store_settings)
    engine = make_engine(url)
    try:
        migrate(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        err = db_error(f"open the session database {make_url(url).render_as_string(hide_password=True)}", exc)
        raise err from None
    try:
        # Spoken replies stay playable WAVs (not sealed) under <data_dir>/audio, kept with their session.
        media = MediaFiles(settings.data_dir / "media", cipher)
        store = Store(engine, media, cipher, outputs=MediaFiles(settings.data_dir / "audio", None))
        if store_settings.retention_days is not None:
            store.purge(store_settings.retention_days * DAY_S)
    except Exception:
        engine.dispose()
        raise
    return store
