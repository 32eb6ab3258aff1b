"""Store errors: each says what failed and what the user can do."""

from __future__ import annotations

from carellm.errors import CareLLMError, ConfigError


class StoreError(CareLLMError):
    """The database could not be read or written (disk full, read-only file, server down)."""

    http_status = 503
    # The database refused this record itself (a constraint, a value it cannot hold): writing it
    # again fails again, whereas an outage passes. The recorder sets such a record aside.
    rejected = False


class EncryptionKeyError(ConfigError):
    """The encryption key is missing, malformed, unprotected, or not the one the data was sealed with."""
