"""Where `carellm emotion report --session ID` finds a session's transcript."""

from __future__ import annotations

from carellm.config import Settings
from carellm.errors import ConfigError


def transcript_for_session(session_id: str, settings: Settings) -> list[dict]:
    """Transcript rows for a stored session; needs the session store (carellm.store).

    `settings`: the caller's (the CLI builds them from flags and CARELLM_*): where the data is.
    """
    try:
        from carellm.store import open_store
    except ImportError as exc:
        raise ConfigError(
            "The session store is not available in this installation.",
            "Save the conversation with /save FILE in `carellm chat` and use --file FILE.",
        ) from exc
    return open_store(settings).transcript(session_id)
