"""Store errors: each says what failed and what the user can do."""

from __future__ import annotations

from carellm.errors import CareLLMError, ConfigError


class StoreError(CareLLMError):
    """The database could not be read or written (disk full, read-only file, server down)."""

    http_status = 503


class EncryptionKeyError(ConfigError):
    """The encryption key is missing, malformed, unprotected, or not the one the data was sealed with."""
